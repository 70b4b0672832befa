#!/usr/bin/python3
"""A firmware update of a running camera through USB/IP, the Aravis side
(docs/firmware.md "Updating a running camera"). Runs inside the QEMU guest
of the USB/IP VM test (guest-usbip.sh), which has no network device: Aravis
reaches the camera over USB3 Vision only (vhci, `usbip attach` of
`twincam serve --usbip --state-dir DIR` on the guest's loopback).

Through the SFNC file-access features (tests/gige/test_file_access.py's
Files, GenApi's file protocol adapter, with a leaner write: Uploader), with
Debian's Aravis 0.8 (GObject introspection):

- refused packages (truncated; a small package with one program byte
  flipped): Open and Write succeed, Close fails with FileOperationStatus
  Failure and a reason naming the cause; DeviceFirmwareVersion and the
  state directory (every file, byte for byte) unchanged;
- the good package (3.21.0): Close succeeds, slot a holds it byte for byte;
  the upload's bytes, seconds and MB/s are printed (a `figure:` line);
- DeviceReset is executed; the camera goes (its USB/IP connection drops).

What follows the reset (re-attach, the version read, `twincam firmware
status`: slot a, confirmed) is guest-fwupdate.sh's.
Prints `ok: ...` per check and `FAIL: ...` per failure; exit 0 only if
every check held.

usage: guest-fwupdate.py DEVICE_ID SOURCE_ROOT STATE_DIR GOOD TRUNCATED BAD_HASH
"""
import ctypes
import gc
import os
import sys
import time

# Network safety: opening a camera by id makes Aravis enumerate every
# interface kind, GigE discovery included, which broadcasts on every network
# interface. This script runs only where loopback is the sole interface (the
# QEMU guest has no network device; a loopback-only namespace would do) and
# refuses to start anywhere else.
import socket  # noqa: E402

if [name for _, name in socket.if_nameindex() if name != "lo"]:
    sys.exit("guest-fwupdate.py: an interface other than loopback is up; run me only in the "
             "QEMU guest or a loopback-only namespace (unshare -rn)")

T0 = time.monotonic()
ID, SOURCE_ROOT, STATE_DIR, GOOD, TRUNCATED, BAD_HASH = sys.argv[1:7]
sys.path.insert(0, os.path.join(SOURCE_ROOT, "tests", "gige"))
import test_file_access  # noqa: E402  (exits 77 without Aravis's introspection data)
from gi.repository import Aravis, GLib  # noqa: E402

failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def read(path):
    with open(path, "rb") as f:
        return f.read()


def elapsed():
    return "%.1f s" % (time.monotonic() - T0)


def state_files():
    """The state directory, every file byte for byte."""
    files = {}
    for name in sorted(os.listdir(STATE_DIR)):
        with open(os.path.join(STATE_DIR, name), "rb") as f:
            files[name] = f.read()
    return files


class Uploader(test_file_access.Files):
    """Files with a leaner write: per 4096-byte piece FileAccessOffset,
    FileAccessBuffer and FileOperationExecute (FileAccessLength only when it
    changes), 3 UVCP commands where GenApi's adapter also reads status and
    result (6): each is a USB/IP round trip through vhci, about 10-20 ms
    under TCG. FileOperationStatus and FileOperationResult are read once at
    the end: a refused piece leaves a gap that every later piece is refused
    for (pieces go in offset order), so the last piece's Success means every
    piece was taken; and Close installs only a package whose SHA-256 and
    signature hold over every byte."""

    def write(self, name, data):
        self.dev.set_string_feature_value("FileSelector", name)
        self.dev.set_string_feature_value("FileOperationSelector", "Write")
        length = None
        done = n = 0
        while done < len(data):
            n = min(self.buf_len, len(data) - done)
            ctypes.memmove(self.buf, data[done:done + n], n)
            self.dev.set_integer_feature_value("FileAccessOffset", done)
            if n != length:
                self.dev.set_integer_feature_value("FileAccessLength", n)
                length = n
            self.node.set(ctypes.addressof(self.buf), (n + 3) // 4 * 4)
            self.dev.execute_command("FileOperationExecute")
            done += n
        ok = self.dev.get_string_feature_value("FileOperationStatus") == "Success"
        return done if ok and self.dev.get_integer_feature_value("FileOperationResult") == n else 0


print("timing: Aravis imported at %s" % elapsed(), flush=True)
cam = Aravis.Camera.new(ID)
dev = cam.get_device()
files = Uploader(dev)
print("timing: camera opened at %s" % elapsed(), flush=True)


def version():
    return dev.get_string_feature_value("DeviceFirmwareVersion")


def upload(data):
    """Open, Write, Close DeviceFirmware: (Close succeeded, FileOperationStatus
    of the Close, reason, bytes written, seconds writing, seconds Open to Close done)."""
    t0 = time.monotonic()
    if not files.open("DeviceFirmware", "Write"):
        return False, "Open failed", files.reason(), 0, 0.0, 0.0
    t1 = time.monotonic()
    written = files.write("DeviceFirmware", data)
    t2 = time.monotonic()
    ok = files.close("DeviceFirmware")
    t3 = time.monotonic()
    dev.set_string_feature_value("FileSelector", "DeviceFirmware")
    dev.set_string_feature_value("FileOperationSelector", "Close")
    status = dev.get_string_feature_value("FileOperationStatus")
    return ok, status, files.reason(), written, t2 - t1, t3 - t0


check(version() == "3.20.0", "the factory program runs 3.20.0 (read %s)" % version())
before = state_files()
for path, cause in ((TRUNCATED, "truncated"), (BAD_HASH, "hash")):
    data = read(path)
    ok, status, reason, written, _, took = upload(data)
    name = os.path.basename(path)
    check(written == len(data), "%s: all %d bytes written (%d)" % (name, len(data), written))
    check(not ok and status == "Failure", "%s refused: Close's FileOperationStatus %s" % (name, status))
    check("not installed: %s: " % cause in reason, "%s: the reason names '%s': %s (%.2f s)" % (name, cause, reason, took))
    check(version() == "3.20.0", "%s: DeviceFirmwareVersion still 3.20.0 (read %s)" % (name, version()))
    check(state_files() == before, "%s: the state directory unchanged (%s)" % (name, ", ".join(before) or "empty"))
print("timing: refused packages done at %s" % elapsed(), flush=True)

data = read(GOOD)
ok, status, reason, written, writing, took = upload(data)
check(written == len(data), "good package: all %d bytes written (%d)" % (len(data), written))
check(ok and status == "Success", "good package installed: Close's FileOperationStatus %s %s" % (status, reason))
after = state_files()
check(after.get("firmware.slot-a") == data and "firmware.boot" in after,
      "slot a holds the package byte for byte, a boot state is written (%s)" % ", ".join(after))
print("timing: installed at %s" % elapsed(), flush=True)
if writing > 0:
    print("figure: firmware upload through USB/IP (Aravis, file access): %d bytes written in %.2f s = %.3f MB/s; "
          "Open to installed %.2f s" % (len(data), writing, len(data) / writing / 1e6, took), flush=True)

# DeviceReset: the program exits and the boot loader starts slot a; the
# connection may drop before the acknowledgement arrives.
try:
    dev.execute_command("DeviceReset")
    print("ok: DeviceReset acknowledged", flush=True)
except GLib.Error as e:
    print("ok: DeviceReset sent (no acknowledgement: %s)" % e.message, flush=True)
files = dev = cam = None
gc.collect()
sys.exit(1 if failures else 0)
