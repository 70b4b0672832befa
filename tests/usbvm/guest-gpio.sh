#!/bin/sh
# Network safety: the camera and the Aravis tools run inside the QEMU guest,
# which has no network device at all (stricter than a private netns with
# only loopback); GigE Vision goes over the guest's own 127.0.0.1.
# Stage 2 of the GPIO VM test (run-gpiovm.sh): runs as PID 1 inside the QEMU
# guest (host / read-only over 9p, results in /out). Loads gpio-sim, makes an
# 8-line chip through configfs, serves the camera with every line mapped to
# it (by chip name, /dev path and label), and asserts:
#  (b) LineStatus of Line0 follows the level pulled onto its GPIO line, and
#      each edge carries the kernel's stamp, which lies between two readings
#      of the camera's time taken before the pull and after the camera saw it;
#  (c) Line1 (UserOutput0) drives its GPIO line's value high and low;
#      Line2 switched Input -> Output -> Input at run time follows LineMode;
#  (a) with TriggerMode=On, TriggerSource=Line0, N short pulses (two sysfs
#      writes back to back: the kernel often types such edges wrongly or
#      reports both as one event) pulled onto Line0's GPIO line give exactly
#      N frames to arv-camera-test-0.8, no trigger missed, every pulled edge
#      accounted for by the server's GPIO map at exit, and Line1
#      (ExposureActive) puts one pulse per frame on its GPIO line;
# writes PASS or FAIL to /out/status and details to /out/result.txt.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
up() { cut -d' ' -f1 /proc/uptime; }
. /out/config # TWINCAM=..., GPIO_SIM_KO=..., PULSES=...
R=/out/result.txt
: > $R
fail() {
  echo "FAIL: $*" | tee -a $R
  echo "--- server log" >> $R; tail -30 /out/server.log >> $R 2>/dev/null
  echo FAIL > /out/status; sync; echo o > /proc/sysrq-trigger; sleep 5; exit 1
}
say() { echo "GUEST: $* (t=$(up)s)"; }
note() { echo "$*" | tee -a $R; }
# wait_until SECONDS WHAT COMMAND...: poll a condition (bounded), never a bare sleep.
wait_until() {
  limit=$1; what=$2; shift 2
  end=$(awk -v a="$(up)" -v t="$limit" 'BEGIN { print a + t }')
  until "$@"; do
    awk -v a="$(up)" -v e="$end" 'BEGIN { exit !(a > e) }' && fail "timed out ($limit s) waiting: $what"
    sleep 0.05
  done
}
say "stage2, kernel $(uname -r)"
ip link set lo up || fail "no loopback"

# ---- a gpio-sim chip ----
insmod "$GPIO_SIM_KO" || fail "insmod $GPIO_SIM_KO"
mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config || fail "mount configfs"
G=/sys/kernel/config/gpio-sim/twincam
mkdir $G $G/bank0 || fail "configfs gpio-sim"
echo 8 > $G/bank0/num_lines
echo twincam-sim > $G/bank0/label
echo 1 > $G/live || fail "gpio-sim live"
CHIP=$(cat $G/bank0/chip_name)
S=/sys/devices/platform/$(cat $G/dev_name)/$CHIP
[ -c /dev/$CHIP ] && [ -d $S/sim_gpio0 ] || fail "no /dev/$CHIP or $S/sim_gpio0"
note "gpio-sim chip $CHIP ($S), label twincam-sim, $(cat $S/ngpio 2>/dev/null || echo 8) lines"
pull() { echo pull-$2 > $S/sim_gpio$1/pull; }
value_is() { [ "$(cat $S/sim_gpio$1/value)" = "$2" ]; }
for l in 0 1 2 3; do pull $l down; done

# ---- the camera, every line on the chip ----
IO=/tmp/io.sock
SPEC="Line0=$CHIP:0,Line1=/dev/$CHIP:1,Line2=twincam-sim:2,Line3=$CHIP:3"
"$TWINCAM" serve --no-state-dir --interface 127.0.0.1 --io $IO --gpio "$SPEC" \
  --set Width=480 --set Height=320 --set ExposureTime=2000 \
  --set LineSelector=Line3 --set LineMode=Output --set LineSource=AcquisitionActive > /out/server.log 2>&1 &
