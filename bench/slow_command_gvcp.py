#!/usr/bin/env python3
"""A slow GVCP command as the controller sees it (issue 11): take control,
set TwinScenePath to PNG, write TwinScene = PngFile with an ack required,
and log every datagram until its final ack: the PENDING_ACKs (when, and how
long each promised), the final ack's status and time, then whether the
controller still holds control (READREG CCP right after).

Talks to a camera on 127.0.0.1:3956 only; run it with the camera inside a
loopback-only network namespace, e.g.
  unshare -rn sh -c 'ip link set lo up; build/twincam serve --no-state-dir & sleep 2;
                     python3 bench/slow_command_gvcp.py scene.png; kill $!'
"""
import socket
import struct
import sys
import time

CAMERA = ("127.0.0.1", 3956)
CCP, SCENE, SCENE_PATH = 0x0A00, 0x10C00, 0x10C40
req_id = 0


def cmd(command, payload):
    global req_id
    req_id = req_id % 0xFFFF + 1
    return struct.pack(">BBHHH", 0x42, 0x01, command, len(payload), req_id) + payload


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


def main():
    path = sys.argv[1].encode()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(30)
    s.bind(("127.0.0.1", 0))
    t0 = time.monotonic()
    s.sendto(cmd(0x0082, struct.pack(">II", CCP, 2)), CAMERA)
    assert wait_ack(s, t0)[0] == 0, "control refused"
    s.sendto(cmd(0x0086, struct.pack(">I", SCENE_PATH) + path.ljust(64, b"\0")), CAMERA)
    assert wait_ack(s, t0)[0] == 0, "TwinScenePath refused"
    t0 = time.monotonic()
    print(f"TwinScene = PngFile ({sys.argv[1]}):")
    s.sendto(cmd(0x0082, struct.pack(">II", SCENE, 3)), CAMERA)
    status, _ = wait_ack(s, t0)
    print(f"  {time.monotonic() - t0:7.3f} s  WRITEREG_ACK status 0x{status:04x}")
    s.sendto(cmd(0x0080, struct.pack(">I", CCP)), CAMERA)
    status, payload = wait_ack(s, t0, quiet=True)
    ccp = struct.unpack(">I", payload[:4])[0] if status == 0 else -1
    print(f"  {time.monotonic() - t0:7.3f} s  CCP = {ccp}: control {'kept' if ccp == 2 else 'LOST'}")


main()
