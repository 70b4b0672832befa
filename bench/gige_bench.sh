#!/bin/sh
# GigE Vision figures, measured with Aravis's own tools in one run, inside a
# private network namespace with only loopback (re-executes itself there):
#  1. delivery: the twin at 4056x3040 in BayerGR8, BayerGR12 (16-bit) and
#     BayerGR12p (packed) (TC_BENCH_FORMATS="..." chooses others), and
#     arv-fake-gv-camera-0.8 at its full 2048x2048 Mono8 (the reference), each read by
#     arv-camera-test-0.8 with a plain UDP socket (what every non-root user
#     gets: the kernel's default receive buffer) and with the packet socket:
#     complete and failed frames against those the camera should have sent,
#     missing packets, resend requests and resent packets, the camera
#     process's CPU per delivered megapixel, and its peak resident memory;
#  2. every other pixel format (plain socket): frames/s, failed, CPU per
#     Mpix, peak resident memory;
#  3. headroom: the highest full-frame rate with the link limit lifted.
# usage: bench/gige_bench.sh [TWINCAM_BINARY] [SECONDS] [--hog]
#   (defaults build-release/twincam, 10; --hog runs `stress-ng --cpu 1`
#   beside every measurement: one of the machine's cores taken)
set -eu
TWINCAM=$(readlink -f "${1:-build-release/twincam}")
SECS=${2:-10}
HOG=${3:-}
# Section 1's twin formats: an 8-bit, a 16-bit and a packed one by default.
DELIVERY_FORMATS=${TC_BENCH_FORMATS:-BayerGR8 BayerGR12 BayerGR12p}
if [ -z "${TC_IN_NETNS:-}" ]; then
    exec env TC_IN_NETNS=1 unshare -rn sh -c 'ip link set lo up && exec sh "$0" "$@"' "$0" "$TWINCAM" "$SECS" "$HOG"
