#!/usr/bin/python3
"""SFNC file access over GigE Vision: Debian's Aravis 0.8 (GObject
introspection) against the camera, through the features only: FileSelector,
FileOperationSelector, FileOpenMode, FileAccessOffset, FileAccessLength,
the FileAccessBuffer Register node (Aravis's GenApi writes and reads it
whole, in 512-byte WRITEMEM/READMEMs), FileOperationExecute,
FileOperationStatus, FileOperationResult, FileSize.

- a user set reads as its state file, byte for byte;
- a user set written through file access is stored and UserSetLoad loads it;
- DeviceLog reads the camera's recent log lines;
- a 16 MiB DeviceFirmware upload reaches the firmware sink byte for byte
  (the test server's sink logs its SHA-256, read back from DeviceLog); its
  throughput is printed.

The camera is tests/gige/file_access_server.c: `twincam serve` with a test
firmware sink. Run only inside a private network namespace with nothing
but loopback (meson runs it under `unshare -rn`): Aravis discovery
broadcasts, and nothing here may reach a real network.

usage: test_file_access.py FILE_ACCESS_SERVER
"""
import ctypes
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

try:
    import gi
    gi.require_version("Aravis", "0.8")
    from gi.repository import Aravis, GLib  # noqa: E402
except (ImportError, ValueError):
    print("SKIP: needs gir1.2-aravis-0.8 and python3-gi")
    sys.exit(77)

SERVER = sys.argv[1] if len(sys.argv) > 1 else "build/tests/gige/file_access_server"
ADDR = "127.0.0.1"
SERIAL = "TC000001"
FIRMWARE_BYTES = 16 << 20


