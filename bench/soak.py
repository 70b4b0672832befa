#!/usr/bin/env python3
"""Soak (issue 9): a camera serving for a long time while clients come and
die at random, its resident memory and open descriptors sampled every
minute.

The camera is `twincam serve --state-dir DIR` on 127.0.0.1, so it runs as a
camera in the field would: the boot loader (parent) with the firmware as its
child. Beside it, for SECONDS:
  - a streamer: arv-camera-test-0.8 grabbing full frames (at RATE_HZ),
    SIGKILLed after a random 5-90 s (a controller that dies without a
    word: the camera holds control until its heartbeat times out), or ended
    with SIGINT (a clean stop), then started again;
  - pokers: arv-tool-0.8 reading features or listing cameras, SIGKILLed at a
    random point of their run half the time, one every 0-3 s;
  - a watcher: twincam's I/O socket opened and dropped mid-command.
Every minute: the child's (and the loader's) VmRSS, open descriptors and
threads, and the frames the camera says it sent (its status line). At the
end a verdict: resident memory and descriptors flat (last sample against
the sample at minute 5, after warm-up: within 10 % and +-2 descriptors).

Runs only inside a private network namespace with loopback alone (it
refuses otherwise), addressing 127.0.0.1 only:
  unshare -rn sh -c 'ip link set lo up; python3 bench/soak.py build/twincam 3600'
usage: soak.py TWINCAM [SECONDS (3600)] [SEED (1)]
"""
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

ADDR = "127.0.0.1"
# Full frames, at a third of the camera's 18 fps: the soak is about what a
# long life leaves behind, and it shares a 2-core machine with other work.
RATE_HZ = 6


def only_loopback():
    # the namespace's own interfaces (sysfs would show the host's)
    return [name for _, name in socket.if_nameindex() if name != "lo"] == []


def proc_figures(pid):
    """(VmRSS kB, open descriptors, threads) of pid, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            st = f.read()
        fds = len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None
    rss = int(re.search(r"VmRSS:\s+(\d+)", st).group(1))
    threads = int(re.search(r"Threads:\s+(\d+)", st).group(1))
    return rss, fds, threads


def child_of(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            kids = f.read().split()
    except OSError:
        return None
    return int(kids[0]) if kids else None


class Actor:
    """One kind of client, restarted at random when its run ends."""

    def __init__(self, rng, argv_fn, life_fn, kill_fn):
        self.rng, self.argv_fn, self.life_fn, self.kill_fn = rng, argv_fn, life_fn, kill_fn
        self.proc, self.deadline, self.started, self.killed = None, 0.0, 0, 0

    def step(self, now):
        if self.proc and self.proc.poll() is None and now < self.deadline:
            return
        if self.proc and self.proc.poll() is None:
            sig = self.kill_fn(self.rng)
            self.proc.send_signal(sig)
            if sig == signal.SIGKILL:
                self.killed += 1
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = subprocess.Popen(self.argv_fn(self.rng), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.started += 1
        self.deadline = now + self.life_fn(self.rng)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def io_poke(path, rng):
    """Open the I/O socket, send half a command or a whole one, drop it."""
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(2)
        s.connect(path)
        s.sendall(rng.choice([b"status", b"watch\n", b"time\n", b"pulse Line0 10"]))
        if rng.random() < 0.5:
            s.recv(256)
        s.close()
    except OSError:
        pass


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    if not only_loopback():
        sys.exit("soak.py: run me in a loopback-only namespace (unshare -rn), see --help")
    twincam = os.path.abspath(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 3600
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    work = tempfile.mkdtemp(prefix="twincam-soak-")
    io_path = os.path.join(work, "io")
    log = open(os.path.join(work, "camera.log"), "w")
    cam = subprocess.Popen([twincam, "serve", "--interface", ADDR, "--io", io_path,
                            "--state-dir", os.path.join(work, "state"), "--status-interval", "60"],
                           stdout=log, stderr=subprocess.STDOUT)
    t0 = time.monotonic()
    while child_of(cam.pid) is None or not os.path.exists(io_path):
        if time.monotonic() - t0 > 30 or cam.poll() is not None:
            sys.exit(f"soak.py: the camera did not start; see {work}/camera.log")
        time.sleep(0.1)

    streamer = Actor(rng, lambda r: ["arv-camera-test-0.8", "-n", ADDR, "--no-packet-socket",
                                     "-f", str(RATE_HZ)],
                     lambda r: r.uniform(5, 90),
                     lambda r: signal.SIGKILL if r.random() < 0.6 else signal.SIGINT)
    poker = Actor(rng,
                  lambda r: r.choice([["arv-tool-0.8", "-a", ADDR, "control", "Width", "Height",
                                       "PixelFormat", "DeviceTemperature", "TwinOverruns"],
                                      ["arv-tool-0.8", "-a", ADDR, "features"],
                                      ["arv-tool-0.8"]]),
                  lambda r: r.uniform(0.05, 3), lambda r: signal.SIGKILL)

    print("min  loader_rss_kB child_rss_kB child_fds child_threads child_pid  status")
    samples, next_sample, child_restarts = [], t0, 0
    first_child = child_of(cam.pid)
    try:
        while True:
            now = time.monotonic()
            if cam.poll() is not None:
                sys.exit(f"soak.py: the camera exited ({cam.returncode}); see {work}/camera.log")
            if now >= next_sample:
                child = child_of(cam.pid)
                if child != first_child:
                    child_restarts += 1
                    first_child = child
                lf, cf = proc_figures(cam.pid), proc_figures(child) if child else None
                log.flush()
                with open(os.path.join(work, "camera.log")) as f:
                    status = [l.strip() for l in f if "fps" in l]
                minute = round((now - t0) / 60)
                if lf and cf:
                    samples.append((minute, lf[0], cf[0], cf[1], cf[2]))
                    print(f"{minute:3d}  {lf[0]:13d} {cf[0]:12d} {cf[1]:9d} {cf[2]:13d} {child:9d}  "
                          f"{status[-1] if status else ''}", flush=True)
                next_sample += 60
                if now - t0 >= seconds:
                    break
            streamer.step(now)
            poker.step(now)
            if rng.random() < 0.02:
                io_poke(io_path, rng)
            time.sleep(0.05)
    finally:
        streamer.stop()
        poker.stop()
        cam.send_signal(signal.SIGTERM)
        try:
            cam.wait(timeout=30)
        except subprocess.TimeoutExpired:
            cam.kill()
    print(f"streamers started {streamer.started} ({streamer.killed} SIGKILLed), "
          f"pokers started {poker.started} ({poker.killed} SIGKILLed), "
          f"firmware child restarts {child_restarts}, camera exit {cam.returncode}")
    base = next((s for s in samples if s[0] >= 5), samples[0] if samples else None)
    if not base or len(samples) < 2:
        sys.exit("soak.py: too few samples")
    last = samples[-1]
    peak = max(s[2] for s in samples if s[0] >= base[0])
    rss_ok = last[2] <= base[2] * 1.10 and peak <= base[2] * 1.15
    fds_ok = abs(last[3] - base[3]) <= 2
    print(f"child RSS {base[2]} kB at minute {base[0]}, {last[2]} kB at minute {last[0]} "
          f"(peak {peak}); descriptors {base[3]} -> {last[3]}; threads {base[4]} -> {last[4]}")
    print("flat" if rss_ok and fds_ok and child_restarts == 0 else "NOT FLAT")
    print(f"work dir (camera log): {work}")
    sys.exit(0 if rss_ok and fds_ok and child_restarts == 0 else 1)


if __name__ == "__main__":
    main()
