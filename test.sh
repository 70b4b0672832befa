#!/bin/sh
# The test command (README, CI): install the test dependencies
# (scripts/install-deps.sh test), then build and run
# every test three ways: gcc, gcc with AddressSanitizer + UBSan, and clang;
# then the libFuzzer harnesses (clang): each replays its committed corpus and
# fuzzes for FUZZ_SECONDS (default 20), a crash failing its test.
# Ends with one line "N passed, N failed" (meson tests over all builds).
set -u
cd "$(dirname "$0")"
scripts/install-deps.sh test || { echo "dependency install failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
# Add one meson test run's results (its testlog.json) to the totals. Each
# `meson test` rewrites the log, so this runs after every invocation.
count_log() { # build dir
    log=$1/meson-logs/testlog.json
    if [ ! -f "$log" ]; then failed=$((failed + 1)); return; fi
    p=$(grep -c '"result": "OK"' "$log" || true)
    f=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" || true)
    passed=$((passed + p)); failed=$((failed + f))
}
# One `meson test` invocation (args after the dir), counted.
run_tests() { # build dir, meson test args...
    dir=$1; shift
    rm -f "$dir/meson-logs/testlog.json"
    meson test -C "$dir" --print-errorlogs "$@"
    rc=$?
    # No log at all: meson could not run (a failure), unless it said so with
    # success because nothing was selected.
    if [ -f "$dir/meson-logs/testlog.json" ] || [ "$rc" -ne 0 ]; then count_log "$dir"; fi
}
build() { # name, meson setup args...; sets $dir, returns 1 if it did not build
    name=$1; shift
    dir=build-test-$name
    echo "=== $name: build"
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; failed=$((failed + 1)); return 1; }
    fi
    if ! ninja -C "$dir" >"$dir.build.log" 2>&1; then
        tail -50 "$dir.build.log"; failed=$((failed + 1)); return 1
    fi
}

# Unit tests two at a time; then, each in a meson run of its own, the suites
# that must not share the machine: the Aravis GigE suite asserts real-time
# rates, and the QEMU suites are CPU-bound guests. On 2 cores a guest beside
# the real-time suite makes it fail for the host's sake, not the camera's.
if build gcc -Dtests=enabled; then
    echo "=== gcc: unit tests"
    run_tests "$dir" --num-processes 2 --no-suite integration --no-suite usbvm
    echo "=== gcc: integration (Aravis over GigE, alone)"
    run_tests "$dir" --num-processes 1 --suite integration
    echo "=== gcc: usbvm (QEMU guests, alone)"
    run_tests "$dir" --num-processes 1 --suite usbvm
fi
# Sanitizers and clang run every unit test.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp
if build sanitize -Dtests=enabled -Db_sanitize=address,undefined -Db_lundef=false; then
    echo "=== sanitize: unit tests"
    run_tests "$dir" --num-processes 2 --no-suite integration --no-suite usbvm
fi
if CC=clang build clang -Dtests=enabled; then
    echo "=== clang: unit tests"
    run_tests "$dir" --num-processes 2 --no-suite integration --no-suite usbvm
fi

# The Debian packages (debian/): built with dpkg-buildpackage, lintian
# clean of errors, unpacked into a clean tree and used from there (the
# program, a C program through pkg-config, the Python module, the GenTL
# producer). One test in the totals; about 1.5 minutes.
echo "=== packaging: dpkg-buildpackage, lintian, smoke test of the unpacked packages"
if tests/packaging/deb_smoke.sh . build-test-deb; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi

# Fuzzing: 10 harnesses x (replay + FUZZ_SECONDS) one after the other, 4 to
# 5 minutes of CI's 90 with the default, the clang build included (measured
# 3 min 57 s and 4 min 51 s on 2 busy cores: 3 min of tests, the rest the
# build; fuzz/meson.build lists the harnesses).
fuzz_seconds=${FUZZ_SECONDS:-20}
if CC=clang build fuzz -Dfuzz=true -Dtests=disabled -Db_lundef=false -Dfuzz_seconds="$fuzz_seconds"; then
    echo "=== fuzz: replay each corpus, then fuzz each harness ${fuzz_seconds} s"
    meson configure "$dir" -Dfuzz_seconds="$fuzz_seconds" >/dev/null
    run_tests "$dir" --num-processes 1 --suite fuzz
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