class Files:
    """GenApi's FileProtocolAdapter, in Python over Aravis's nodes."""

    def __init__(self, dev):
        self.dev = dev
        self.node = dev.get_genicam().get_node("FileAccessBuffer")
        self.buf_len = self.node.get_length()
        self.buf = ctypes.create_string_buffer(self.buf_len)

    def execute(self, name, op):
        self.dev.set_string_feature_value("FileSelector", name)
        self.dev.set_string_feature_value("FileOperationSelector", op)
        self.dev.execute_command("FileOperationExecute")
        return self.dev.get_string_feature_value("FileOperationStatus") == "Success"

    def reason(self):
        return self.dev.get_string_feature_value("TwinFileOperationReason")

    def open(self, name, mode):
        self.dev.set_string_feature_value("FileSelector", name)
        self.dev.set_string_feature_value("FileOpenMode", mode)
        return self.execute(name, "Open")

    def close(self, name):
        return self.execute(name, "Close")

    def write(self, name, data):
        """write(): buffer-sized pieces in offset order; bytes written."""
        self.dev.set_string_feature_value("FileSelector", name)
        self.dev.set_string_feature_value("FileOperationSelector", "Write")
        done = 0
        while done < len(data):
            n = min(self.buf_len, len(data) - done)
            ctypes.memmove(self.buf, data[done:done + n], n)
            self.dev.set_integer_feature_value("FileAccessOffset", done)
            self.dev.set_integer_feature_value("FileAccessLength", n)
            self.node.set(ctypes.addressof(self.buf), (n + 3) // 4 * 4)
            self.dev.execute_command("FileOperationExecute")
            done += self.dev.get_integer_feature_value("FileOperationResult")
            if self.dev.get_string_feature_value("FileOperationStatus") != "Success":
                break
        return done

    def read(self, name):
        """read() until the status is no longer Success (the end of the file)."""
        self.dev.set_string_feature_value("FileSelector", name)
        self.dev.set_string_feature_value("FileOperationSelector", "Read")
        out = bytearray()
        while True:
            self.dev.set_integer_feature_value("FileAccessOffset", len(out))
            self.dev.set_integer_feature_value("FileAccessLength", self.buf_len)
            self.dev.execute_command("FileOperationExecute")
            got = self.dev.get_integer_feature_value("FileOperationResult")
            if got:
                self.node.get(ctypes.addressof(self.buf), self.buf_len)
                out += self.buf.raw[:got]
            if self.dev.get_string_feature_value("FileOperationStatus") != "Success":
                return bytes(out)

    def read_file(self, name):
        if not self.open(name, "Read"):
            raise AssertionError("open %s: %s" % (name, self.reason()))
        data = self.read(name)
        if not self.close(name):
            raise AssertionError("close %s: %s" % (name, self.reason()))
        return data


class FileAccessGigE(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.state_dir = tempfile.mkdtemp(prefix="twincam-state-")
        cls.log = tempfile.NamedTemporaryFile(prefix="twincam-files-", suffix=".log", delete=False)
        cls.server = subprocess.Popen([SERVER, ADDR, cls.state_dir], stdout=cls.log, stderr=cls.log)
        deadline = time.monotonic() + 20
        while True:  # ready when a client can open it
            try:
                cls.cam = Aravis.Camera.new(ADDR)
                break
            except GLib.Error:
                if time.monotonic() > deadline or cls.server.poll() is not None:
                    raise
                time.sleep(0.05)
        cls.dev = cls.cam.get_device()
        cls.files = Files(cls.dev)

    @classmethod
    def tearDownClass(cls):
        del cls.files, cls.dev, cls.cam
        cls.server.send_signal(signal.SIGINT)
        cls.server.wait(timeout=20)
        cls.log.close()
        with open(cls.log.name) as f:
            sys.stderr.write("--- camera log (last lines)\n" + "".join(f.readlines()[-8:]))
        os.unlink(cls.log.name)
        shutil.rmtree(cls.state_dir)

    def test_1_user_set_reads_as_its_state_file(self):
        self.dev.set_integer_feature_value("Width", 1200)
        self.dev.set_string_feature_value("UserSetSelector", "UserSet1")
        self.dev.execute_command("UserSetSave")
        with open(os.path.join(self.state_dir, SERIAL + ".UserSet1"), "rb") as f:
            on_disk = f.read()
        self.dev.set_string_feature_value("FileSelector", "UserSet1")
        self.assertEqual(self.dev.get_integer_feature_value("FileSize"), len(on_disk))
        self.assertEqual(self.files.read_file("UserSet1"), on_disk)
        self.assertIn(b"Width[0]=1200\n", on_disk)

    def test_2_user_set_written_then_loaded(self):
        text = b"# from the GigE test\nWidth[0]=2412\nHeight[0]=1000\nReverseY[0]=1\n"
        self.assertTrue(self.files.open("UserSet2", "Write"), self.files.reason())
        self.assertEqual(self.files.write("UserSet2", text), len(text))
        self.assertTrue(self.files.close("UserSet2"), self.files.reason())
        self.dev.set_string_feature_value("UserSetSelector", "UserSet2")
        self.dev.execute_command("UserSetLoad")
        self.assertEqual(self.dev.get_integer_feature_value("Width"), 2412)
        self.assertEqual(self.dev.get_integer_feature_value("Height"), 1000)
        self.assertTrue(self.dev.get_boolean_feature_value("ReverseY"))
        with open(os.path.join(self.state_dir, SERIAL + ".UserSet2"), "rb") as f:
            self.assertIn(b"Width[0]=2412\n", f.read())
        # a malformed set is refused, and the stored one stays
        self.assertTrue(self.files.open("UserSet2", "Write"))
        self.files.write("UserSet2", b"Width[0]=13\n")
        self.assertFalse(self.files.close("UserSet2"))
        self.assertIn("outside", self.files.reason())
        self.assertIn(b"Width[0]=2412\n", self.files.read_file("UserSet2"))

    def test_3_device_log(self):
        log = self.files.read_file("DeviceLog").decode()
        self.assertTrue(log.endswith("\n"))
        self.assertIn("twincam 127.0.0.1: control granted to 127.0.0.1", log)
        self.assertIn("file access: UserSet2 written", log)
        # a file open for reading refuses writes, DeviceLog refuses Write mode
        self.assertFalse(self.files.open("DeviceLog", "Write"))
        self.assertIn("read-only", self.files.reason())

    def test_4_firmware_upload_throughput(self):
        data = random.Random(9).randbytes(FIRMWARE_BYTES)
        files = self.files
        self.assertTrue(files.open("DeviceFirmware", "Write"), files.reason())
        t0 = time.monotonic()
        written = files.write("DeviceFirmware", data)
        t1 = time.monotonic()
        self.assertEqual(written, len(data), files.reason())
        self.dev.set_string_feature_value("FileSelector", "DeviceFirmware")
        self.assertEqual(self.dev.get_integer_feature_value("FileSize"), len(data))
        self.assertTrue(files.close("DeviceFirmware"), files.reason())
        t2 = time.monotonic()
        mb_s = len(data) / (t1 - t0) / 1e6
        sys.stderr.write("DeviceFirmware upload over GigE (loopback): %d bytes in %.2f s = %.2f MB/s "
                         "(%d writes of %d bytes); Close (sink) %.3f s\n"
                         % (len(data), t1 - t0, mb_s, (len(data) + files.buf_len - 1) // files.buf_len,
                            files.buf_len, t2 - t1))
        want = "test firmware sink: %d bytes, sha256 %s" % (len(data), hashlib.sha256(data).hexdigest())
        self.assertIn(want, files.read_file("DeviceLog").decode())
        # a refused upload: Failure, with the sink's reason
        self.assertTrue(files.open("DeviceFirmware", "Write"))
        files.write("DeviceFirmware", b"REFUSE this package")
        self.assertFalse(files.close("DeviceFirmware"))
        self.assertIn("test sink refuses", files.reason())
        self.assertGreater(mb_s, 0.1)  # 16 MiB within 3 minutes even on a loaded host


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
