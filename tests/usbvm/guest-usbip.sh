#!/bin/sh
# Network safety: the Aravis tools run inside the QEMU guest, which has no
# network device at all (stricter than a private netns with only loopback);
# USB/IP goes over the guest's own 127.0.0.1.
# Stage 2 of the USB/IP VM test: runs as PID 1 inside the QEMU guest (host /
# read-only over 9p, results in /out). Starts `twincam serve --usbip
# --state-dir` (the boot loader, the camera its child) on the guest's
# loopback, attaches it with `usbip attach`, checks SuperSpeed, lists and
# controls it with arv-tool-0.8, streams full frames with
# arv-camera-test-0.8, updates its firmware through USB/IP
# (guest-fwupdate.sh), then the FunctionFS part (guest-ffs.sh); writes PASS
# or FAIL and the figures to /out.
# The twincam binary, the stream duration and the firmware packages come
# from /out/config
# (written by run-usbvm.sh on the host).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
up() { cut -d' ' -f1 /proc/uptime; }
. /out/config   # TWINCAM, STREAM_SECONDS, FRAME_RATE, TRACE=0/1, SERVE_ARGS, ARV_ARGS, HOST_TEST, GADGET_SH, KDIR, SOURCE_ROOT, FW_DIR
R=/out/result.txt
: > $R
fail() { echo "FAIL: $*" | tee -a $R; echo FAIL > /out/status; sync; echo o > /proc/sysrq-trigger; sleep 5; }
say() { echo "GUEST: $* (t=$(up)s)"; }
say "stage2, kernel $(uname -r)"
ip link set lo up || fail "no loopback"
mkdir -p /dev/bus/usb
T0=$(up)
# With a state directory (tmpfs) `serve` is the boot loader, the camera its
# child: the firmware part (guest-fwupdate.sh) updates it.
STATE=/run/twincam-state
mkdir -p $STATE
TWINCAM_USBIP_TRACE=${TRACE:-0} "$TWINCAM" serve --usbip --interface 127.0.0.1 --state-dir $STATE $SERVE_ARGS > /out/server.log 2>&1 &
SRV=$!
for i in $(seq 100); do grep -q serving /out/server.log && break; sleep 0.1; done
grep -q serving /out/server.log || fail "server did not start"
say "server up"
usbip list -r 127.0.0.1 > /out/usbip-list.txt 2>&1 || fail "usbip list"
grep -q '1-1' /out/usbip-list.txt || fail "usbip list does not show 1-1"
usbip attach -r 127.0.0.1 -b 1-1 || fail "usbip attach"
say "attached"
# wait_usb VID PID [SYSFS_PATH_PART]: wait (up to 20 s) until such a device
# is configured (on a bus whose sysfs path holds SYSFS_PATH_PART, if given)
# and print its sysfs dir. Also used by guest-ffs.sh.
wait_usb() {
  for i in $(seq 200); do
    for d in /sys/bus/usb/devices/*; do
      [ -f $d/idVendor ] && [ "$(cat $d/idVendor):$(cat $d/idProduct)" = "$1:$2" ] && \
        [ "$(cat $d/bConfigurationValue 2>/dev/null)" = 1 ] && \
        { [ -z "${3:-}" ] || readlink -f $d | grep -q "$3"; } && { echo $d; return 0; }
    done
    sleep 0.1
  done
  return 1
}
DEV=$(wait_usb 1d6b 0104) || DEV=""
[ -n "$DEV" ] || fail "device did not enumerate"
SPEED=$(cat $DEV/speed)
say "device $(basename $DEV) speed $SPEED $(cat $DEV/manufacturer) $(cat $DEV/product) $(cat $DEV/serial)"
echo "speed $SPEED" >> $R
[ "$SPEED" = 5000 ] || fail "speed $SPEED, not 5000"
for i in $(seq 50); do [ -n "$(ls /dev/bus/usb/*/ 2>/dev/null)" ] && break; sleep 0.1; done
timeout 60 arv-tool-0.8 > /out/arv-list.txt 2>&1
cat /out/arv-list.txt
ID=$(sed -n 's/^\(.*\) (USB3)$/\1/p' /out/arv-list.txt | head -1)
[ -n "$ID" ] || fail "arv-tool-0.8 does not list a USB3 camera"
echo "device $ID" >> $R
say "listed as $ID"
timeout 60 arv-tool-0.8 -n "$ID" control DeviceSerialNumber Width Height PixelFormat > /out/arv-control.txt 2>&1 || fail "arv-tool control read"
timeout 60 arv-tool-0.8 -n "$ID" control Width=2052 >> /out/arv-control.txt 2>&1 || fail "arv-tool control write"
timeout 60 arv-tool-0.8 -n "$ID" control Width >> /out/arv-control.txt 2>&1
grep -q 'Width = 2052' /out/arv-control.txt || fail "Width write did not stick"
timeout 60 arv-tool-0.8 -n "$ID" control Width=4056 PixelFormat=BayerGR8 >> /out/arv-control.txt 2>&1 || fail "arv-tool restore"
cat /out/arv-control.txt
say "controlled"
# Stream: full 4056x3040 BayerGR8 frames at FRAME_RATE (AcquisitionFrameRate),
# a rate the two emulated CPUs keep up with. At the camera's own 18 Hz the
# guest is saturated (about 5 frames/s leave it, the rest are counted as
# overruns), its stream thread can then wait longer than the 200 ms
# MaximumDeviceResponseTime that arv-camera-test's synchronous reader uses
# as its bulk timeout, and a request the server answers just as the host
# cancels it loses its data in vhci and libusb (a SIZE_MISMATCH failure).
# This test checks the protocol, not the rate.
S0=$(up)
# Runs at least STREAM_SECONDS and until MIN_FRAMES frames arrived (the
# sensor model renders slowly under TCG, slower still with sanitizers), at
# most MAX_SECONDS.
MIN_FRAMES=${MIN_FRAMES:-3}; MAX_SECONDS=${MAX_SECONDS:-150}
stdbuf -oL arv-camera-test-0.8 -n "$ID" -f "${FRAME_RATE:-2}" $ARV_ARGS > /out/arv-camera-test.txt 2>&1 &
CT=$!
FIRST=""
while kill -0 $CT 2>/dev/null; do
  if [ -z "$FIRST" ] && grep -q 'first frame' /out/server.log; then FIRST=$(up); fi
  N=$(awk '/frames?\/s/ { n += $1 } END { print n + 0 }' /out/arv-camera-test.txt)
  if awk -v n="$N" -v m="$MIN_FRAMES" -v a="$S0" -v b="$(up)" -v s="$STREAM_SECONDS" -v x="$MAX_SECONDS" \
       'BEGIN { exit !((n >= m && b - a >= s) || b - a >= x) }'; then
    kill -INT $CT; break
  fi
  sleep 0.2