SRV=$!
wait_until 30 "server up" grep -q serving /out/server.log
say "server up: $SPEC"
grep 'Line[0-3] [<>-]' /out/server.log | tee -a $R
io() { "$TWINCAM" io $IO "$@"; }
status_is() { [ "$(io status | cut -d' ' -f$(($1 + 2)))" = "$2" ]; }
arv() { timeout 60 arv-tool-0.8 -a 127.0.0.1 control "$@"; }
"$TWINCAM" io $IO watch > /out/watch.txt 2>&1 &
WATCH=$!
wait_until 10 "watcher" io status

# ---- (b) Line0 follows the pulled level, with the kernel's time stamps ----
value_is 3 0 || fail "Line3 (AcquisitionActive) high before acquisition"
EDGES0=0
for lv in 1 0 1 0; do
  [ $lv = 1 ] && dir=up || dir=down
  T0=$(io time | cut -d' ' -f2)
  pull 0 $dir
  wait_until 10 "Line0 status $lv" status_is 0 $lv
  T1=$(io time | cut -d' ' -f2)
  EDGES0=$((EDGES0 + 1))
  wait_until 10 "edge $EDGES0 on Line0 in the watch" \
    sh -c "[ \$(grep -c '^edge Line0 ' /out/watch.txt) -ge $EDGES0 ]"
  E=$(grep '^edge Line0 ' /out/watch.txt | tail -1)
  ET=$(echo "$E" | cut -d' ' -f4)
  [ "$(echo "$E" | cut -d' ' -f3)" = $lv ] || fail "watch says '$E', wanted level $lv"
  awk -v a="$T0" -v t="$ET" -v b="$T1" 'BEGIN { exit !(a <= t && t <= b) }' ||
    fail "edge time $ET is not within [$T0, $T1] (camera time, CLOCK_MONOTONIC)"
  A=$(arv LineSelector=Line0 LineStatus | sed -n 's/^LineStatus = //p')
  [ $lv = 1 ] && want=true || want=false
  [ "$A" = $want ] || fail "Aravis reads LineStatus '$A' for Line0 pulled $dir"
  note "Line0 pulled $dir: LineStatus $A, edge stamped $ET, $((ET - T0)) ns after the time read before the pull, $((T1 - ET)) ns before the one after"
done
say "(b) done"

# ---- (c) Line1 driven by UserOutput0; Line2 changes direction ----
arv LineSelector=Line1 LineSource=UserOutput0 UserOutputSelector=UserOutput0 > /dev/null || fail "arv-tool Line1 source"
SETS1=0
for lv in true false true false; do
  arv UserOutputSelector=UserOutput0 UserOutputValue=$lv > /dev/null || fail "arv-tool UserOutputValue=$lv"
  [ $lv = true ] && want=1 || want=0
  wait_until 10 "Line1's GPIO value $want" value_is 1 $want
  SETS1=$((SETS1 + 1))
done
note "Line1 (UserOutput0) set its GPIO line high and low twice"
pull 2 up
wait_until 10 "Line2 (input) status 1" status_is 2 1
arv LineSelector=Line2 LineMode=Output LineSource=UserOutput1 UserOutputSelector=UserOutput1 UserOutputValue=false > /dev/null ||
  fail "arv-tool Line2 to output"
wait_until 10 "Line2's GPIO as an output at 0 despite the pull-up" value_is 2 0
arv UserOutputSelector=UserOutput1 UserOutputValue=true > /dev/null
wait_until 10 "Line2's GPIO value 1" value_is 2 1
pull 2 down
value_is 2 1 || fail "Line2's GPIO line followed its pull-down while an output"
arv LineSelector=Line2 LineSource=Off LineMode=Input > /dev/null || fail "arv-tool Line2 back to input"
wait_until 10 "Line2's GPIO as an input following its pull-down" value_is 2 0
wait_until 10 "Line2 (input again) status 0" status_is 2 0
pull 2 up
wait_until 10 "Line2 (input again) status 1" status_is 2 1
grep -q 'Line2 is now an output' /out/server.log && grep -q 'Line2 is now an input' /out/server.log ||
  fail "no direction change of Line2 in the server log"
note "Line2: input, then output (UserOutput1 drives the GPIO line against its pull), then input again"
say "(c) done"

