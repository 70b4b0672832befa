# Firmware-update part of the USB/IP VM test, sourced by guest-usbip.sh inside
# the QEMU guest after its stream (same boot, same server; fail, say, up, $R,
# wait_usb, $ID, $DEV, $SRV, $STATE from there).
# Network safety: the guest has no network device at all (stricter than a
# private netns with only loopback): Aravis there reaches only the camera
# attached through vhci.
#   1. guest-fwupdate.py (Aravis over USB3 Vision, file access): two refused
#      packages change nothing, the 3.21.0 package is installed (its upload
#      timed), DeviceReset.
#   2. The program exits, the boot loader (`serve --state-dir`) starts slot
#      a; the USB/IP connection drops and the device goes, as a real camera
#      re-enumerates. usbip attach again once slot a reports healthy;
#      arv-tool-0.8 reads DeviceFirmwareVersion 3.21.0.
# From /out/config: SOURCE_ROOT (tests/gige/test_file_access.py's Files),
# FW_DIR (the packages run-usbvm.sh made on the host).

# poll SECONDS COMMAND...: until COMMAND succeeds, every 0.1 s, at most SECONDS.
poll() {
  n=$(($1 * 10)); shift
  until "$@"; do
    n=$((n - 1)); [ $n -gt 0 ] || return 1
    sleep 0.1
  done
}
slot_a_healthy() { grep -q 'slot a (firmware 3.21.0, pid [0-9]*) reports healthy' /out/server.log; }
gone() { [ ! -e "$1" ]; }

say "firmware update"
F0=$(up)
PYTHONDONTWRITEBYTECODE=1 timeout 180 python3 "$(dirname "$0")/guest-fwupdate.py" "$ID" "$SOURCE_ROOT" \
  "$STATE" "$FW_DIR/v3.21.0.tcfw" "$FW_DIR/refused-truncated.tcfw" "$FW_DIR/refused-hash.tcfw" \
  > /out/fwupdate.txt 2>&1
FRC=$?
F1=$(up)
cat /out/fwupdate.txt
sed -n 's/^figure: //p; s/^timing: \(.*\)/firmware client: \1 (from its first line)/p' /out/fwupdate.txt >> $R
if [ $FRC != 0 ]; then
  { echo "--- /out/fwupdate.txt (tail)"; tail -12 /out/fwupdate.txt; } >> $R
  fail "firmware update through USB/IP: exit $FRC, $(grep -c '^FAIL' /out/fwupdate.txt) failed checks"
fi
grep -q '^figure: firmware upload' /out/fwupdate.txt || fail "no upload figure"
say "firmware uploaded, DeviceReset"
poll 40 slot_a_healthy || fail "slot a (3.21.0) did not report healthy within 40 s of DeviceReset"
grep -q 'restart requested (DeviceReset)' /out/server.log || fail "the boot loader logged no restart"
poll 20 gone "$DEV" || fail "the device $(basename "$DEV") did not go at DeviceReset"
F2=$(up)
say "slot a healthy, the old device gone"
usbip attach -r 127.0.0.1 -b 1-1 || fail "usbip attach after DeviceReset"
DEV=$(wait_usb 1d6b 0104) || fail "the device did not enumerate again after DeviceReset"
node() { [ -e "$(printf /dev/bus/usb/%03d/%03d "$(cat "$DEV/busnum")" "$(cat "$DEV/devnum")")" ]; }
poll 10 node || fail "no usbfs node for $(basename "$DEV")"
V=$(timeout 60 arv-tool-0.8 -n "$ID" control DeviceFirmwareVersion 2>&1)
F3=$(up)
echo "$V"
[ "$V" = "DeviceFirmwareVersion = 3.21.0" ] || fail "after DeviceReset and usbip attach: '$V', not 3.21.0"
"$TWINCAM" firmware status --state-dir "$STATE" > /out/fw-status.txt 2>&1 || fail "twincam firmware status"
grep -q '^active: *a$' /out/fw-status.txt && grep -q '^confirmed: *yes$' /out/fw-status.txt ||
  { cat /out/fw-status.txt; fail "boot state after the update: not slot a, confirmed"; }
awk -v a="$F0" -v b="$F1" -v c="$F2" -v d="$F3" 'BEGIN {
  printf "firmware: 3.21.0 runs after DeviceReset; the client (python3 start to exit: uploads, DeviceReset) %.1f s, reset to slot a healthy and the old device gone %.1f s, attach to the version read %.1f s\n", b - a, c - b, d - c }' >> $R
say "firmware 3.21.0 runs"
