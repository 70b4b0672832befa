#!/bin/sh
# The test command (README, CI): install dependencies, then build and run
# every test three ways: gcc, gcc with AddressSanitizer + UBSan, and clang.
# Ends with one line "N passed, N failed" (meson tests over all builds).
set -u
cd "$(dirname "$0")"
scripts/install-deps.sh || { echo "dependency install failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
run_suite() { # name, meson setup args...
    name=$1; shift
    dir=build-test-$name
    echo "=== $name: build"
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; failed=$((failed + 1)); return; }
    fi
    if ! ninja -C "$dir" >"$dir.build.log" 2>&1; then
        tail -50 "$dir.build.log"; failed=$((failed + 1)); return
    fi
    echo "=== $name: test"
    meson test -C "$dir" --print-errorlogs --num-processes 2 $TEST_ARGS
    p=$(grep -c '"result": "OK"' "$dir/meson-logs/testlog.json" 2>/dev/null || true)
    f=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$dir/meson-logs/testlog.json" 2>/dev/null || true)
    [ -f "$dir/meson-logs/testlog.json" ] || f=1
    passed=$((passed + p)); failed=$((failed + f))
}

TEST_ARGS=""
run_suite gcc -Dtests=enabled
# The integration suites assert real-time rates (Aravis over GigE) or boot a
# QEMU guest (USB/IP, a minute or more): once, in the gcc build; sanitizers
# and clang run every unit test.
TEST_ARGS="--no-suite integration --no-suite usbvm"
# Sanitizer options only affect instrumented binaries.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp
run_suite sanitize -Dtests=enabled -Db_sanitize=address,undefined -Db_lundef=false
CC=clang run_suite clang -Dtests=enabled

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
