#!/bin/sh
# Network safety: the camera binds 127.0.0.1 only and answers discovery only
# from the loopback interface; nothing it sends can leave the host. Clients on
# a machine with a real network are best run in a private namespace
# (unshare -rn), as every test and benchmark here does.
# One command on a fresh Debian 12 machine: install dependencies, build, and
# run the camera. With no arguments it serves the camera as a GigE Vision
# device on 127.0.0.1:3956 until Ctrl-C (its I/O lines on ./twincam.io); any
# arguments are passed to `twincam` instead, e.g.
#   ./run.sh snapshot -o chart.png --raw chart.raw
#   ./run.sh features
#   ./run.sh serve --usbip
set -eu
cd "$(dirname "$0")"
scripts/install-deps.sh
[ -f build-release/build.ninja ] || meson setup build-release --buildtype=release >/dev/null
ninja -C build-release >/dev/null
if [ $# -eq 0 ]; then
    echo "twincam: GigE Vision camera on 127.0.0.1:3956; try: arv-tool-0.8 -a 127.0.0.1 features" >&2
    set -- serve --interface 127.0.0.1 --io twincam.io
fi
exec build-release/twincam "$@"
