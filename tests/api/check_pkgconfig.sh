#!/bin/sh
# The installed development files work the way an application uses them:
# install the build into a scratch directory, then build a small program
# with `pkg-config --cflags --libs twincam` (twincam.pc, the headers under
# include/twincam/, the libtwincam.so link) and run it.
# usage: check_pkgconfig.sh BUILD_DIR SOURCE_DIR CC [CFLAGS...]
set -eu
build=$1 src=$2 cc=$3
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

meson install -C "$build" --no-rebuild --destdir "$work/root" > "$work/install.log" 2>&1 ||
    { cat "$work/install.log"; exit 1; }
pc=$(find "$work/root" -name twincam.pc)
[ -n "$pc" ] || { echo "twincam.pc was not installed"; exit 1; }
# The .pc names the configured prefix; point a copy of it at the scratch
# install (the only change: its prefix= line).
prefix=$(sed -n 's/^prefix=//p' "$pc")
mkdir "$work/pc"
sed "s|^prefix=.*|prefix=$work/root$prefix|" "$pc" > "$work/pc/twincam.pc"
export PKG_CONFIG_PATH="$work/pc"
cflags=$(pkg-config --cflags twincam)
libs=$(pkg-config --libs twincam)
echo "cflags: $cflags"
echo "libs: $libs"
case "$cflags" in *"$work/root"*) ;; *) echo "Cflags do not point into the installed tree"; exit 1 ;; esac
pkg-config --print-requires-private twincam

"$cc" "$@" $cflags -o "$work/app" "$src/tests/api/pkgconfig_app.c" $libs
LD_LIBRARY_PATH="$(dirname "$(dirname "$pc")")" "$work/app"
# The program runs the installed copy, not the build tree's.
LD_LIBRARY_PATH="$(dirname "$(dirname "$pc")")" ldd "$work/app" | grep -F "$work/root"
