#!/usr/bin/env python3
"""A slow GVCP command as the controller and another peer see it (issue 11):
take control, set TwinScenePath to PNG, write TwinScene = PngFile with an
ack required, and log every datagram until its final ack: the PENDING_ACKs
(when, and how long each promised), the final ack's status and time, then
whether the controller still holds control (READREG CCP right after).

Meanwhile a second peer (its own socket, as a monitor or another
application's discovery would be) sends DISCOVERY and READREG CCP, each
waiting for its answer, then ~10 ms apart, from the slow write's start to
its final ack; its worst and median answer times are printed. (The
controller itself cannot send while it waits for its ack.)

  --make-png FILE   write an 8192 x 8192 16-bit gray PNG (the largest scene
                    the core accepts: docs/sensor.md) to FILE and exit

Talks to a camera on 127.0.0.1:3956 only; run it with the camera inside a
loopback-only network namespace, e.g.
  unshare -rn sh -c 'ip link set lo up; build/twincam serve --no-state-dir & sleep 2;
                     python3 bench/slow_command_gvcp.py scene.png; kill $!'
"""
import socket
import statistics
import struct
import sys
import threading
import time
import zlib

CAMERA = ("127.0.0.1", 3956)
CCP, SCENE, SCENE_PATH = 0x0A00, 0x10C00, 0x10C40
req_id = 0


def make_png(path, side=8192):
    """A 16-bit gray PNG, side x side: a ramp across, a step down every 64 rows."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    z = zlib.compressobj(1)
    out = [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 16, 0, 0, 0, 0))]
    idat = []
    for band in range(side // 64):
        row = b"\0" + b"".join(struct.pack(">H", (x * 8 + band * 257) & 0xFFFF) for x in range(side))
        idat.append(z.compress(row * 64))
    idat.append(z.flush())
    out += [chunk(b"IDAT", b"".join(idat)), chunk(b"IEND", b"")]
    with open(path, "wb") as f:
        f.write(b"".join(out))


def cmd(command, payload, rid=None):
    global req_id
    if rid is None:
        req_id = req_id % 0xFFFF + 1
        rid = req_id
    return struct.pack(">BBHHH", 0x42, 0x01, command, len(payload), rid) + payload


def wait_ack(s, t0, quiet=False):
    """Datagrams until the ack of the current request; returns (status, payload)."""
    while True:
        data = s.recv(2048)
        status, answer, length, ack_id = struct.unpack(">HHHH", data[:8])
        if ack_id != req_id:
            continue
        if answer == 0x0089:  # PENDING_ACK
            ms = struct.unpack(">H", data[10:12])[0]
            if not quiet:
                print(f"  {time.monotonic() - t0:7.3f} s  PENDING_ACK (wait {ms} ms more)")
            continue
        return status, data[8:8 + length]


class SecondPeer(threading.Thread):
    """DISCOVERY and READREG CCP from another socket until stopped; answer times."""

    def __init__(self):
        super().__init__(daemon=True)
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.settimeout(30)
        self.s.bind(("127.0.0.1", 0))
        self.stop = threading.Event()
        self.times = {"DISCOVERY": [], "READREG CCP": []}
        self.rid = 0x8000

    def ask(self, name, command, payload, answer):
        self.rid = self.rid % 0xFFFF + 1
        t = time.monotonic()
        self.s.sendto(cmd(command, payload, self.rid), CAMERA)
        while True:
            data = self.s.recv(2048)
            if struct.unpack(">H", data[2:4])[0] == answer and struct.unpack(">H", data[6:8])[0] == self.rid:
                break
        self.times[name].append(time.monotonic() - t)

    def run(self):
        while not self.stop.is_set():
            self.ask("DISCOVERY", 0x0002, b"", 0x0003)
            self.ask("READREG CCP", 0x0080, struct.pack(">I", CCP), 0x0081)
            time.sleep(0.01)

    def report(self):
        for name, t in self.times.items():
            if t:
                print(f"  second peer {name:11s}: {len(t):4d} answered, median {statistics.median(t) * 1e3:8.3f} ms, "
                      f"worst {max(t) * 1e3:8.3f} ms")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--make-png":
        make_png(sys.argv[2])
        return
    path = sys.argv[1].encode()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(30)
    s.bind(("127.0.0.1", 0))
    t0 = time.monotonic()
    s.sendto(cmd(0x0082, struct.pack(">II", CCP, 2)), CAMERA)
    assert wait_ack(s, t0)[0] == 0, "control refused"
    s.sendto(cmd(0x0086, struct.pack(">I", SCENE_PATH) + path.ljust(64, b"\0")), CAMERA)
    assert wait_ack(s, t0)[0] == 0, "TwinScenePath refused"
    peer = SecondPeer()
    t0 = time.monotonic()
    print(f"TwinScene = PngFile ({sys.argv[1]}):")
    s.sendto(cmd(0x0082, struct.pack(">II", SCENE, 3)), CAMERA)
    peer.start()
    status, _ = wait_ack(s, t0)
    final = time.monotonic() - t0
    peer.stop.set()
    peer.join()
    print(f"  {final:7.3f} s  WRITEREG_ACK status 0x{status:04x}")
    s.sendto(cmd(0x0080, struct.pack(">I", CCP)), CAMERA)
    status, payload = wait_ack(s, t0, quiet=True)
    ccp = struct.unpack(">I", payload[:4])[0] if status == 0 else -1
    print(f"  {time.monotonic() - t0:7.3f} s  CCP = {ccp}: control {'kept' if ccp == 2 else 'LOST'}")
    peer.report()


main()
