#!/bin/sh
# Network safety: the Aravis tools run inside the QEMU guest, which has no
# network device at all (stricter than a private netns with only loopback);
# USB/IP goes over the guest's own 127.0.0.1.
# End-to-end USB/IP test in a QEMU guest (Debian's kernel, no network device):
# twincam serve --usbip --state-dir on the guest's loopback, usbip attach,
# arv-tool-0.8 and arv-camera-test-0.8 against it, then a firmware update
# through file access with Aravis (refused packages, a 3.21.0 package,
# DeviceReset, usbip attach again, the new version read), then the FunctionFS
# part. Boots with the usb-vm recipe's runner (../shared/recipes/usb-vm,
# outside the repository).
# usage: run-usbvm.sh [BUILD_DIR [WORKDIR]]   (WORKDIR: default a new one per
#        run, removed at exit; one given is kept: vm-common.sh)
# env:   USBVM_STREAM_SECONDS (default 8), USBVM_FRAME_RATE (Hz, default 2), USBVM_SERVE_ARGS (twincam serve), USBVM_ARV_ARGS
#        (arv-camera-test-0.8, e.g. "-s async"), USBVM_TRACE=1, U3V_ACCEL, U3V_TIMEOUT (see the recipe),
#        USBVM_RECIPE (recipe dir), USBVM_CACHE (kernel cache dir), USBVM_KEEP=1 (keep the work dir)
# Exit: 0 PASS, 1 FAIL, 77 skipped (missing tools: scripts/install-deps.sh).
set -eu
. "$(dirname "$0")/vm-common.sh"
vm_setup usbvm "${1:-}" "${2:-}" qemu-system-x86_64 busybox cpio depmod usbip arv-tool-0.8 \
  arv-camera-test-0.8 apt-get dpkg-deb
# The firmware part's Aravis client (Python, GObject introspection) runs in
# the guest on this root filesystem.
/usr/bin/python3 -c "import gi; gi.require_version('Aravis', '0.8')" 2>/dev/null || {
  echo "run-usbvm: python3-gi and gir1.2-aravis-0.8 missing (scripts/install-deps.sh)"; exit 77; }
# The kernel package comes from the Debian archive on first use (kept in the
# cache, vm-common.sh); without it (offline) the test is skipped, not failed.
vm_kernel
# The firmware update in the guest (guest-usbip.sh, after the stream): a
# package of this build signed with the test key, as 3.21.0; refused ones:
# that package truncated, and a small package with one program byte flipped
# (both cheap to upload). Checked here to be what they are meant to be.
FW=$W/fw
mkdir -p "$FW"
"$BUILD/twincam" firmware pack -o "$FW/v3.21.0.tcfw" --version 3.21.0 >/dev/null
head -c 8192 "$FW/v3.21.0.tcfw" > "$FW/refused-truncated.tcfw"
printf '#!/bin/sh\nexit 0\n' > "$FW/tiny.sh"
"$BUILD/twincam" firmware pack -o "$FW/refused-hash.tcfw" --version 3.22.0 --program "$FW/tiny.sh" >/dev/null
printf 'X' | dd of="$FW/refused-hash.tcfw" bs=1 seek=202 conv=notrunc 2>/dev/null # the program's '/' (offset 200 + 2)
for p in truncated hash; do
  f=$FW/refused-$p.tcfw
  if "$BUILD/twincam" firmware info "$f" >/dev/null 2>"$FW/info.txt" || ! grep -q "refused ($p)" "$FW/info.txt"; then
    echo "run-usbvm: $f is not refused ($p):"; cat "$FW/info.txt"; exit 1
  fi
done
vm_boot "$HERE/guest-usbip.sh" "TWINCAM='$BUILD/twincam'
STREAM_SECONDS='${USBVM_STREAM_SECONDS:-8}'
FRAME_RATE='${USBVM_FRAME_RATE:-2}'
TRACE='${USBVM_TRACE:-0}'
SERVE_ARGS='${USBVM_SERVE_ARGS:-}'
ARV_ARGS='${USBVM_ARV_ARGS:-}'
HOST_TEST='$BUILD/tests/usbvm/u3v_host_test'
GADGET_SH='$ROOT/scripts/gadget.sh'
KDIR='$W/kernel'
SOURCE_ROOT='$ROOT'
FW_DIR='$FW'"
