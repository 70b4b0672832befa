#!/bin/sh
# Network safety: the camera binds 127.0.0.1 only and answers discovery only
# from the loopback interface; nothing it sends can leave the host. Clients on
# a machine with a real network are best run in a private namespace
# (unshare -rn), as every test and benchmark here does.
# One command on a fresh Debian 12 machine: install what running needs (not
# the test tools), build, and run the camera. With no arguments it serves the
# camera as a GigE Vision device on 127.0.0.1:3956 until Ctrl-C (its I/O lines
# on ./twincam.io); any arguments are passed to `twincam` instead, e.g.
#   ./run.sh snapshot -o chart.png --raw chart.raw
#   ./run.sh features
#   ./run.sh xml > camera.xml
#   ./run.sh serve --usbip
# Everything but the program's own output goes to stderr, and installing and
# building say nothing unless they fail: stdout is the program's alone.
set -eu
cd "$(dirname "$0")"
scripts/install-deps.sh run
log=build-release.log
if [ ! -f build-release/build.ninja ]; then
    meson setup build-release --buildtype=release >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
fi
ninja -C build-release >"$log" 2>&1 || { tail -40 "$log" >&2; exit 1; }
if [ $# -eq 0 ]; then
    echo "twincam: GigE Vision camera on 127.0.0.1:3956; try: arv-tool-0.8 -a 127.0.0.1 features" >&2
    set -- serve --interface 127.0.0.1 --io twincam.io
fi
exec build-release/twincam "$@"
