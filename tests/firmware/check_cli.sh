#!/bin/sh
# twincam firmware pack/info/keygen as a script relies on them: exit codes,
# errors on stderr, the default package (this twincam, 3.20.0, test key).
# usage: check_cli.sh TWINCAM_BINARY
set -u
tc=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0
expect() { # want-exit description command...
    want=$1 what=$2; shift 2
    "$@" >"$dir/out" 2>"$dir/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL: $what: exit $got, want $want"; cat "$dir/out" "$dir/err"; fails=$((fails + 1))
    else
        echo "ok: $what (exit $got)"
    fi
}
expect 0 "pack with the defaults" "$tc" firmware pack -o "$dir/a.tcfw"
expect 0 "info on it" "$tc" firmware info "$dir/a.tcfw"
grep -q '^version: *3.20.0$' "$dir/out" || { echo "FAIL: default version not 3.20.0"; fails=$((fails + 1)); }
grep -q '^signature: *holds' "$dir/out" || { echo "FAIL: signature not reported as holding"; fails=$((fails + 1)); }
# the program is this twincam, byte for byte (its length is in the manifest)
size=$(wc -c <"$tc")
grep -q "^program: *$size bytes" "$dir/out" || { echo "FAIL: program is not $tc ($size bytes)"; cat "$dir/out"; fails=$((fails + 1)); }
expect 0 "pack --program /bin/true --version 3.21.7 --min-version 3.20.1" \
    "$tc" firmware pack -o "$dir/b.tcfw" --program /bin/true --version 3.21.7 --min-version 3.20.1
expect 0 "info on it" "$tc" firmware info "$dir/b.tcfw"
grep -q '^minimum version: *3.20.1 ' "$dir/out" || { echo "FAIL: minimum version"; fails=$((fails + 1)); }
grep -q 'would refuse it (cannot replace' "$dir/out" || { echo "FAIL: a 3.20.0 camera would take a package for 3.20.1+"; fails=$((fails + 1)); }
# one byte changed in the program: info refuses, exit 1, reason on stderr
cp "$dir/a.tcfw" "$dir/c.tcfw"
printf '\377' | dd of="$dir/c.tcfw" bs=1 seek=300 conv=notrunc 2>/dev/null
expect 1 "info on an altered package" "$tc" firmware info "$dir/c.tcfw"
grep -q 'refused (hash)' "$dir/err" || { echo "FAIL: no hash reason on stderr"; cat "$dir/err"; fails=$((fails + 1)); }
head -c 1000 "$dir/a.tcfw" >"$dir/d.tcfw"
expect 1 "info on a truncated package" "$tc" firmware info "$dir/d.tcfw"
grep -q 'refused (truncated)' "$dir/err" || { echo "FAIL: no truncation reason"; fails=$((fails + 1)); }
# another key: the package is well formed, the signature does not hold
expect 0 "keygen" "$tc" firmware keygen "$dir/other"
[ "$(stat -c %a "$dir/other.sec")" = 600 ] || { echo "FAIL: secret key not 0600"; fails=$((fails + 1)); }
expect 1 "keygen never replaces a key" "$tc" firmware keygen "$dir/other"
expect 0 "pack with another key" "$tc" firmware pack -o "$dir/e.tcfw" --key "$dir/other.sec" --program /bin/true
expect 1 "info on a package of another key" "$tc" firmware info "$dir/e.tcfw"
grep -q 'refused (signature)' "$dir/err" || { echo "FAIL: no signature reason"; fails=$((fails + 1)); }
expect 2 "pack --version 3.20 (not MAJOR.MINOR.PATCH)" "$tc" firmware pack -o "$dir/f.tcfw" --version 3.20
expect 2 "pack without -o" "$tc" firmware pack
expect 1 "pack with a missing key" "$tc" firmware pack -o "$dir/f.tcfw" --key "$dir/none.sec"
expect 1 "pack a public key as the secret" "$tc" firmware pack -o "$dir/f.tcfw" --key "$dir/other.pub"
[ ! -e "$dir/f.tcfw" ] || { echo "FAIL: a refused pack left a file"; fails=$((fails + 1)); }
expect 1 "info on a missing file" "$tc" firmware info "$dir/none.tcfw"
expect 1 "info on a directory" "$tc" firmware info "$dir"
expect 2 "unknown subcommand" "$tc" firmware flush
# flash: a bad command line is 2; a package the camera must refuse is refused
# here, before any datagram is sent (no camera is needed, none is reached)
expect 2 "flash without --camera" "$tc" firmware flash "$dir/a.tcfw"
expect 1 "flash an altered package" "$tc" firmware flash --camera 127.0.0.1 "$dir/c.tcfw"
grep -q 'refused (hash)' "$dir/err" || { echo "FAIL: flash: no hash reason on stderr"; cat "$dir/err"; fails=$((fails + 1)); }
expect 1 "flash to an address that is not one" "$tc" firmware flash --camera not-an-address "$dir/a.tcfw"
grep -q 'not an IPv4 address' "$dir/err" || { echo "FAIL: flash: bad address not named"; cat "$dir/err"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ] && echo "firmware CLI: all checks passed"
[ "$fails" -eq 0 ]
