#!/bin/sh
# One command on a fresh Debian 12 machine: install dependencies, build, and
# run the camera. With no arguments it takes one full-resolution frame of the
# test chart and writes snapshot.png (demosaicked preview) and snapshot.raw
# (the BayerGR8 payload); any arguments are passed to `twincam` instead, e.g.
#   ./run.sh features
#   ./run.sh snapshot -o mirror.png --set ReverseX=true --set PixelFormat=BayerGR12p
set -eu
cd "$(dirname "$0")"
scripts/install-deps.sh
[ -f build-release/build.ninja ] || meson setup build-release --buildtype=release >/dev/null
ninja -C build-release >/dev/null
if [ $# -eq 0 ]; then
    set -- snapshot -o snapshot.png --raw snapshot.raw
fi
exec build-release/twincam "$@"
