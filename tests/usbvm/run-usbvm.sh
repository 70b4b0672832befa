#!/bin/sh
# Network safety: the Aravis tools run inside the QEMU guest, which has no
# network device at all (stricter than a private netns with only loopback);
# USB/IP goes over the guest's own 127.0.0.1.
# End-to-end USB/IP test in a QEMU guest (Debian's kernel, no network device):
# twincam serve --usbip on the guest's loopback, usbip attach, arv-tool-0.8
# and arv-camera-test-0.8 against it. Boots with the usb-vm recipe's runner
# (../shared/recipes/usb-vm, outside the repository).
# usage: run-usbvm.sh [BUILD_DIR [WORKDIR]]
# env:   USBVM_STREAM_SECONDS (default 8), USBVM_SERVE_ARGS (twincam serve), USBVM_ARV_ARGS
#        (arv-camera-test-0.8, e.g. "-s async"), USBVM_TRACE=1, U3V_ACCEL, U3V_TIMEOUT (see the recipe),
#        USBVM_RECIPE (recipe dir)
# Exit: 0 PASS, 1 FAIL, 77 skipped (missing tools: scripts/install-deps.sh).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
W=${2:-${TMPDIR:-/tmp}/twincam-usbvm}
mkdir -p "$W" && W=$(cd "$W" && pwd -P)
# The recipe's mkinitramfs.sh nests modules under their full host path, and
# depmod skips directories named build or source: such a work dir boots a
# guest without modules.
case "/$W/" in
  */build/*|*/source/*) echo "run-usbvm: work dir $W has a 'build' or 'source' component; use another"; exit 1 ;;
esac
RECIPE=${USBVM_RECIPE:-$ROOT/../shared/recipes/usb-vm}
for t in qemu-system-x86_64 busybox cpio depmod usbip arv-tool-0.8 arv-camera-test-0.8 apt-get dpkg-deb; do
  command -v $t >/dev/null 2>&1 || [ -x /usr/sbin/$t ] || { echo "run-usbvm: $t missing (scripts/install-deps.sh)"; exit 77; }
done
[ -x "$RECIPE/run-u3v-vm.sh" ] || { echo "run-usbvm: no recipe at $RECIPE"; exit 77; }
[ -x "$BUILD/twincam" ] || { echo "run-usbvm: no $BUILD/twincam"; exit 1; }
mkdir -p "$W/out"
# The kernel package comes from the Debian archive on first use; without it
# (offline) the test is skipped, not failed.
if [ ! -d "$W/kernel" ]; then
  PKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  [ -n "$PKG" ] || { echo "run-usbvm: no linux-image-amd64 in apt's lists"; exit 77; }
  ls "$W/$PKG"_*.deb >/dev/null 2>&1 || (cd "$W" && apt-get download "$PKG" >/dev/null 2>&1) || {
    echo "run-usbvm: cannot download $PKG"; exit 77; }
fi
# The guest reads its configuration from /out (run-u3v-vm.sh recreates out/,
# so the guest gets it through a wrapper script in the work dir).
cat > "$W/guest.sh" <<EOG
#!/bin/sh
printf 'TWINCAM=%s\nSTREAM_SECONDS=%s\nTRACE=%s\nSERVE_ARGS="%s"\nARV_ARGS="%s"\nHOST_TEST=%s\nGADGET_SH=%s\nKDIR=%s\n' '$BUILD/twincam' '${USBVM_STREAM_SECONDS:-8}' '${USBVM_TRACE:-0}' '${USBVM_SERVE_ARGS:-}' '${USBVM_ARV_ARGS:-}' '$BUILD/tests/usbvm/u3v_host_test' '$ROOT/scripts/gadget.sh' '$W/kernel' > /out/config
exec /bin/sh '$HERE/guest-usbip.sh'
EOG
chmod +x "$W/guest.sh"
START=$(date +%s.%N)
set +e
"$RECIPE/run-u3v-vm.sh" "$W/guest.sh" "$W" > "$W/console.log" 2>&1
RC=$?
set -e
END=$(date +%s.%N)
grep -E 'GUEST|FAIL|run-u3v-vm|INIT' "$W/console.log" || true
echo "--- result ($W/out/result.txt), wall $(awk -v a="$START" -v b="$END" 'BEGIN{printf "%.1f", b-a}') s"
cat "$W/out/result.txt" 2>/dev/null || true
[ $RC -eq 0 ] && exit 0
echo "--- server log tail"; tail -20 "$W/out/server.log" 2>/dev/null || true
exit 1