done
wait $CT
S1=$(up)
cat /out/arv-camera-test.txt
COMPLETED=$(sed -n 's/.*n_completed_buffers *= *\([0-9]*\).*/\1/p' /out/arv-camera-test.txt | tail -1)
FAILED=$(sed -n 's/.*n_failures *= *\([0-9]*\).*/\1/p' /out/arv-camera-test.txt | tail -1)
{
  echo "completed $COMPLETED failed $FAILED in $(awk -v a="$S0" -v b="$S1" 'BEGIN { printf "%.2f", b - a }') s of arv-camera-test"
  awk -v c="${COMPLETED:-0}" -v a="$S0" -v b="$S1" -v f="${FIRST:-$S0}" 'BEGIN {
    if (b > a) printf "whole run: %.3f frames/s, %.2f MB/s\n", c / (b - a), c * 12330240 / (b - a) / 1e6
    if (b > f) printf "from the first frame: %.3f frames/s, %.2f MB/s\n", c / (b - f), c * 12330240 / (b - f) / 1e6 }'
  echo "camera overruns (TwinOverruns) $(sed -n 's/.*(TwinOverruns \([0-9]*\)).*/\1/p' /out/server.log | tail -1 | grep . || echo 0)"
  [ -n "$FIRST" ] && awk -v f="$FIRST" -v s="$S0" -v t="$T0" 'BEGIN { printf "boot to first frame %.2f s (server started at %.2f s; arv-camera-test start to first frame %.2f s)\n", f, t, f - s }'
} >> $R
[ -n "$COMPLETED" ] && [ "$COMPLETED" -gt 0 ] || fail "no completed buffers"
[ "$FAILED" = 0 ] || fail "$FAILED failed buffers"
. "$(dirname "$0")/guest-fwupdate.sh"
# The stream's connection ended at DeviceReset: its summary is the first.
sed -n 's/.*frames sent (\(.*\) MB, \(.*\) MB\/s while sending).*/server: \1 MB sent, link \2 MB\/s while a frame was being sent/p' /out/server.log | head -1 >> $R
# Stop the boot loader (it passes TERM on; a background job of a script
# ignores INT): the FunctionFS part's usbipd takes the port. Bounded by a
# watchdog.
kill -TERM $SRV
( sleep 20; kill -KILL $SRV 2>/dev/null ) &
WD=$!
wait $SRV
kill $WD 2>/dev/null
tail -5 /out/server.log
. "$(dirname "$0")/guest-ffs.sh"
cat $R
echo PASS > /out/status; sync
say "PASS"
echo o > /proc/sysrq-trigger
sleep 5
