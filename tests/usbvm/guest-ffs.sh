# FunctionFS part of the VM test, sourced by guest-usbip.sh inside the QEMU
# guest after its USB/IP part (same boot; fail, say, up, $R from there).
# Network safety: the guest has no network device at all (stricter than a
# private netns with only loopback): arv-tool-0.8 there reaches no network.
#   1. Reference rate of this guest's USB stack: the kernel's SourceSink
#      function on dummy_udc.0, read with u3v_host_test --raw-bulk.
#   2. scripts/gadget.sh runs `twincam gadget` on dummy_udc.0 (SuperSpeed);
#      arv-tool-0.8 lists it; u3v_host_test (libusb) checks GenCP, the XML
#      and streamed frames against the in-process camera, and measures the
#      full-frame rate.
# From /out/config: HOST_TEST, GADGET_SH, KDIR (the kernel tree the recipe
# unpacked, for usb_f_ss_lb.ko: modules are not autoloaded after switch_root).
say "FunctionFS part"
[ -x "$HOST_TEST" ] || fail "no u3v_host_test at $HOST_TEST (libusb-1.0-0-dev missing at build time?)"
grep -q ' /sys/kernel/config ' /proc/mounts || mount -t configfs none /sys/kernel/config
UDC=dummy_udc.0
[ -e /sys/class/udc/$UDC ] || fail "no $UDC"
# 1. Raw bulk reference.
SS_KO=$(find "$KDIR/" -name usb_f_ss_lb.ko | head -1) # KDIR/: through the link to the cache
lsmod | grep -q usb_f_ss_lb || insmod "$SS_KO" || fail "insmod usb_f_ss_lb ($SS_KO)"
RG=/sys/kernel/config/usb_gadget/rawbulk
mkdir $RG
echo 0x1d6b > $RG/idVendor; echo 0x0105 > $RG/idProduct; echo 0x0300 > $RG/bcdUSB
mkdir $RG/configs/c.1 $RG/functions/SourceSink.raw
echo 1048576 > $RG/functions/SourceSink.raw/bulk_buflen
echo 8 > $RG/functions/SourceSink.raw/bulk_qlen 2>/dev/null || true
ln -s $RG/functions/SourceSink.raw $RG/configs/c.1/
echo $UDC > $RG/UDC
RD=$(wait_usb 1d6b 0105) || fail "SourceSink gadget did not enumerate"
say "SourceSink at $(cat $RD/speed) Mb/s"
"$HOST_TEST" --raw-bulk 5 1d6b 0105 > /out/raw-bulk.txt 2>&1 || fail "raw bulk read"
cat /out/raw-bulk.txt
RAW=$(sed -n 's/.* = \([0-9.]*\) MB\/s.*/\1/p' /out/raw-bulk.txt)
# USB/IP reference: the same SourceSink device exported by the kernel's own
# USB/IP server (usbip-host + usbipd) and attached through vhci_hcd, as the
# twin's USB/IP port is.
SSBUS=$(basename $RD)
usbipd -4 -D > /dev/null 2>&1 || fail "usbipd"
for i in $(seq 50); do usbip list -r 127.0.0.1 > /dev/null 2>&1 && break; sleep 0.1; done
usbip bind -b $SSBUS > /dev/null 2>&1 || fail "usbip bind $SSBUS"
usbip attach -r 127.0.0.1 -b $SSBUS || fail "usbip attach of the SourceSink device"
VD=$(wait_usb 1d6b 0105 vhci) || VD=""
VBUS=$([ -n "$VD" ] && cat $VD/busnum)
[ -n "$VBUS" ] || fail "SourceSink through USB/IP did not enumerate"
"$HOST_TEST" --raw-bulk 5 1d6b 0105 $VBUS > /out/raw-bulk-usbip.txt 2>&1 || fail "raw bulk read through USB/IP"
cat /out/raw-bulk-usbip.txt
RAW_USBIP=$(sed -n 's/.* = \([0-9.]*\) MB\/s.*/\1/p' /out/raw-bulk-usbip.txt)
usbip detach -p "$(usbip port 2>/dev/null | sed -n 's/^Port \([0-9]*\):.*/\1/p' | head -1)" > /dev/null 2>&1 || true
usbip unbind -b $SSBUS > /dev/null 2>&1 || true
kill "$(pidof usbipd)" 2>/dev/null || true
echo "" > $RG/UDC
rm $RG/configs/c.1/SourceSink.raw; rmdir $RG/configs/c.1 $RG/functions/SourceSink.raw $RG

