#!/bin/sh
# The command line as people expect it (issue 12), for every subcommand that
# `twincam --help` lists (so a new one is covered without touching this):
#  - `twincam CMD --help` and `-h`: the usage on stdout (a "twincam CMD - "
#    first line for help2man's NAME, "Usage: twincam CMD" lines), nothing on
#    stderr, exit 0;
#  - `twincam CMD --version` and `twincam --version`: "twincam VERSION";
#  - an unknown option: nothing on stdout, the reason and the usage on
#    stderr, exit 2;
#  - `twincam xml` (both flavours): stdout is well-formed XML, stderr empty;
#  - `twincam snapshot` (stderr not a terminal: no progress drawn): stdout
#    empty, one summary line on stderr, the PNG written.
# No camera is served: no network use.
# usage: check_cli.sh TWINCAM_BINARY VERSION
set -u
tc=$1
version=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

"$tc" --help >"$tmp/out" 2>"$tmp/err" || bad "twincam --help exit $?"
[ -s "$tmp/err" ] && bad "twincam --help wrote to stderr"
cmds=$(sed -n '/^Commands:/,/^$/p' "$tmp/out" | awk 'NR > 1 && NF { print $1 }')
[ -n "$cmds" ] || bad "twincam --help lists no commands"
n=0
for cmd in $cmds; do
    n=$((n + 1))
    for h in --help -h; do
        "$tc" "$cmd" $h >"$tmp/out" 2>"$tmp/err"; rc=$?
        [ $rc -eq 0 ] || bad "$cmd $h: exit $rc"
        [ -s "$tmp/err" ] && bad "$cmd $h: wrote to stderr: $(head -1 "$tmp/err")"
        head -1 "$tmp/out" | grep -q "^twincam $cmd - ." || bad "$cmd $h: first line is not 'twincam $cmd - ...'"
        grep -q "^Usage: twincam $cmd" "$tmp/out" || bad "$cmd $h: no 'Usage: twincam $cmd' line"
        grep -q -- "--version" "$tmp/out" || bad "$cmd $h: --version not listed"
    done
    out=$("$tc" "$cmd" --version 2>"$tmp/err"); rc=$?
    [ $rc -eq 0 ] && [ "$out" = "twincam $version" ] || bad "$cmd --version: exit $rc, '$out'"
    "$tc" "$cmd" --no-such-option >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] || bad "$cmd --no-such-option: exit $rc, not 2"
    [ -s "$tmp/out" ] && bad "$cmd --no-such-option: wrote to stdout"
    grep -q "no-such-option" "$tmp/err" || bad "$cmd --no-such-option: the reason does not name the option"
    grep -q "^Usage: twincam $cmd" "$tmp/err" || bad "$cmd --no-such-option: no usage on stderr"
done
[ "$n" -ge 7 ] || bad "only $n commands listed"

for v in --version version; do
    out=$("$tc" $v); rc=$?
    [ $rc -eq 0 ] && [ "$out" = "twincam $version" ] || bad "twincam $v: exit $rc, '$out'"
done
"$tc" no-such-command >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ -s "$tmp/err" ] || bad "unknown command: exit $rc or output on stdout"

for flavour in "" --usb; do
    "$tc" xml $flavour >"$tmp/camera.xml" 2>"$tmp/err" || bad "xml $flavour: exit $?"
    [ -s "$tmp/err" ] && bad "xml $flavour: wrote to stderr"
    if command -v xmllint >/dev/null; then
        xmllint --noout "$tmp/camera.xml" || bad "xml $flavour: stdout is not well-formed XML"
    else
        head -c 5 "$tmp/camera.xml" | grep -q '^<?xml' || bad "xml $flavour: stdout does not start with <?xml"
    fi
done
"$tc" snapshot -o "$tmp/roi.png" --set Width=1200 --set Height=800 >"$tmp/out" 2>"$tmp/err" ||
    bad "snapshot: exit $?"
[ -s "$tmp/out" ] && bad "snapshot wrote to stdout: $(head -1 "$tmp/out")"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^twincam snapshot: frame 1: 1200x800+0+0 .* in [0-9.]* s$" "$tmp/err" ||
    bad "snapshot: stderr is not one summary line: $(cat "$tmp/err")"
head -c 8 "$tmp/roi.png" | od -An -c | grep -q "P   N   G" || bad "snapshot: no PNG written"
[ $fail -eq 0 ] && echo "ok: $n commands: --help, -h, --version, unknown option; xml well-formed; snapshot quiet on stdout"
exit $fail
