#!/bin/sh
# The firmware boot loader end to end (docs/firmware.md "Slots and
# rollback"): `twincam serve --state-dir` boots the factory program, an
# installed slot, rolls back from a program that exits (/bin/false) or stays
# silent past the 10 s bound, restarts into the slot on DeviceReset (Aravis's
# arv-tool-0.8), and survives its own SIGKILL at random points (seeded) with
# the boot state readable and the old or the new firmware running.
# Runs itself inside a private network namespace: loopback only.
# usage: check_boot.sh TWINCAM_BINARY
set -u
tc=$1
if [ -z "${TC_IN_NETNS:-}" ]; then
    exec env TC_IN_NETNS=1 unshare -rn sh -c 'ip link set lo up && exec sh "$0" "$1"' "$0" "$tc"
fi
ip=127.0.0.1
dir=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill -KILL "$server" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# Wait until FILE has a line matching PATTERN, at most SECONDS (polled every
# 50 ms: the log is the only thing the loader tells the outside).
wait_log() { # file pattern seconds
    n=0 limit=$(($3 * 20))
    while ! grep -q -- "$2" "$1" 2>/dev/null; do
        n=$((n + 1))
        [ "$n" -gt "$limit" ] && return 1
        sleep 0.05
    done
}
# Whether GVCP's port is free to bind: a program whose boot loader was
# killed dies by PDEATHSIG, but may hold the port a moment longer, and a new
# loader's program would then fail to bind it and be rolled back.
gvcp_port_free() {
    python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).bind(("127.0.0.1", 3956))' 2>/dev/null
}
# Start `twincam serve --state-dir SD` logging to LOG, once the port is free.
serve() { # state-dir log
    n=0
    while ! gvcp_port_free && [ $n -lt 200 ]; do n=$((n + 1)); sleep 0.05; done
    "$tc" serve --state-dir "$1" --interface "$ip" 2>"$2" &
    server=$!
}
stop() { # expected exit status
    kill -TERM "$server"
    wait "$server"
    rc=$?
    server=""
    [ "$rc" -eq "$1" ] || fail "serve exited $rc after SIGTERM, want $1"
}
state() { "$tc" firmware status --state-dir "$1" | sed -n "s/^$2: *//p"; }
now_ms() { date +%s%3N; }

"$tc" firmware pack -o "$dir/v321.tcfw" --version 3.21.0 >/dev/null || fail "pack 3.21.0"
"$tc" firmware pack -o "$dir/false.tcfw" --version 3.22.0 --program /bin/false >/dev/null || fail "pack /bin/false"
printf '#!/bin/sh\n# never reports healthy\nexec sleep 60.4321\n' >"$dir/sleeper.sh"
"$tc" firmware pack -o "$dir/sleep.tcfw" --version 3.22.0 --program "$dir/sleeper.sh" >/dev/null || fail "pack sleeper"
"$tc" firmware pack -o "$dir/v323.tcfw" --version 3.23.0 >/dev/null || fail "pack 3.23.0"

# A. An empty state directory boots the factory program.
sd=$dir/a; mkdir "$sd"
serve "$sd" "$dir/a.log"
if wait_log "$dir/a.log" "the factory program (firmware 3.20.0, pid [0-9]*) reports healthy" 30; then
    ok "factory program boots and reports healthy"
else fail "factory program not healthy"; cat "$dir/a.log"; fi
stop 0

# B. An installed package boots from slot a, reports its version;
# DeviceReset restarts the program, into the same slot.
sd=$dir/b; mkdir "$sd"
"$tc" firmware install --state-dir "$sd" "$dir/v321.tcfw" >/dev/null || fail "install 3.21.0"
[ "$(state "$sd" active)" = a ] || fail "3.21.0 not marked to boot from a"
[ "$(state "$sd" confirmed)" = no ] || fail "a new slot is confirmed before it booted"
serve "$sd" "$dir/b.log"
if wait_log "$dir/b.log" "slot a (firmware 3.21.0, pid [0-9]*) reports healthy" 30; then
    ok "slot a boots and reports healthy"
