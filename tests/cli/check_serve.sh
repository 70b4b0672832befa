#!/bin/sh
# `twincam serve` refuses what another camera holds (issue 12), inside a
# private loopback-only network namespace (re-executes itself under
# `unshare -rn`; only 127.0.0.0/8 is used):
#  - a second serve on the first's address (GigE Vision, and USB/IP) exits
#    non-zero naming the address, and the first keeps serving (its I/O socket answers, its
#    control port answers GVCP via arv-tool-0.8 when installed);
#  - a second serve on the first's --io path exits non-zero naming the path,
#    the path still the first's socket; a stale socket file is replaced;
#  - --state-dir naming a missing directory creates it (0700), one that
#    cannot be created is refused at start; without it, the default under
#    XDG_STATE_HOME (or ~/.local/state) is made and serve is the boot
#    loader, and a default that cannot be made leaves the camera starting;
#  - the status line comes every --status-interval, and not with --quiet.
# Readiness is waited for on the server's own log line, never a fixed sleep.
# usage: check_serve.sh TWINCAM_BINARY
set -u
if [ "${CHECK_SERVE_INSIDE:-}" != 1 ]; then
    command -v unshare >/dev/null || { echo "SKIP: needs unshare"; exit 77; }
    CHECK_SERVE_INSIDE=1 exec unshare -rn sh -c 'ip link set lo up && exec sh "$0" "$@"' "$0" "$@"
