#!/bin/sh
# GigE Vision figures, measured with Aravis's own tools in one run, inside a
# private network namespace with only loopback (re-executes itself there):
#  - frames/s delivered to arv-camera-test-0.8 at 4056x3040 per pixel format,
#    and the camera process's CPU time per delivered megapixel;
#  - the same for arv-fake-gv-camera-0.8 at its own 2048x2048 Mono8 (reference);
#  - the highest full-frame rate the twin sustains with the link limit lifted
#    (TwinReadoutSpeedup raises the sensor's rate beyond the datasheet).
# usage: bench/gige_bench.sh [TWINCAM_BINARY] [SECONDS]   (default build-release/twincam, 10)
set -eu
TWINCAM=$(readlink -f "${1:-build-release/twincam}")
SECS=${2:-10}
if [ -z "${TC_IN_NETNS:-}" ]; then
    exec env TC_IN_NETNS=1 unshare -rn sh -c 'ip link set lo up && exec sh "$0" "$@"' "$0" "$TWINCAM" "$SECS"
fi
TCK=$(getconf CLK_TCK)
utime() { awk '{print $14}' "/proc/$1/stat"; }
stime() { awk '{print $15}' "/proc/$1/stat"; }
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; } # user nice system irq softirq

# run_client CAMERA_PID NAME ARGS... :
# prints "completed failures camera_user_ticks camera_sys_ticks machine_busy_ticks"
run_client() {
    pid=$1; name=$2; shift 2
    u0=$(utime "$pid"); s0=$(stime "$pid"); b0=$(busy)
    out=$(arv-camera-test-0.8 -n "$name" --duration="$SECS" "$@" 2>&1 || true)
    u1=$(utime "$pid"); s1=$(stime "$pid"); b1=$(busy)
    completed=$(echo "$out" | awk '/^n_completed_buffers/ {print $3}')
    failures=$(echo "$out" | awk '/^n_failures/ {print $3}')
    echo "${completed:-0} ${failures:-0} $(( u1 - u0 )) $(( s1 - s0 )) $(( b1 - b0 ))"
}

report() { # label width height completed failures user sys busy
    awk -v l="$1" -v w="$2" -v h="$3" -v n="$4" -v f="$5" -v u="$6" -v sy="$7" -v b="$8" \
        -v tck="$TCK" -v s="$SECS" 'BEGIN {
        mpix = n * w * h / 1e6; if (mpix == 0) mpix = 1e-9
        printf "%-22s %6.2f fps %3d failed %7.1f Mpix | camera user %5.2f ms/Mpix sys %5.2f ms/Mpix | whole machine %5.2f ms/Mpix\n",
               l, n / s, f, mpix, u / tck * 1000 / mpix, sy / tck * 1000 / mpix, b / tck * 1000 / mpix }'
}

echo "== twincam $(basename "$TWINCAM") serve on 127.0.0.1, ${SECS} s per run"
"$TWINCAM" serve --interface 127.0.0.1 2>/dev/null &
tpid=$!
until arv-tool-0.8 -a 127.0.0.1 control DeviceVendorName >/dev/null 2>&1; do :; done
for fmt in BayerGR8 BayerGR10 BayerGR12 BayerGR10p BayerGR12p BayerGR10g40IDS BayerGR12g24IDS; do
    set -- $(run_client "$tpid" 127.0.0.1 --features "PixelFormat=$fmt")
    report "$fmt" 4056 3040 "$@"
done
echo "== headroom: link limit off, TwinReadoutSpeedup raised until frames fail (BayerGR8)"
for x in 2 3 4 5 6; do
    set -- $(run_client "$tpid" 127.0.0.1 --features "DeviceLinkThroughputLimitMode=Off TwinReadoutSpeedup=$x")
    report "speedup x$x" 4056 3040 "$@"
done
kill -INT "$tpid"; wait "$tpid" || true

echo "== reference: arv-fake-gv-camera-0.8 (2048x2048 Mono8, its default rate)"
arv-fake-gv-camera-0.8 -i 127.0.0.1 >/dev/null 2>&1 &
fpid=$!
until arv-tool-0.8 -a 127.0.0.1 control Width >/dev/null 2>&1; do :; done
set -- $(run_client "$fpid" Aravis-Fake-GV01)
report "fake Mono8 2048x2048" 2048 2048 "$@"
kill "$fpid"; wait "$fpid" 2>/dev/null || true
