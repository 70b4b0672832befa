#!/bin/sh
# Build the Debian packages from this tree, check them with lintian, unpack
# them into a clean directory tree (nothing installed on the machine) and use
# the installed files as a user would: `twincam --version`, a C program built
# with `pkg-config --cflags --libs twincam` that grabs a frame, the Python
# module's import and one grabbed frame, the GenTL producer's exports.
# Usage: deb_smoke.sh SOURCE_DIR WORK_DIR. Prints the packages' file lists and
# lintian's summary; exit 0 only if every check holds.
set -eu
src=$(cd "$1" && pwd)
work=$2
rm -rf "$work"
mkdir -p "$work/src" "$work/root"
work=$(cd "$work" && pwd)
fail() { echo "deb_smoke: FAIL: $*" >&2; exit 1; }

# A copy of the tree as git sees it (tracked and new files, no build dirs).
(cd "$src" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$work/src")
(cd "$work/src" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) ||
    { tail -40 "$work/build.log"; fail "dpkg-buildpackage"; }

debs=$(ls "$work"/*.deb)
for d in $debs; do
    echo "== $(basename "$d")"
    dpkg-deb -c "$d" | awk '{print $6}' | grep -v '/$' | sed 's|^\./|/|'
done

echo "== lintian"
lintian --no-tag-display-limit "$work"/*.changes >"$work/lintian.log" 2>&1 || true
cat "$work/lintian.log"
errors=$(grep -c '^E: ' "$work/lintian.log" || true)
warnings=$(grep -c '^W: ' "$work/lintian.log" || true)
echo "lintian: $errors errors, $warnings warnings"
[ "$errors" -eq 0 ] || fail "lintian errors"

for d in $debs; do dpkg-deb -x "$d" "$work/root"; done
root=$work/root
triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
libdir=$root/usr/lib/$triplet
export LD_LIBRARY_PATH="$libdir"

echo "== twincam --version"
v=$("$root/usr/bin/twincam" --version) || fail "twincam --version"
echo "$v"
echo "$v" | grep -Eq '^twincam [0-9]+\.[0-9]+\.[0-9]+' || fail "version line '$v'"
[ -f "$root/usr/share/man/man1/twincam.1.gz" ] || fail "no twincam(1)"

echo "== C program with pkg-config"
cat >"$work/grab.c" <<'C'
#include <stdio.h>
#include <twincam/twincam.h>
int main(void)
{
    tc_options o;
    tc_options_init(&o);
    o.deterministic = true;
    o.noise_seed = 42;
    tc_camera *cam;
    if (tc_camera_open(&o, &cam)) { fprintf(stderr, "open: %s\n", tc_camera_last_error(NULL)); return 1; }
    if (tc_set_string(cam, "PixelFormat", "BayerGR8") || tc_start(cam)) return 1;
    tc_frame f;
    if (tc_wait_frame(cam, &f, 5000)) { fprintf(stderr, "%s\n", tc_camera_last_error(cam)); return 1; }
    printf("frame %llu: %ux%u, %zu bytes, library %s\n", (unsigned long long)f.block_id,
           f.width, f.height, f.size, tc_version());
    int ok = f.width == 4056 && f.height == 3040 && f.size == 4056u * 3040u;
    tc_release_frame(cam, &f);
    tc_camera_close(cam);
    return ok ? 0 : 1;
}
C
# The unpacked twincam.pc, its prefix moved to the unpacked tree; the
# libraries it requires privately come from the machine, as on an install.
flags=$(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --define-variable=prefix="$root/usr" \
        --cflags --libs twincam) || fail "pkg-config twincam"
echo "pkg-config: $flags"
# shellcheck disable=SC2086
cc -std=c11 -Wall -Werror -o "$work/grab" "$work/grab.c" $flags || fail "compile against the package"
"$work/grab" || fail "C program"

echo "== Python"
PYTHONPATH="$root/usr/lib/python3/dist-packages" /usr/bin/python3 - <<'PY' || fail "python module"
import twincam
with twincam.open(serial="TC000042", seed=42, deterministic=True) as cam:
    cam.set("PixelFormat", "BayerGR12p")
    cam.start()
    img, info = cam.grab(timeout=5.0)
    print("python: twincam %s from %s: %s %s block %d" % (twincam.version(), twincam.__file__,
          img.shape, img.dtype, info.block_id))
    assert img.shape == (3040, 4056) and str(img.dtype) == "uint16"
    assert img.max() < 4096
PY

echo "== GenTL producer"
nm -D --defined-only "$libdir/genicam/twincam.cti" | grep -q ' T GCInitLib$' || fail "twincam.cti exports"
echo "deb_smoke: all checks passed"
