#!/bin/sh
# Install what twincam needs to build, test and serve, from Debian 12's
# packages. Does nothing when everything is already there; otherwise needs
# root (or sudo) and the Debian archive.
set -eu
pkgs="meson ninja-build pkg-config gcc clang libclang-rt-14-dev \
libpng-dev zlib1g-dev libcmocka-dev nettle-dev libsodium-dev \
libaravis-dev libusb-1.0-0-dev aravis-tools-cli aravis-tools \
gir1.2-aravis-0.8 python3-gi iproute2 \
libxml2-utils libglib2.0-bin gstreamer1.0-tools gstreamer1.0-plugins-base \
gstreamer1.0-plugins-good gstreamer1.0-plugins-bad \
qemu-system-x86 busybox-static cpio kmod usbip \
libgpiod-dev make xz-utils libelf1 libssl3 \
python3-cffi python3-numpy python3-pytest"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
