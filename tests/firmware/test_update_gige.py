#!/usr/bin/python3
"""A firmware update of a running camera over GigE Vision, end to end
(docs/firmware.md "Updating a running camera"):

- Debian's Aravis 0.8 (GObject introspection) uploads signed packages
  through the SFNC file-access features (tests/gige/test_file_access.py's
  Files, GenApi's file protocol adapter) to `twincam serve --state-dir`,
  the boot loader with the firmware as its child;
- refused packages (one flipped signature byte, truncated, a minimum version
  of 9.0.0, a downgrade to 3.19.0): Close fails with a reason naming the
  cause, and neither DeviceFirmwareVersion nor `twincam firmware status`
  change;
- a good package (3.21.0): Close succeeds, DeviceReset, the camera comes
  back running 3.21.0; the upload's throughput and time are printed;
- `twincam firmware flash --camera 127.0.0.1` with a 3.22.0 package: the
  verdict line, exit 0, the camera runs 3.22.0; with refused packages:
  exit 1 and the reason on stderr, the camera unchanged.

Runs only inside a private network namespace with nothing but loopback
(meson runs it under `unshare -rn`): Aravis discovery broadcasts.

usage: test_update_gige.py TWINCAM SOURCE_ROOT
"""
import gc
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

TWINCAM = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "build/twincam"
SOURCE_ROOT = sys.argv[2] if len(sys.argv) > 2 else "."
sys.path.insert(0, os.path.join(SOURCE_ROOT, "tests", "gige"))
import test_file_access  # noqa: E402  (exits 77 without Aravis's introspection data)
from gi.repository import Aravis, GLib  # noqa: E402

Files = test_file_access.Files
ADDR = "127.0.0.1"
BACK_S = 30  # the camera answers again within this after DeviceReset


