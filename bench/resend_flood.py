#!/usr/bin/env python3
"""A PACKETRESEND flood beside a good controller (issues 11 and 13).

The controller takes control, opens the stream channel to a socket of its
own and streams full frames; a second peer, which holds no privilege, asks
for every packet of the newest frames as fast as it can for SECONDS. Printed:
the requests the flood sent (bytes), what the camera sent in the same time
(stream and resends, bytes received by both sockets), the amplification
(bytes the camera sent beyond the stream per byte of request), and the
controller's READREG round trips every 10 ms during the flood (worst and
median): its heartbeat must always be answered in time.

Talks to a camera on 127.0.0.1:3956 only; run it with the camera inside a
loopback-only network namespace, e.g.
  unshare -rn sh -c 'ip link set lo up; build-release/twincam serve --no-state-dir & sleep 1;
                     python3 bench/resend_flood.py 5; kill -INT $!'
"""
import socket
import struct
import sys
import threading
import time

CAMERA = ("127.0.0.1", 3956)
CCP, SCP, SCDA = 0x0A00, 0x0D00, 0x0D18
ACQ_START, ACQ_STOP = 0x10604, 0x10608
req_id = 0


def cmd(command, payload, ack=True):
    global req_id
    req_id = req_id % 0xFFFF + 1
    return struct.pack(">BBHHH", 0x42, 0x01 if ack else 0x00, command, len(payload), req_id) + payload


retries = 0


def transact(s, command, payload):
    """One request, sent again after 500 ms up to 5 times as Aravis does;
    returns (status, time to its ack in s). PENDING_ACKs are waited through."""
    global retries
    t0 = time.monotonic()
    packet = cmd(command, payload)
    for attempt in range(5):
        s.sendto(packet, CAMERA)
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            s.settimeout(max(0.001, deadline - time.monotonic()))
            try:
                data = s.recv(2048)
            except socket.timeout:
                break
            status, answer, _, ack_id = struct.unpack(">HHHH", data[:8])
            if ack_id == req_id and answer != 0x0089:
                return status, time.monotonic() - t0
        retries += 1
    raise TimeoutError("no answer after 5 attempts")


def writereg(s, addr, value):
    status, _ = transact(s, 0x0082, struct.pack(">II", addr, value))
    assert status == 0, f"write 0x{addr:x} refused: 0x{status:04x}"


class Counter(threading.Thread):
    """Bytes and GVSP blocks a socket receives."""

    def __init__(self, sock):
        super().__init__(daemon=True)
        self.sock, self.bytes, self.last_block, self.stop = sock, 0, 0, False

    def run(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                data = self.sock.recv(70000)
            except socket.timeout:
                continue
            self.bytes += len(data)
            if len(data) >= 8 and data[4] & 0x0F == 1:  # leader: a new block
                self.last_block = struct.unpack(">H", data[2:4])[0]


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
    ctl = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ctl.settimeout(5)
    ctl.bind(("127.0.0.1", 0))
    stream = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:  # (in its own network namespace the bench may raise the limit)
        stream.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
    except OSError:
        stream.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    stream.bind(("127.0.0.1", 0))
    counter = Counter(stream)
    counter.start()
    writereg(ctl, CCP, 2)
    writereg(ctl, SCDA, 0x7F000001)
    writereg(ctl, SCP, stream.getsockname()[1])
    writereg(ctl, ACQ_START, 1)
    while counter.last_block < 3:
        time.sleep(0.05)

    # Quiet baseline: what the stream alone brings in the same time, and the
    # controller's round trips without a flood (its polls are its heartbeat).
    b0 = counter.bytes
    quiet = []
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        quiet.append(transact(ctl, 0x0080, struct.pack(">I", CCP))[1])
        time.sleep(0.01)
    stream_rate = (counter.bytes - b0) / (time.monotonic() - t0)
    quiet.sort()

    flood = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    flood.bind(("127.0.0.1", 0))
    requests = sent = 0
    rtts = []
    stop = time.monotonic() + seconds
    b0 = counter.bytes
    t0 = time.monotonic()
    next_poll = t0
    while time.monotonic() < stop:
        block = counter.last_block
        for back in range(4):  # the newest frames, every packet of each
            b = (block - back - 1) % 0xFFFF + 1
            flood.sendto(struct.pack(">BBHHHHHII", 0x42, 0x00, 0x0040, 12, 1, 0, b, 1, 0xFFFFFF), CAMERA)
            requests += 1
            sent += 20 + 28
        if time.monotonic() >= next_poll:
            _, rtt = transact(ctl, 0x0080, struct.pack(">I", CCP))
            rtts.append(rtt)
            next_poll += 0.01
    elapsed = time.monotonic() - t0
    received = counter.bytes - b0
    extra = max(0.0, received - stream_rate * elapsed)
    writereg(ctl, ACQ_STOP, 1)
    writereg(ctl, CCP, 0)
    counter.stop = True
    rtts.sort()
    print(f"stream alone: {stream_rate / 1e6:.1f} MB/s")
    print(f"flood: {requests} PACKETRESEND requests for whole frames in {elapsed:.1f} s "
          f"({sent / 1e6:.2f} MB on the wire)")
    print(f"camera sent meanwhile: {received / 1e6:.1f} MB, {extra / 1e6:.1f} MB beyond the stream: "
          f"amplification {extra / sent:.1f} bytes per request byte")
    print(f"controller READREG round trips without a flood: median {quiet[len(quiet) // 2] * 1e3:.2f} ms, "
          f"worst {quiet[-1] * 1e3:.2f} ms")
    print(f"controller READREG round trips during the flood: {len(rtts)}, median "
          f"{rtts[len(rtts) // 2] * 1e3:.2f} ms, worst {rtts[-1] * 1e3:.2f} ms "
          f"(requests sent again after 500 ms without an answer: {retries})")


if __name__ == "__main__":
    main()
