#!/bin/sh
# Install what the USB/IP VM test (tests/usbvm) needs on Debian 12: QEMU, a
# static busybox and cpio for the initramfs, kmod for depmod/modprobe, the
# usbip tool. The kernel package itself is fetched by the test with
# `apt-get download` (no root needed). Does nothing when everything is there.
set -eu
pkgs="qemu-system-x86 busybox-static cpio kmod usbip"
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
