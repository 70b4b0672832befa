#!/bin/sh
# The shared library carries the versioned SONAME applications record
# (libtwincam.so.0), so a future incompatible libtwincam.so.1 can be
# installed beside it. usage: check_soname.sh LIBTWINCAM.so EXPECTED_SONAME
set -eu
soname=$(readelf -d "$1" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
echo "SONAME: ${soname:-none}"
[ "$soname" = "$2" ]
