#!/bin/sh
# Run the camera as a USB3 Vision device on a Linux board with a USB device
# controller (UDC), through configfs and FunctionFS:
#   1. load libcomposite and usb_f_fs, mount configfs;
#   2. create the gadget /sys/kernel/config/usb_gadget/twincam: ids 1d6b:0104,
#      class EF/02/01 (IAD), bcdUSB 3.00, strings from the camera's identity,
#      one configuration with one FunctionFS function;
#   3. mount that FunctionFS instance, start `twincam gadget --ffs DIR`, and
#      once it has written its descriptors (the endpoint files appear), bind
#      the UDC;
#   4. on SIGINT/SIGTERM or when twincam exits: unbind, unmount, remove the
#      gadget.
# Needs root. Known limit: Linux 6.1's FunctionFS refuses the U3V Device Info
# descriptor, so Aravis lists the camera but cannot open it
# (docs/usb3vision.md).
# usage: scripts/gadget.sh [--udc NAME] [--twincam PATH] [--ffs-dir DIR] [twincam gadget options]
#        (default UDC: the first in /sys/class/udc; twincam options: --serial, --seed,
#        --state-dir, --io, --set F=V ...)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TWINCAM=$HERE/../build/twincam
UDC=""
FFS=/dev/ffs-twincam
while [ $# -gt 0 ]; do
  case $1 in
    --udc) UDC=$2; shift 2 ;;
    --twincam) TWINCAM=$2; shift 2 ;;
    --ffs-dir) FFS=$2; shift 2 ;;
    *) break ;;
  esac
done
[ -x "$TWINCAM" ] || { echo "gadget.sh: no twincam at $TWINCAM (--twincam PATH)"; exit 1; }
modprobe libcomposite 2>/dev/null || true
modprobe usb_f_fs 2>/dev/null || true
CFS=/sys/kernel/config
grep -q " $CFS configfs" /proc/mounts || mount -t configfs none "$CFS"
[ -d "$CFS/usb_gadget" ] || { echo "gadget.sh: no usb_gadget in configfs (libcomposite missing?)"; exit 1; }
[ -n "$UDC" ] || UDC=$(ls /sys/class/udc 2>/dev/null | head -1)
[ -n "$UDC" ] || { echo "gadget.sh: no USB device controller in /sys/class/udc"; exit 1; }

# The identity the camera reports (with the options given, e.g. --serial).
# Only the options that shape the camera reach `twincam features`: it takes
# no port options (--io, --status-interval, -q ...), and refused them all.
quote() { printf "'%s'" "$(printf %s "$1" | sed "s/'/'\\\\''/g")"; }
IDENT="" takes_value=""
for a in "$@"; do
  if [ -n "$takes_value" ]; then IDENT="$IDENT $(quote "$a")"; takes_value=""; continue; fi
  case "$a" in
    --serial=*|--seed=*|--set=*|--state-dir=*) IDENT="$IDENT $(quote "$a")" ;;
    --serial|--seed|--set|--state-dir) IDENT="$IDENT $(quote "$a")"; takes_value=1 ;;
  esac
done
feature() { eval "\"\$TWINCAM\" features $IDENT" | awk -v f="$FEATURE" '$1 == f { print $4; exit }'; }
FEATURE=DeviceVendorName; VENDOR=$(feature)
FEATURE=DeviceModelName; MODEL=$(feature)
FEATURE=DeviceSerialNumber; SERIAL=$(feature)
FEATURE=DeviceFirmwareVersion; VERSION=$(feature)
[ -n "$MODEL" ] && [ -n "$SERIAL" ] || { echo "gadget.sh: cannot read the camera's identity (twincam features$IDENT)"; exit 1; }
BCD=$(echo "$VERSION" | awk -F. '{ printf "0x%02d%02d", $1 % 100, $2 % 100 }')

G=$CFS/usb_gadget/twincam
cleanup() {
  [ -e "$G/UDC" ] && echo "" > "$G/UDC" 2>/dev/null || true
  umount "$FFS" 2>/dev/null || true
  rm -f "$G/configs/c.1/ffs.twincam" 2>/dev/null || true
  rmdir "$G/configs/c.1/strings/0x409" "$G/configs/c.1" "$G/functions/ffs.twincam" \
        "$G/strings/0x409" "$G" 2>/dev/null || true
}
cleanup
mkdir "$G"
echo 0x1d6b > "$G/idVendor"; echo 0x0104 > "$G/idProduct"
echo 0x0300 > "$G/bcdUSB"; echo "$BCD" > "$G/bcdDevice"
echo 0xEF > "$G/bDeviceClass"; echo 0x02 > "$G/bDeviceSubClass"; echo 0x01 > "$G/bDeviceProtocol"
echo super-speed > "$G/max_speed" 2>/dev/null || true
mkdir "$G/strings/0x409"
echo "$VENDOR" > "$G/strings/0x409/manufacturer"
echo "$MODEL" > "$G/strings/0x409/product"
echo "$SERIAL" > "$G/strings/0x409/serialnumber"
mkdir "$G/configs/c.1"
echo 400 > "$G/configs/c.1/MaxPower" # the datasheet's bus power budget
mkdir "$G/functions/ffs.twincam"
ln -s "$G/functions/ffs.twincam" "$G/configs/c.1/"
mkdir -p "$FFS"
mount -t functionfs twincam "$FFS"

"$TWINCAM" gadget --ffs "$FFS" "$@" &
TC=$!
trap 'kill -TERM $TC 2>/dev/null || true' INT TERM
# Bind once the descriptors are in: FunctionFS creates the endpoint files then.
i=0
while [ ! -e "$FFS/ep4" ]; do
  kill -0 $TC 2>/dev/null || { wait $TC || true; cleanup; echo "gadget.sh: twincam gadget exited"; exit 1; }
  i=$((i + 1)); [ $i -lt 600 ] || { kill -TERM $TC; wait $TC || true; cleanup; echo "gadget.sh: no endpoint files"; exit 1; }
  sleep 0.1
done
echo "$UDC" > "$G/UDC"
echo "gadget.sh: $VENDOR $MODEL $SERIAL bound to $UDC ($(cat /sys/class/udc/$UDC/current_speed 2>/dev/null || echo ?))"
RC=0
wait $TC || RC=$?
# A signal interrupts the first wait; wait for twincam to finish for real.
kill -0 $TC 2>/dev/null && { wait $TC || RC=$?; }
cleanup
exit $RC
