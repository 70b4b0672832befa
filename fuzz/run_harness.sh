#!/bin/sh
# One libFuzzer harness as a meson test (suite 'fuzz', test.sh's fuzz step).
#   run_harness.sh HARNESS CORPUS replay           every committed input once
#   run_harness.sh HARNESS CORPUS fuzz SECONDS WORK  then SECONDS of fuzzing
# Fuzzing reads the committed corpus and writes what it finds under WORK
# (new inputs in WORK/corpus, a crashing input in WORK/), never into the
# source tree. A crash, leak, sanitizer report or timeout exits non-zero,
# which fails the test; the last lines show the input that did it.
set -eu
harness=$1 corpus=$2 mode=$3
# Bounds for one input: a slow or huge one is a finding too. UNIT_TIMEOUT
# (seconds, default 10) is for harnesses whose inputs do bounded but slow
# work under the sanitizers.
# libFuzzer's own exit code for a finding is 77, which meson reads as SKIP:
# a crash then passed as a skipped test (fuzz_gvcp's, twice). Any finding
# exits 1.
limits="-timeout=${UNIT_TIMEOUT:-10} -rss_limit_mb=2560 -malloc_limit_mb=2048 -error_exitcode=1 -timeout_exitcode=1"
case $mode in
replay)
    # shellcheck disable=SC2086
    exec "$harness" $limits -runs=0 "$corpus" ;;
fuzz)
    seconds=$4 work=$5
    mkdir -p "$work/corpus"
    # shellcheck disable=SC2086
    exec "$harness" $limits -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$work/" "$work/corpus" "$corpus" ;;
*)
    echo "usage: $0 HARNESS CORPUS replay|fuzz [SECONDS WORK]" >&2; exit 2 ;;
esac