def twincam(*args, check=True):
    r = subprocess.run([TWINCAM] + list(args), capture_output=True, text=True, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError("twincam %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr))
    return r


class UpdateOverGigE(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="twincam-update-")
        cls.state_dir = os.path.join(cls.dir, "state")
        os.mkdir(cls.state_dir)
        cls.pkg = {}
        for name, args in (("v321", ["--version", "3.21.0"]), ("v322", ["--version", "3.22.0"]),
                           ("min9", ["--version", "3.23.0", "--min-version", "9.0.0"]),
                           ("v319", ["--version", "3.19.0"])):
            cls.pkg[name] = os.path.join(cls.dir, name + ".tcfw")
            twincam("firmware", "pack", "-o", cls.pkg[name], *args)
        with open(cls.pkg["v321"], "rb") as f:
            good = f.read()
        cls.bytes = {"v321": good}
        sig = bytearray(good)
        sig[len(sig) - 17] ^= 0x01  # a byte inside the 64-byte signature
        cls.bytes["badsig"] = bytes(sig)
        cls.bytes["truncated"] = good[:len(good) // 2]
        for name in ("v322", "min9", "v319"):
            with open(cls.pkg[name], "rb") as f:
                cls.bytes[name] = f.read()
        cls.pkg["truncated"] = os.path.join(cls.dir, "truncated.tcfw")
        with open(cls.pkg["truncated"], "wb") as f:
            f.write(cls.bytes["truncated"])
        cls.log = open(os.path.join(cls.dir, "serve.log"), "w")
        cls.server = subprocess.Popen([TWINCAM, "serve", "--state-dir", cls.state_dir, "--quiet",
                                       "--interface", ADDR], stdout=cls.log, stderr=cls.log)
        cls.cam = cls.dev = cls.files = None

    @classmethod
    def tearDownClass(cls):
        cls.disconnect()
        cls.server.send_signal(signal.SIGTERM)
        cls.server.wait(timeout=30)
        cls.log.close()
        with open(os.path.join(cls.dir, "serve.log")) as f:
            sys.stderr.write("--- camera log (last lines)\n" + "".join(f.readlines()[-8:]))
        shutil.rmtree(cls.dir)

    @classmethod
    def disconnect(cls):
        """Drop the Aravis camera: it gives control back, so another client can take it."""
        cls.files = None  # holds a node of the device's GenICam: first
        gc.collect()
        cls.dev = cls.cam = None
        gc.collect()

    @classmethod
    def connect(cls, version=None, bound=BACK_S):
        """Open the camera (retrying until it answers, bounded); with `version`,
        until it runs that version (the program before a DeviceReset may answer
        for a moment). Returns the version it runs."""
        deadline = time.monotonic() + bound
        running = None
        while True:
            try:
                cam = Aravis.Camera.new(ADDR)
                running = cam.get_device().get_string_feature_value("DeviceFirmwareVersion")
                if version is None or running == version:
                    cls.cam, cls.dev = cam, cam.get_device()
                    cls.files = Files(cls.dev)
                    return running
                del cam
                gc.collect()
            except GLib.Error:
                pass
            if time.monotonic() > deadline or cls.server.poll() is not None:
                return running
            time.sleep(0.1)

    def status(self):
        return twincam("firmware", "status", "--state-dir", self.state_dir).stdout

    def upload(self, data):
        """Open, Write, Close DeviceFirmware: (Close succeeded, reason, seconds writing)."""
        f = self.files
        self.assertTrue(f.open("DeviceFirmware", "Write"), f.reason())
        t0 = time.monotonic()
        written = f.write("DeviceFirmware", data)
        t1 = time.monotonic()
        self.assertEqual(written, len(data), f.reason())
        ok = f.close("DeviceFirmware")
        self.dev.set_string_feature_value("FileSelector", "DeviceFirmware")
        self.dev.set_string_feature_value("FileOperationSelector", "Close")
        status = self.dev.get_string_feature_value("FileOperationStatus")
        self.assertEqual(status, "Success" if ok else "Failure")
        return ok, f.reason(), t1 - t0

    def test_1_refused_packages_change_nothing(self):
        self.assertEqual(self.connect(bound=20), "3.20.0")
        before = self.status()
        for name, cause in (("badsig", "signature"), ("truncated", "truncated"),
                            ("min9", "9.0.0"), ("v319", "below 3.20")):
            ok, reason, _ = self.upload(self.bytes[name])
            self.assertFalse(ok, "%s installed" % name)
            self.assertIn(cause, reason, name)
            sys.stderr.write("refused %s: %s\n" % (name, reason))
            self.assertEqual(self.dev.get_string_feature_value("DeviceFirmwareVersion"), "3.20.0")
            self.assertEqual(self.status(), before, name)

    def test_2_upload_reset_runs_the_new_version(self):
        if self.dev is None:
            self.connect(bound=20)
        data = self.bytes["v321"]
        t0 = time.monotonic()
        ok, reason, writing = self.upload(data)
        t1 = time.monotonic()
        self.assertTrue(ok, reason)
        sys.stderr.write("full package (%d bytes) over GigE with Aravis: written in %.2f s = %.2f MB/s; "
                         "Open to installed %.2f s\n" % (len(data), writing, len(data) / writing / 1e6, t1 - t0))
        self.assertIn("active:   a\n", self.status())
        t2 = time.monotonic()
        try:
            self.dev.execute_command("DeviceReset")
        except GLib.Error:
            pass  # the camera may go before its ack does
        self.disconnect()
        self.assertEqual(self.connect("3.21.0"), "3.21.0")
        sys.stderr.write("back with 3.21.0 %.1f s after DeviceReset\n" % (time.monotonic() - t2))

    def test_3_flash_cli(self):
        self.disconnect()  # flash takes control of the camera itself
        r = twincam("firmware", "flash", "--camera", ADDR, self.pkg["v322"], check=False)
        sys.stderr.write(r.stderr[-400:])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("flashed: camera 127.0.0.1 now runs firmware 3.22.0", r.stdout)
        self.assertEqual(self.connect(), "3.22.0")
        self.disconnect()
        before = self.status()
        # refused by the camera (it runs 3.22.0; this one wants 9.0.0 or later)
        r = twincam("firmware", "flash", "--camera", ADDR, self.pkg["min9"], check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("refused by camera 127.0.0.1", r.stderr)
        self.assertIn("9.0.0", r.stderr)
        self.assertNotIn("flashed", r.stdout)
        # refused before sending (flash checks the package first)
        r = twincam("firmware", "flash", "--camera", ADDR, self.pkg["truncated"], check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("refused (truncated)", r.stderr)
        self.assertEqual(self.connect(), "3.22.0")
        self.assertEqual(self.status(), before)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