else fail "slot a not healthy"; cat "$dir/b.log"; fi
[ "$(state "$sd" confirmed)" = yes ] || fail "slot a not confirmed after reporting healthy"
v=$(arv-tool-0.8 -a "$ip" control DeviceFirmwareVersion 2>&1)
[ "$v" = "DeviceFirmwareVersion = 3.21.0" ] && ok "a client reads DeviceFirmwareVersion 3.21.0" || fail "client read '$v'"
pid1=$(sed -n 's/.*slot a (firmware 3.21.0, pid \([0-9]*\)) reports healthy.*/\1/p' "$dir/b.log" | head -1)
arv-tool-0.8 -a "$ip" control DeviceReset >/dev/null 2>&1 || fail "DeviceReset through Aravis"
if wait_log "$dir/b.log" "restart requested (DeviceReset)" 10; then
    n=0
    while [ "$(grep -c 'slot a (firmware 3.21.0, pid [0-9]*) reports healthy' "$dir/b.log")" -lt 2 ] && [ $n -lt 600 ]; do
        n=$((n + 1)); sleep 0.05
    done
    pid2=$(sed -n 's/.*slot a (firmware 3.21.0, pid \([0-9]*\)) reports healthy.*/\1/p' "$dir/b.log" | tail -1)
    [ -n "$pid2" ] && [ "$pid2" != "$pid1" ] && ok "DeviceReset: the program exited and slot a started again (pid $pid1 -> $pid2)" ||
        fail "no second program after DeviceReset"
else fail "DeviceReset did not restart the program"; cat "$dir/b.log"; fi

# E. The loader killed: its program goes with it (PR_SET_PDEATHSIG); a new
# loader boots the same confirmed slot.
child=$(sed -n 's/.*slot a (firmware 3.21.0, pid \([0-9]*\)) reports healthy.*/\1/p' "$dir/b.log" | tail -1)
kill -KILL "$server"; wait "$server" 2>/dev/null; server=""
n=0
while kill -0 "$child" 2>/dev/null && [ $n -lt 100 ]; do n=$((n + 1)); sleep 0.05; done
kill -0 "$child" 2>/dev/null && fail "program $child outlived its killed boot loader" || ok "program $child ended with its killed boot loader"
serve "$sd" "$dir/e.log"
wait_log "$dir/e.log" "slot a (firmware 3.21.0, pid [0-9]*) reports healthy" 30 && ok "a new boot loader boots slot a again" ||
    { fail "slot a not back after the loader was killed"; cat "$dir/e.log"; }

# C. A program that exits at once (/bin/false): back to the running slot.
"$tc" firmware install --state-dir "$sd" "$dir/false.tcfw" >/dev/null || fail "install /bin/false over a"
arv-tool-0.8 -a "$ip" control DeviceReset >/dev/null 2>&1 || fail "DeviceReset"
if wait_log "$dir/e.log" "slot b exited with status 1 before reporting healthy; rolled back to a" 30 &&
   wait_log "$dir/e.log" "restart requested" 1; then
    ok "/bin/false in slot b: rolled back to slot a"
else fail "no rollback from /bin/false"; cat "$dir/e.log"; fi
n=0
while [ "$(grep -c 'slot a (firmware 3.21.0, pid [0-9]*) reports healthy' "$dir/e.log")" -lt 2 ] && [ $n -lt 600 ]; do
    n=$((n + 1)); sleep 0.05
done
[ "$(state "$sd" active)" = a ] && [ "$(state "$sd" confirmed)" = yes ] && ok "boot state: a, confirmed" || fail "boot state after the rollback"

