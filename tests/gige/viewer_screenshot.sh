#!/bin/sh
# The README's live view in Aravis's viewer, looked at: arv-viewer-0.8 under
# Xvfb streams a served twin, and a screenshot of the screen is saved as a
# PNG that must not be blank. Runs inside a private loopback-only network
# namespace (re-executes itself under `unshare -rn`; only 127.0.0.1).
#
# The viewer takes no camera on its command line, so xdotool clicks as a
# user would: the twin's row in the camera list (the second: Aravis's own
# Fake camera is listed first), then the play button. Each step is waited
# for on the twin's log ("control granted", "AcquisitionStart executed",
# status lines with frames sent), never for a fixed time.
#
# Needs xvfb-run (xvfb, xauth), xdotool, import and identify (imagemagick),
# arv-viewer-0.8 (aravis-tools) and GStreamer's X/GTK sinks
# (gstreamer1.0-x, gstreamer1.0-gtk3; without them the viewer crashes).
# usage: viewer_screenshot.sh TWINCAM_BINARY OUT.png
set -u
if [ "${VIEWER_SHOT_INSIDE:-}" != 1 ]; then
    for t in unshare xvfb-run xdotool import identify arv-viewer-0.8; do
        command -v $t >/dev/null || { echo "SKIP: needs $t"; exit 77; }
    done
    VIEWER_SHOT_INSIDE=1 exec unshare -rn sh -c 'ip link set lo up && exec sh "$0" "$@"' "$0" "$@"
fi
tc=$1
out=$2
tmp=$(mktemp -d)
log=$tmp/serve.log
# Full frames as the README's live view gets them, at 5 fps rather than 18:
# the viewer's demosaicking and drawing under Xvfb share 2 cores with the
# camera and the build.
"$tc" serve --no-state-dir --interface 127.0.0.1 --status-interval 0.5 \
    --set AcquisitionFrameRateEnable=true --set AcquisitionFrameRate=5 2>"$log" &
serve=$!
trap 'kill -INT $serve 2>/dev/null; wait $serve 2>/dev/null; rm -rf "$tmp"' EXIT

# Wait up to $2 tenths of a second for a line matching $1 in the twin's log.
wait_log() {
    i=0
    while ! grep -q "$1" "$log"; do
        i=$((i + 1)); [ $i -le "$2" ] || return 1
        sleep 0.1
    done
}
wait_log "serving GigE Vision camera" 100 || { echo "FAIL: the twin did not start"; cat "$log"; exit 1; }

# The X session: everything that needs the display runs in it. Prints the
# viewer window's name and geometry, then "shot" once the PNG is saved.
export log out
xvfb-run -a -s "-screen 0 1280x900x24" sh -c '
wait_log() {
    i=0
    while ! grep -q "$1" "$log"; do
        i=$((i + 1)); [ $i -le "$2" ] || return 1
        sleep 0.1
    done
}
arv-viewer-0.8 >"$log.viewer" 2>&1 &
viewer=$!
win=$(xdotool search --sync --name "Aravis Viewer" | head -1)
# The twin'"'"'s row, again every 2 s until the viewer has opened it.
for try in 1 2 3 4 5; do
    xdotool mousemove --window "$win" 170 117 click 1
    wait_log "control granted" 20 && break
done
# The play button below the list (the list shrinks once a camera is chosen).
for try in 1 2 3 4 5; do
    xdotool mousemove --window "$win" 78 277 click 1
    wait_log "AcquisitionStart executed" 20 && break
done
echo "window: $(xdotool getwindowname "$win")"
geo=$(xdotool getwindowgeometry "$win" | sed -n "s/ *Geometry: //p")
echo "geometry: $geo"
# Screenshots until the middle of the window (where the video is drawn)
# is a picture, not blank: the first frames take a while to arrive and be
# drawn. At most 30 s.
w=${geo%x*}; h=${geo#*x}
for try in $(seq 60); do
    import -window root "$out" || break
    sd=$(identify -format "%[fx:standard_deviation]" "$out[$((w / 2))x$((h / 2))+$((w / 4))+$((h / 4))]")
    awk -v sd="$sd" "BEGIN { exit !(sd > 0.05) }" && break
    sleep 0.5
done
echo "shot after $try: standard deviation of the picture middle $sd (0..1)"
kill $viewer
wait $viewer 2>/dev/null
' >"$tmp/x.out" 2>&1
cat "$tmp/x.out"
fail=0
grep -q "^shot" "$tmp/x.out" && [ -s "$out" ] || { echo "FAIL: no screenshot"; fail=1; }
grep -q "AcquisitionStart executed" "$log" || { echo "FAIL: the viewer never started streaming"; fail=1; }
grep -q "^window: .*twincam" "$tmp/x.out" || { echo "FAIL: the viewer is not showing the twin's video"; fail=1; }
# A blank (or black) picture has no spread; the test chart has plenty.
sd=$(sed -n "s/^shot after .* middle \([0-9.e-]*\) .*/\1/p" "$tmp/x.out")
awk -v sd="${sd:-0}" 'BEGIN { exit !(sd > 0.05) }' || { echo "FAIL: the picture is blank"; fail=1; }
grep "^twincam serve:" "$log" | tail -2
[ $fail -eq 0 ] && echo "ok: arv-viewer-0.8 streamed the twin; screenshot $out"
exit $fail
