#!/bin/sh
# Install what twincam needs, from Debian 12's packages, for one purpose:
#   run    build and serve the camera (run.sh): compiler, meson, the
#          libraries the library links (libpng, zlib, nettle; libgpiod for
#          serve --gpio)
#   view   run, plus the README's live view: Aravis's tools and viewer,
#          GStreamer with aravissrc and X/GTK video sinks (without
#          gstreamer1.0-x and -gtk3, GStreamer picks the DirectFB sink that
#          plugins-bad brings, and gst-launch and arv-viewer crash)
#   test   everything test.sh runs (the default): view, plus clang and the
#          fuzzers, cmocka, Aravis's headers, QEMU and the kernel-build tools
#          for the USB/IP and GPIO VMs, the Python module's cffi, numpy and
#          pytest, Xvfb and ImageMagick for the viewer
#          screenshot (xdotool clicks in the viewer), and the Debian
#          packaging tools (dpkg-buildpackage, debhelper, dh-python,
#          lintian, help2man for the manual pages)
# Does nothing when everything is already there; otherwise needs root (or
# sudo) and the Debian archive. Prints only on stderr (so `run.sh xml >
# camera.xml` stays XML), and only what it installs.
# Network safety: this script only installs packages; it starts no camera
# and no Aravis client. The clients it installs (arv-tool, arv-viewer,
# aravissrc) are started by the tests and benches only inside a private
# network namespace with loopback alone (unshare -rn), addressing 127.0.0.0/8.
set -eu
mode=${1:-test}
run="meson ninja-build pkg-config gcc libc6-dev libpng-dev zlib1g-dev nettle-dev libsodium-dev libgpiod-dev"
view="$run aravis-tools-cli aravis-tools gstreamer1.0-tools gstreamer1.0-plugins-base \
gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-x gstreamer1.0-gtk3"
test="$view clang libclang-rt-14-dev libcmocka-dev \
libaravis-dev libusb-1.0-0-dev gir1.2-aravis-0.8 python3-gi iproute2 \
libxml2-utils libglib2.0-bin \
qemu-system-x86 busybox-static cpio kmod usbip \
make xz-utils libelf1 libssl3 \
python3-cffi python3-numpy python3-pytest \
xvfb xauth xdotool imagemagick \
help2man dpkg-dev debhelper dh-python python3-all lintian git"
case $mode in
run) pkgs=$run ;;
view) pkgs=$view ;;
test) pkgs=$test ;;
*) echo "usage: install-deps.sh [run|view|test]" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps.sh ($mode): installing:$missing" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# apt's own output goes to stderr: stdout is the caller's.
$sudo apt-get update -qq >&2
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >&2