fi
tc=$1
tmp=$(mktemp -d)
pids=""
cleanup() { for p in $pids; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# Wait (up to 10 s) for a line matching $2 in file $1.
wait_for() {
    i=0
    while ! grep -q "$2" "$1" 2>/dev/null; do
        i=$((i + 1)); [ $i -le 200 ] || return 1
        sleep 0.05
    done
}

# The first camera: GigE on 127.0.0.1, I/O on a.io, status every 0.3 s.
"$tc" serve --no-state-dir --interface 127.0.0.1 --io "$tmp/a.io" --status-interval 0.3 2>"$tmp/first.log" &
first=$!; pids="$first"
wait_for "$tmp/first.log" "serving GigE Vision camera" || bad "first serve did not start: $(cat "$tmp/first.log")"
ino=$(stat -c %i "$tmp/a.io")

# A second on the same address: refused at once, naming it.
"$tc" serve --no-state-dir --interface 127.0.0.1 --io "$tmp/b.io" --quiet 2>"$tmp/second.log"; rc=$?
[ $rc -ne 0 ] || bad "second serve on 127.0.0.1 exited 0"
grep -q "127.0.0.1:3956" "$tmp/second.log" || bad "second serve's error does not name 127.0.0.1:3956: $(cat "$tmp/second.log")"
[ -e "$tmp/b.io" ] && bad "the refused serve left its I/O socket behind"

# A second on another address but the first's I/O path: refused, naming it.
"$tc" serve --no-state-dir --interface 127.0.0.2 --io "$tmp/a.io" --quiet 2>"$tmp/third.log"; rc=$?
[ $rc -ne 0 ] || bad "second serve on the same --io exited 0"
grep -q "$tmp/a.io" "$tmp/third.log" || bad "second --io error does not name the path: $(cat "$tmp/third.log")"
[ "$(stat -c %i "$tmp/a.io" 2>/dev/null)" = "$ino" ] || bad "the first's I/O socket was replaced or removed"

# The first is unharmed: running, its I/O socket and its control port answer.
kill -0 "$first" 2>/dev/null || bad "the first serve died"
"$tc" io "$tmp/a.io" time >"$tmp/io.out" 2>&1 && grep -q "^time [0-9]" "$tmp/io.out" ||
    bad "the first's I/O socket does not answer: $(cat "$tmp/io.out")"
if command -v arv-tool-0.8 >/dev/null; then
    arv-tool-0.8 -a 127.0.0.1 control DeviceSerialNumber >"$tmp/arv.out" 2>&1
    grep -q "TC000001" "$tmp/arv.out" || bad "the first's control port does not answer: $(cat "$tmp/arv.out")"
fi
wait_for "$tmp/first.log" "^twincam serve: [0-9.]* fps, [0-9.]* MB/s, [0-9]* clients\?, .*overruns, .*dropped$" ||
    bad "no status line: $(cat "$tmp/first.log")"
kill -INT "$first"; wait "$first"; rc=$?; pids=""
[ $rc -eq 0 ] || bad "first serve exited $rc after SIGINT"
[ -e "$tmp/a.io" ] && bad "the first did not remove its own I/O socket"

# A stale socket file (its camera died: nothing listens) is replaced; the
# missing state directory is made, 0700; --quiet: no status line.
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$tmp/stale.io" ||
    bad "cannot make a stale socket"
"$tc" serve --interface 127.0.0.3 --io "$tmp/stale.io" --state-dir "$tmp/state/deep" --quiet \
    --status-interval 0.1 2>"$tmp/fourth.log" &
fourth=$!; pids="$fourth"
wait_for "$tmp/fourth.log" "serving GigE Vision camera" || bad "serve over a stale socket did not start: $(cat "$tmp/fourth.log")"
"$tc" io "$tmp/stale.io" time >/dev/null 2>&1 || bad "the stale socket was not replaced by a live one"
[ "$(stat -c %a "$tmp/state/deep" 2>/dev/null)" = 700 ] || bad "--state-dir not created 0700"
# Five status periods: a line would be there by now.
sleep 0.5
kill -INT "$fourth"; wait "$fourth"; pids=""
grep -q "^twincam serve: .* fps" "$tmp/fourth.log" && bad "--quiet still printed a status line"

# The same for USB/IP on TCP 3240.
# Its status line comes as GigE's does.
"$tc" serve --no-state-dir --usbip --interface 127.0.0.5 --status-interval 0.2 2>"$tmp/usbip1.log" &
u1=$!; pids="$u1"
wait_for "$tmp/usbip1.log" "serving USB3 Vision camera" || bad "usbip serve did not start: $(cat "$tmp/usbip1.log")"
wait_for "$tmp/usbip1.log" "^twincam serve: .* fps, .* MB/s, 0 clients" ||
    bad "no usbip status line: $(cat "$tmp/usbip1.log")"
"$tc" serve --no-state-dir --usbip --interface 127.0.0.5 2>"$tmp/usbip2.log"; rc=$?
[ $rc -ne 0 ] || bad "second usbip serve on 127.0.0.5 exited 0"
grep -q "127.0.0.5:3240" "$tmp/usbip2.log" || bad "second usbip serve's error does not name 127.0.0.5:3240: $(cat "$tmp/usbip2.log")"
kill -0 "$u1" 2>/dev/null || bad "the first usbip serve died"
kill -INT "$u1"; wait "$u1"; pids=""

# A state directory that cannot be made: refused at start, nothing served.
: >"$tmp/file"
"$tc" serve --interface 127.0.0.4 --state-dir "$tmp/file/sub" --quiet 2>"$tmp/fifth.log"; rc=$?
[ $rc -ne 0 ] || bad "serve with an impossible --state-dir exited 0"
grep -q "state-dir" "$tmp/fifth.log" || bad "the --state-dir refusal does not say so: $(cat "$tmp/fifth.log")"
grep -q "serving" "$tmp/fifth.log" && bad "served despite the impossible --state-dir"

# Without --state-dir: $XDG_STATE_HOME/twincam/SERIAL, else
# ~/.local/state/twincam/SERIAL, made 0700, and serve is the boot loader.
# A default that cannot be made costs persistence, never the start.
default_dir() { # $1: the environment to serve in, $2: address, $3: log
    env $1 "$tc" serve --interface "$2" --serial SOAK-1 --quiet 2>"$3" &
    p=$!; pids="$p"
    wait_for "$3" "serving GigE Vision camera" || bad "serve ($1) did not start: $(cat "$3")"
    kill -INT "$p"; wait "$p"; pids=""
}
default_dir "XDG_STATE_HOME=$tmp/xdg" 127.0.0.6 "$tmp/sixth.log"
[ "$(stat -c %a "$tmp/xdg/twincam/SOAK-1" 2>/dev/null)" = 700 ] || bad "no 0700 state dir under XDG_STATE_HOME"
grep -q "state directory $tmp/xdg/twincam/SOAK-1 (the default" "$tmp/sixth.log" || bad "the default state dir is not named: $(cat "$tmp/sixth.log")"
grep -q "twincam boot: .* reports healthy" "$tmp/sixth.log" || bad "serve with the default state dir is not the boot loader: $(cat "$tmp/sixth.log")"
default_dir "-u XDG_STATE_HOME HOME=$tmp/home" 127.0.0.7 "$tmp/seventh.log"
[ -d "$tmp/home/.local/state/twincam/SOAK-1" ] || bad "no state dir under ~/.local/state when XDG_STATE_HOME is unset"
default_dir "XDG_STATE_HOME=$tmp/file" 127.0.0.8 "$tmp/eighth.log"
grep -q "default state directory cannot be used" "$tmp/eighth.log" || bad "an impossible default is not reported: $(cat "$tmp/eighth.log")"
grep -q "twincam boot:" "$tmp/eighth.log" && bad "a boot loader ran without a state directory"
"$tc" serve --no-state-dir --state-dir "$tmp/x" 2>/dev/null; [ $? -eq 2 ] || bad "--state-dir with --no-state-dir not refused (exit 2)"

[ $fail -eq 0 ] && echo "ok: second serve refused on the address and on the I/O path, first unharmed; stale socket replaced; state dir made or refused, its default (XDG, HOME, impossible); status line and --quiet"
exit $fail
