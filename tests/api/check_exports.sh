#!/bin/sh
# libtwincam.so must export exactly the application API: the functions the
# public header declares with TC_API, which are also the global names of
# src/libtwincam.map. Fails (listing the names) when the shared library
# exports anything else (an internal tc_* function or table leaking out),
# when a declared function is not exported, or when header and map differ.
# usage: check_exports.sh LIBTWINCAM.so include/twincam/twincam.h src/libtwincam.map
set -eu
lib=$1 header=$2 map=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every TC_API declaration names its function on the same line, before "(".
grep -h '^TC_API ' "$header" | sed -n 's/^TC_API [^(]*[ *]\([A-Za-z_][A-Za-z0-9_]*\)(.*/\1/p' \
    | sort -u > "$work/header"
# The map's global names: "name;" lines between "global:" and "local:".
sed -n '/global:/,/local:/p' "$map" | sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\);.*/\1/p' \
    | sort -u > "$work/map"
# Defined dynamic symbols without their version suffix; the version node
# itself (an absolute symbol named like TWINCAM_0) is not an export.
nm -D --defined-only "$lib" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' \
    | sort -u > "$work/exported"

status=0
report() { # file title
    if [ -s "$1" ]; then
        echo "$2:"
        sed 's/^/  /' "$1"
        status=1
    fi
}
if [ ! -s "$work/header" ]; then
    echo "no TC_API declarations found in $header"
    exit 1
fi
comm -13 "$work/header" "$work/exported" > "$work/extra"
comm -23 "$work/header" "$work/exported" > "$work/missing"
comm -3 "$work/header" "$work/map" > "$work/differ"
report "$work/extra" "exported by $(basename "$lib") but not declared TC_API in the header"
report "$work/missing" "declared TC_API but not exported"
report "$work/differ" "in only one of the header (left column) and the map (right column)"
echo "$(wc -l < "$work/exported") symbols exported, $(wc -l < "$work/header") declared"
exit $status