# 2. The camera through FunctionFS.
F0=$(up)
# With a state directory, as on a board: gadget is the boot loader and the
# camera its child (docs/firmware.md).
"$GADGET_SH" --twincam "$TWINCAM" --udc $UDC --seed 7 --status-interval 1 --state-dir /run/ffs-state > /out/gadget.log 2>&1 &
GPID=$!
FD=$(wait_usb 1d6b 0104) || { cat /out/gadget.log; fail "FunctionFS gadget did not enumerate"; }
FSPEED=$(cat $FD/speed)
say "gadget $(basename $FD) speed $FSPEED: $(cat $FD/manufacturer) $(cat $FD/product) $(cat $FD/serial) (enumerated $(awk -v a=$F0 -v b=$(up) 'BEGIN { printf "%.2f", b - a }') s after start)"
[ "$FSPEED" = 5000 ] || fail "FunctionFS gadget at $FSPEED, not 5000"
[ "$(cat $FD/product)" = IMX412C-12MP-twin ] || fail "FunctionFS gadget's product string is '$(cat $FD/product)'"
timeout 60 arv-tool-0.8 > /out/arv-list-ffs.txt 2>&1
cat /out/arv-list-ffs.txt
grep -q "$(cat $FD/serial) (USB3)" /out/arv-list-ffs.txt || fail "arv-tool-0.8 does not list the FunctionFS camera"
FID=$(grep "(USB3)" /out/arv-list-ffs.txt | head -1)
"$HOST_TEST" --seed 7 --frames 4 > /out/ffs-host.txt 2>&1
HRC=$?
cat /out/ffs-host.txt
kill -TERM $GPID; wait $GPID  # TERM: a background job of a script ignores INT
tail -4 /out/gadget.log
[ $HRC = 0 ] || fail "u3v_host_test over FunctionFS"
grep -q "^twincam gadget: .* fps, .* MB/s, [01] client" /out/gadget.log || fail "no status line from twincam gadget"
grep -q "twincam boot: .* reports healthy" /out/gadget.log || fail "twincam gadget --state-dir did not run the camera under its boot loader"
{
  echo "ffs: speed $FSPEED, Aravis lists $FID"
  grep '^rate:' /out/ffs-host.txt | sed 's/^/ffs /'
  echo "ffs raw bulk (SourceSink): ${RAW:-?} MB/s"
  echo "usbip raw bulk (SourceSink through usbip-host and vhci): ${RAW_USBIP:-?} MB/s"
  USBIP_MB=$(sed -n 's/^from the first frame: .* \([0-9.]*\) MB\/s$/\1/p' $R)
  [ -n "$USBIP_MB" ] && [ -n "$RAW_USBIP" ] && awk -v a="$USBIP_MB" -v b="$RAW_USBIP" 'BEGIN { printf "usbip full frames / raw bulk: %.2f\n", a / b }'
  FULL=$(sed -n 's/^rate: full.* \([0-9.]*\) MB\/s$/\1/p' /out/ffs-host.txt)
  [ -n "$FULL" ] && [ -n "$RAW" ] && awk -v a="$FULL" -v b="$RAW" 'BEGIN { printf "ffs full frames / raw bulk: %.2f\n", a / b }'
} >> $R
say "FunctionFS part passed"