# D. A program that never reports healthy: rolled back after the 10 s bound.
"$tc" firmware install --state-dir "$sd" "$dir/sleep.tcfw" >/dev/null || fail "install the sleeper"
t0=$(now_ms)
arv-tool-0.8 -a "$ip" control DeviceReset >/dev/null 2>&1 || fail "DeviceReset"
if wait_log "$dir/e.log" "slot b did not report healthy within 10000 ms; rolled back to a" 40; then
    t=$(($(now_ms) - t0))
    if [ "$t" -ge 10000 ] && [ "$t" -lt 20000 ]; then ok "silent slot b rolled back after $t ms (bound 10 s)"
    else fail "silent slot rolled back after $t ms, want 10-20 s"; fi
else fail "no rollback from a silent program"; cat "$dir/e.log"; fi
pgrep -f "sleep 60.4321" >/dev/null && fail "the silent program is still running" || ok "the silent program was stopped"
n=0
while [ "$(grep -c 'slot a (firmware 3.21.0, pid [0-9]*) reports healthy' "$dir/e.log")" -lt 3 ] && [ $n -lt 600 ]; do
    n=$((n + 1)); sleep 0.05
done
[ $n -lt 600 ] || fail "slot a not healthy again after the silent one"
stop 0

# F. The boot loader SIGKILLed at random points while a new slot is tried,
# and the installer SIGKILLed at random points while it writes: after each,
# the boot state reads without complaint and the camera comes up with the old
# (3.21.0) or the new (3.23.0) firmware, never neither.
seed=${TC_BOOT_SEED:-9}
trials=${TC_BOOT_TRIALS:-12}
i=0 survived=0
while [ $i -lt "$trials" ]; do
    i=$((i + 1))
    seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
    delay_ms=$((seed % 400))
    if [ $((i % 2)) -eq 0 ]; then
        # kill the installer mid-way
        "$tc" firmware install --state-dir "$sd" "$dir/v323.tcfw" >/dev/null 2>&1 & inst=$!
        sleep "$(awk "BEGIN{print ($delay_ms % 20) / 1000}")"
        kill -KILL "$inst" 2>/dev/null; wait "$inst" 2>/dev/null
    else
        "$tc" firmware install --state-dir "$sd" "$dir/v323.tcfw" >/dev/null 2>&1
        serve "$sd" "$dir/f.log"
        sleep "$(awk "BEGIN{print $delay_ms / 1000}")"
        kill -KILL "$server"; wait "$server" 2>/dev/null; server=""
    fi
    if ! "$tc" firmware status --state-dir "$sd" >"$dir/status" 2>&1; then
        fail "trial $i (delay $delay_ms ms): boot state unreadable"; cat "$dir/status"; continue
    fi
    : >"$dir/f2.log"
    serve "$sd" "$dir/f2.log"
    if wait_log "$dir/f2.log" "(firmware 3.2[13].0, pid [0-9]*) reports healthy" 40; then
        v=$(arv-tool-0.8 -a "$ip" control DeviceFirmwareVersion 2>&1)
        case "$v" in
        "DeviceFirmwareVersion = 3.21.0"|"DeviceFirmwareVersion = 3.23.0") survived=$((survived + 1)) ;;
        *) fail "trial $i: running '$v'" ;;
        esac
    else
        fail "trial $i (delay $delay_ms ms): no healthy firmware"; cat "$dir/f2.log"
    fi
    stop 0
    # back to 3.21.0 in a (confirmed) for the next trial, as an installer would find it
    rm -f "$sd"/firmware.*
    "$tc" firmware install --state-dir "$sd" "$dir/v321.tcfw" >/dev/null
    "$tc" firmware status --state-dir "$sd" >/dev/null
done
echo "power-loss trials: $survived of $trials survived"
[ "$survived" -eq "$trials" ] || fail "$((trials - survived)) trials did not survive"

[ "$fails" -eq 0 ] && echo "boot loader: all checks passed"
[ "$fails" -eq 0 ]
