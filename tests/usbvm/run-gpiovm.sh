#!/bin/sh
# Network safety: the camera and the Aravis tools run inside the QEMU guest,
# which has no network device at all (stricter than a private netns with
# only loopback); GigE Vision goes over the guest's own 127.0.0.1.
# End-to-end test of `twincam serve --gpio` on real kernel GPIO lines: a
# gpio-sim chip inside a QEMU guest running Debian's kernel (booted by the
# usb-vm recipe, ../shared/recipes/usb-vm, outside the repository), driven
# through gpio-sim's sysfs `pull` and read through its `value` attributes
# (tests/usbvm/guest-gpio.sh says what is asserted).
#
# Debian 12's kernel is built without gpio-sim (CONFIG_GPIO_SIM is not set),
# so this runner builds gpio-sim.ko for that very kernel from Debian's own
# packages of the same version: linux-source-6.1 (gpio-sim.c, gpiolib.h and
# kernel/irq/irq_sim.c, which is not built in either) compiled with kbuild
# from linux-headers-* and linux-kbuild-6.1, all fetched with apt-get
# download and unpacked into the work dir (no root, nothing installed).
# irq_sim.c calls irq_to_desc(), which 6.1 does not export to modules; the
# copy built here calls generic_handle_irq() instead, which runs the same
# handle_simple_irq() the domain installed. Nothing of it enters the
# repository; it is built once per kernel version and kept in the cache
# (vm-common.sh), with the packages.
#
# Host needs (scripts/install-deps.sh): make, xz, gcc-12, and libelf1 + libssl3 for
# the unpacked kbuild tools (objtool, modpost).
# usage: run-gpiovm.sh [BUILD_DIR [WORKDIR]]   (WORKDIR: default a new one per
#        run, removed at exit; one given is kept: vm-common.sh)
# env:   GPIOVM_PULSES (default 5), U3V_ACCEL, U3V_TIMEOUT (see the recipe), USBVM_RECIPE,
#        USBVM_CACHE, USBVM_KEEP=1 (vm-common.sh)
# Exit: 0 PASS, 1 FAIL, 77 skipped (missing tools or packages: scripts/install-deps.sh).
set -eu
. "$(dirname "$0")/vm-common.sh"
vm_setup gpiovm "${1:-}" "${2:-}" qemu-system-x86_64 busybox cpio depmod arv-tool-0.8 \
  arv-camera-test-0.8 apt-get apt-cache dpkg-deb make xz

# The kernel the recipe boots (linux-image-amd64's dependency), from the
# cache the usb-vm test shares (vm-common.sh).
vm_kernel
KVER=${PKG#linux-image-}
VER=$(apt-cache show "$PKG" 2>/dev/null | awk '/^Version:/{print $2; exit}')
KBUILD=$(apt-cache show "linux-headers-$KVER" 2>/dev/null | sed -n 's/^Depends:.*\(linux-kbuild-[0-9.]*\).*/\1/p' | head -1)
SRCPKG=linux-source-$(echo "$KVER" | cut -d. -f1,2)
COMMON=linux-headers-${KVER%-amd64}-common
[ -n "$VER" ] && [ -n "$KBUILD" ] || { echo "run-gpiovm: no linux-headers-$KVER in apt's lists"; exit 77; }

# gpio-sim.ko for $KVER, built once (in this run's work dir) and kept in the
# cache, with the packages it is built from.
KO="$CACHE/gpiomod-$KVER/gpio-sim.ko"
if [ ! -f "$KO" ]; then
  command -v "gcc-12" >/dev/null 2>&1 || { echo "run-gpiovm: gcc-12 missing (builds the module)"; exit 77; }
  vm_locked vm_download "linux-headers-$KVER=$VER" "$COMMON=$VER" "$KBUILD=$VER" "$SRCPKG=$VER" || {
    echo "run-gpiovm: cannot download the kernel headers and source of $KVER"; exit 77; }
  T="$W/kmod-tmp"
  rm -rf "$T" && mkdir -p "$T/root" "$T/mod" "$T/src"
  for d in "$CACHE/linux-headers-${KVER}_"*.deb "$CACHE/${COMMON}_"*.deb "$CACHE/${KBUILD}_"*.deb; do
    dpkg-deb -x "$d" "$T/root"
  done
  H="$T/root/usr/src/linux-headers-$KVER"
  # The arch headers' Makefile includes the common one by its installed path.
  sed -i "s|^include /usr/src/|include $T/root/usr/src/|" "$H/Makefile"
  S=linux-source-$(echo "$KVER" | cut -d. -f1,2)
  dpkg-deb --fsys-tarfile "$CACHE/${SRCPKG}_"*.deb | tar -xO "./usr/src/$S.tar.xz" | xz -dc |
    tar -x -C "$T/src" "$S/drivers/gpio/gpio-sim.c" "$S/drivers/gpio/gpiolib.h" "$S/kernel/irq/irq_sim.c"
  cp "$T/src/$S/drivers/gpio/gpio-sim.c" "$T/mod/sim.c"
  cp "$T/src/$S/drivers/gpio/gpiolib.h" "$T/src/$S/kernel/irq/irq_sim.c" "$T/mod/"
  sed -i 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' "$T/mod/irq_sim.c"
  grep -q 'generic_handle_irq(irqnum);' "$T/mod/irq_sim.c" || { echo "run-gpiovm: irq_sim.c is not as expected"; exit 1; }
  printf 'obj-m := gpio-sim.o\ngpio-sim-y := sim.o irq_sim.o\n' > "$T/mod/Kbuild"
  if ! make -C "$H" M="$T/mod" modules > "$W/kmod-build.log" 2>&1; then
    tail -20 "$W/kmod-build.log"; echo "run-gpiovm: building gpio-sim.ko failed"; exit 1
  fi
  mkdir -p "$T/gpiomod" && cp "$T/mod/gpio-sim.ko" "$T/gpiomod/"
  publish_ko() { [ -f "$KO" ] || { rm -rf "$CACHE/gpiomod-$KVER" && mv "$T/gpiomod" "$CACHE/gpiomod-$KVER"; }; }
  vm_locked publish_ko
  rm -rf "$T"
fi

vm_boot "$HERE/guest-gpio.sh" "TWINCAM='$BUILD/twincam'
GPIO_SIM_KO='$KO'
PULSES='${GPIOVM_PULSES:-5}'"