fi
TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_peak_mb() { awk '/^VmHWM/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; } # user nice system irq softirq
hog_pid=""
if [ "$HOG" = --hog ]; then
    command -v stress-ng >/dev/null || { echo "--hog needs stress-ng"; exit 1; }
    stress-ng --cpu 1 --timeout 0 >/dev/null 2>&1 &
    hog_pid=$!
    trap 'kill $hog_pid 2>/dev/null' EXIT
    trap 'exit 130' INT TERM
fi

# run_client CAMERA_PID NAME ARGS...: one arv-camera-test-0.8 run of SECS;
# prints "key=value" pairs: what arv-camera-test reports, and the camera's
# CPU ticks and the machine's busy ticks over the run.
run_client() {
    pid=$1; name=$2; shift 2
    c0=$(cpu_ticks "$pid"); b0=$(busy)
    out=$(arv-camera-test-0.8 -n "$name" --duration="$SECS" "$@" 2>&1 || true)
    c1=$(cpu_ticks "$pid"); b1=$(busy)
    echo "$out" | awk -F'= ' '
        /^image width/ {w = $2 + 0} /^image height/ {h = $2 + 0} /^gv packet size/ {ps = $2 + 0}
        /^n_completed_buffers/ {c = $2 + 0} /^n_failures/ {f = $2 + 0}
        /^n_missing_packets/ {m = $2 + 0} /^n_resend_requests/ {rq = $2 + 0} /^n_resent_packets/ {rs = $2 + 0}
        END { printf "w=%d h=%d ps=%d done=%d failed=%d missing=%d requests=%d resent=%d", w, h, ps, c, f, m, rq, rs }'
    echo " cam=$((c1 - c0)) busy=$((b1 - b0))"
}

# report LABEL EXPECTED_FPS PID PAIRS...: one line of figures.
report() {
    label=$1; fps=$2; pid=$3; shift 3
    echo "$@ rss=$(rss_peak_mb "$pid")" | tr ' ' '\n' | awk -F= -v l="$label" -v fps="$fps" -v s="$SECS" -v tck="$TCK" '
        { v[$1] = $2 }
        END {
            mpix = v["done"] * v["w"] * v["h"] / 1e6
            want = fps * s
            cam = mpix ? sprintf("%6.2f", v["cam"] / tck * 1000 / mpix) : "     -"
            mach = mpix ? sprintf("%6.2f", v["busy"] / tck * 1000 / mpix) : "     -"
            printf "%-30s %4dx%-4d %5d B | %4d complete %3d failed of %4.0f (%5.1f %%) | %6d missing, %6d resend requests, %6d resent | camera %s ms/Mpix, peak RSS %4d MB | machine %s ms/Mpix\n",
                   l, v["w"], v["h"], v["ps"], v["done"], v["failed"], want, want ? 100 * v["done"] / want : 0,
                   v["missing"], v["requests"], v["resent"], cam, v["rss"], mach }'
}

start_twin() {
    "$TWINCAM" serve --no-state-dir --interface 127.0.0.1 >/dev/null 2>&1 &
    tpid=$!
    until arv-tool-0.8 -a 127.0.0.1 control DeviceVendorName >/dev/null 2>&1; do :; done
}
stop_twin() { kill -INT "$tpid"; wait "$tpid" || true; }
twin_fps() { arv-tool-0.8 -a 127.0.0.1 control AcquisitionFrameRateMax 2>/dev/null | awk '{print $3 + 0}'; }

echo "== twincam $(basename "$TWINCAM") serve on 127.0.0.1, ${SECS} s per run${hog_pid:+, stress-ng --cpu 1 beside}"
echo "== 1. delivery at full size: plain UDP socket (default buffer), then packet socket"
for mode in --no-packet-socket ""; do
    for fmt in $DELIVERY_FORMATS; do
        start_twin # a fresh process each: its peak RSS is this run's
        arv-tool-0.8 -a 127.0.0.1 control "PixelFormat=$fmt" >/dev/null
        report "twin $fmt ${mode:-packet-socket}" "$(twin_fps)" "$tpid" $(run_client "$tpid" 127.0.0.1 $mode)
        stop_twin
    done
    arv-fake-gv-camera-0.8 -i 127.0.0.1 >/dev/null 2>&1 &
    fpid=$!
    until arv-tool-0.8 -a 127.0.0.1 control Width >/dev/null 2>&1; do :; done
    # Its default image is 512x512: the reference is its full 2048x2048, at
    # its own rate (AcquisitionFrameRate, 25 Hz unless changed).
    ffps=$(arv-tool-0.8 -a 127.0.0.1 control AcquisitionFrameRate 2>/dev/null | awk '{print $3 + 0}')
    report "fake Mono8 ${mode:-packet-socket}" "${ffps:-25}" "$fpid" \
        $(run_client "$fpid" Aravis-Fake-GV01 $mode --features "Width=2048 Height=2048")
    kill "$fpid"; wait "$fpid" 2>/dev/null || true
done

echo "== 2. the other pixel formats at 4056x3040 (plain UDP socket)"
for fmt in BayerGR8 BayerGR10 BayerGR12 BayerGR10p BayerGR12p BayerGR10g40IDS BayerGR12g24IDS; do
    case " $DELIVERY_FORMATS " in *" $fmt "*) continue ;; esac # measured in section 1
    start_twin
    arv-tool-0.8 -a 127.0.0.1 control "PixelFormat=$fmt" >/dev/null
    report "$fmt" "$(twin_fps)" "$tpid" $(run_client "$tpid" 127.0.0.1 --no-packet-socket)
    stop_twin
done

echo "== 3. headroom: link limit off, TwinReadoutSpeedup raised (BayerGR8, packet socket)"
start_twin
for x in 2 3 4; do
    arv-tool-0.8 -a 127.0.0.1 control DeviceLinkThroughputLimitMode=Off "TwinReadoutSpeedup=$x" >/dev/null
    report "speedup x$x" "$(twin_fps)" "$tpid" $(run_client "$tpid" 127.0.0.1)
done
stop_twin
