#!/bin/sh
# Network safety: the Aravis tools run inside the QEMU guest, which has no
# network device at all (stricter than a private netns with only loopback);
# USB/IP goes over the guest's own 127.0.0.1.
# End-to-end USB/IP test in a QEMU guest (Debian's kernel, no network device):
# twincam serve --usbip on the guest's loopback, usbip attach, arv-tool-0.8
# and arv-camera-test-0.8 against it. Boots with the usb-vm recipe's runner
# (../shared/recipes/usb-vm, outside the repository).
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
# The kernel package comes from the Debian archive on first use (kept in the
# cache, vm-common.sh); without it (offline) the test is skipped, not failed.
vm_kernel
vm_boot "$HERE/guest-usbip.sh" "TWINCAM='$BUILD/twincam'
STREAM_SECONDS='${USBVM_STREAM_SECONDS:-8}'
FRAME_RATE='${USBVM_FRAME_RATE:-2}'
TRACE='${USBVM_TRACE:-0}'
SERVE_ARGS='${USBVM_SERVE_ARGS:-}'
ARV_ARGS='${USBVM_ARV_ARGS:-}'
HOST_TEST='$BUILD/tests/usbvm/u3v_host_test'
GADGET_SH='$ROOT/scripts/gadget.sh'
KDIR='$W/kernel'"