# ---- (a) N pulses on Line0's GPIO line, N triggered frames ----
arv LineSelector=Line1 LineSource=ExposureActive > /dev/null || fail "arv-tool Line1 ExposureActive"
stdbuf -oL arv-camera-test-0.8 -n 127.0.0.1 -t Line0 > /out/arv-camera-test.txt 2>&1 &
CT=$!
wait_until 60 "acquisition running (Line3 = AcquisitionActive on its GPIO line)" value_is 3 1
say "acquisition running"
RISE1=$(grep -c '^edge Line1 1' /out/watch.txt)
for i in $(seq "$PULSES"); do
  # A short pulse: two writes back to back, often shorter than the kernel's
  # IRQ thread latency, which then reports both edges as falling.
  pull 0 up
  pull 0 down
  # The next pulse only after this frame's exposure began (a trigger within
  # the frame period would be missed, as on the real camera).
  wait_until 30 "frame $i (its ExposureActive edge)" \
    sh -c "[ \$(grep -c '^edge Line1 1' /out/watch.txt) -ge $((RISE1 + i)) ]"
done
EDGES0=$((EDGES0 + 2 * PULSES))
say "$PULSES pulses"
# Every frame delivered is counted once it has arrived: wait for Aravis'
# own count rather than for a fixed time.
kill -INT $CT
wait $CT
COMPLETED=$(sed -n 's/.*n_completed_buffers *= *\([0-9]*\).*/\1/p' /out/arv-camera-test.txt | tail -1)
FAILED=$(sed -n 's/.*n_failures *= *\([0-9]*\).*/\1/p' /out/arv-camera-test.txt | tail -1)
note "arv-camera-test: $COMPLETED frames completed, $FAILED failed, for $PULSES pulses"
wait_until 10 "Line3 low after acquisition" value_is 3 0
wait_until 10 "Line0 low after the pulses" status_is 0 0
MISSED=$(arv TwinTriggerMissed | sed -n 's/^TwinTriggerMissed = \([0-9]*\).*/\1/p')
note "TwinTriggerMissed $MISSED"
[ "$COMPLETED" = "$PULSES" ] || fail "$COMPLETED frames for $PULSES pulses"
[ "$FAILED" = 0 ] || fail "$FAILED failed buffers"
[ "$MISSED" = 0 ] || fail "$MISSED triggers missed"
say "(a) done"

# ---- the server's own account of its GPIO lines ----
kill $WATCH
kill -INT $SRV
wait $SRV
sed -n '/gpio at exit/,$p' /out/server.log | grep 'Line[0-3] ' | tee -a $R > /out/gpio-exit.txt
IN0=$(sed -n 's/^Line0 .*: \([0-9]*\) edges in.*/\1/p' /out/gpio-exit.txt)
MISTYPED0=$(sed -n 's/^Line0 .* (\([0-9]*\) mistyped.*/\1/p' /out/gpio-exit.txt)
RESYNC0=$(sed -n 's/^Line0 .*, \([0-9]*\) resynced.*/\1/p' /out/gpio-exit.txt)
OUT1=$(sed -n 's/^Line1 .*; \([0-9]*\) levels out.*/\1/p' /out/gpio-exit.txt)
# Every pulled edge reached the camera: as an event, or (a short pulse whose
# two edges the kernel reported as one event) through the re-read of the pin
# after the line went quiet; only the short pulses of (a) may need that.
[ $((IN0 + RESYNC0)) = "$EDGES0" ] && [ "$RESYNC0" -le "$PULSES" ] ||
  fail "the GPIO map took $IN0 edge events and $RESYNC0 re-reads on Line0; $EDGES0 edges were pulled"
# Line1: the user output's 4 levels, then one rise and one fall per frame.
[ "$OUT1" = $((SETS1 + 2 * PULSES)) ] || fail "Line1's GPIO line was set $OUT1 times, wanted $((SETS1 + 2 * PULSES))"
[ "$(grep -c ' 0 odd stamps; .*, 0 output edges dropped$' /out/gpio-exit.txt)" = 4 ] ||
  fail "odd stamps or dropped output edges"
[ "$(grep -c '^Line[123] .*), 0 resynced' /out/gpio-exit.txt)" = 3 ] || fail "re-reads on a line without short pulses"
! grep -q 'not CLOCK_MONOTONIC\|no longer mapped' /out/server.log || fail "the server complained"
note "Line0: $EDGES0 pulled edges = $IN0 events ($MISTYPED0 typed wrongly by the kernel) + $RESYNC0 re-reads of the pin (pulses the kernel reported as one event); Line1's GPIO line was set $OUT1 times ($SETS1 by UserOutput0, 2 per frame)"
echo PASS > /out/status; sync
say "PASS"
echo o > /proc/sysrq-trigger
sleep 5
