#!/usr/bin/python3
"""Power loss (issue 9, docs/firmware.md "Tests"): `twincam serve --state-dir`
(the boot loader and its firmware child) SIGKILLed at seeded random times
while a client works on it over GigE Vision, then brought back and checked.

Each trial is one of three kinds, in a seeded order:
  save      a client sets Width and ExposureTime (values unique per save)
            and UserSetSave's UserSet1 or UserSet2, over and over;
  upload    a client uploads a signed firmware package through the SFNC
            file-access features (DeviceFirmware: Open, Write..., Close);
  activate  an upload (not interrupted), then DeviceReset: the loader boots
            the new slot;
and the kill falls at a seeded random time within the operation (its window
measured once, before the trials), on the child, the parent (the boot
loader: the child follows by PR_SET_PDEATHSIG) or both at once. Then the
camera comes back (the loader restarts a killed child by itself; a killed
loader is started again) and must:
  - serve: a client reads DeviceSerialNumber within a bound;
  - run the old or the new firmware, never neither; the new one whenever its
    upload was acknowledged (Close succeeded) before the kill;
  - hold every user set as last acknowledged, or as the one save in flight
    at the kill (it may have reached the disk before its acknowledgement):
    UserSetLoad, then Width and ExposureTime read back, and its state file
    reads as a whole file of the camera's format holding those values;
  - have a boot state `twincam firmware status` reads, and log no damaged
    state file.
"The old firmware" is the one that last came back after a kill: the loader
logs a slot healthy only once it recorded it confirmed, and a trial starts
after that line. After the trials the camera boots once more and no
temporary file of a killed writer may be left (the loader removes them).
The state directory lives across all trials, as a camera's flash does.

Packages are mostly a two-line script that execs this build's twincam (so
an upload is one file-access write); every FULL_EVERY-th upload carries the
whole twincam executable (about 1.5 MB over GigE).

Run only inside a private network namespace with nothing but loopback
(meson runs it under `unshare -rn`): nothing here may reach a real network.

usage: power_loss.py TWINCAM   (env TC_POWER_TRIALS, default 210; TC_POWER_SEED)
"""
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

try:
    import gi
    gi.require_version("Aravis", "0.8")
    from gi.repository import Aravis, GLib  # noqa: E402
except (ImportError, ValueError):
    print("SKIP: needs gir1.2-aravis-0.8 and python3-gi")
    sys.exit(77)

TC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/twincam")
ADDR = "127.0.0.1"
SERIAL = "TC000001"
TRIALS = int(os.environ.get("TC_POWER_TRIALS", "210"))
SEED = int(os.environ.get("TC_POWER_SEED", "20261202"))
FULL_EVERY = 8          # every 8th upload carries the whole twincam executable
SERVE_BOUND_S = 25      # a camera must serve again within this (health bound 10 s + a restart)
KINDS = ("save", "upload", "activate")
VICTIMS = ("child", "parent", "both")
SETS = ("UserSet1", "UserSet2")


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gige"))
import test_file_access  # noqa: E402  (GenApi's file protocol adapter over Aravis)


class Files(test_file_access.Files):
    """The file-access adapter of tests/gige/test_file_access.py, plus a
    whole upload that raises on any refusal."""

    def upload(self, name, data):
        """Open for Write, every piece, Close: True when Close succeeded."""
        if not self.open(name, "Write"):
            raise AssertionError("open %s: %s" % (name, self.reason()))
        done = self.write(name, data)
        if done != len(data):
            raise AssertionError("write at %d: %s" % (done, self.reason()))
        if not self.close(name):
            raise AssertionError("close %s: %s" % (name, self.reason()))
        return True


def pids_of_camera(state_dir):
    """Every live process running `twincam serve ... --state-dir state_dir`
    (the loader and its child share their arguments)."""
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                args = f.read().split(b"\0")
            with open("/proc/%s/stat" % p) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and b"serve" in args and state_dir.encode() in args:
            out.append(int(p))
    return out


def gvcp_port_free():
    """Whether ADDR's GVCP port can be bound (no camera holds it)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind((ADDR, 3956))
        return True
    except OSError:
        return False
    finally:
        s.close()


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


class Trials:
    def __init__(self, work):
        self.work = work
        self.sd = os.path.join(work, "state")
        self.rng = random.Random(SEED)
        self.server = None
        self.log = None
        self.logs = 0
        self.healthy_seen = 0
        self.failures = []
        self.running = None          # DeviceFirmwareVersion now running
        self.sets = {}               # set -> (Width, ExposureTime) it holds; absent: never saved
        self.save_counter = 0
        self.windows = {}
        self.stats = {k: 0 for k in KINDS}
        self.kills = {v: 0 for v in VICTIMS}
        self.survived = 0
        self.outcomes = {"new": 0, "old": 0}
        self.acked = {"save": 0, "upload": 0}
        self.script = os.path.join(work, "program.sh")
        with open(self.script, "w") as f:
            f.write("#!/bin/sh\n# firmware under test: this build's twincam\nexec %s \"$@\"\n" % TC)
        self.uploads = 0
        self.history = []

    # ---- the camera ----
    def start(self):
        self.logs += 1
        path = os.path.join(self.work, "serve-%d.log" % self.logs)
        self.log = path
        self.healthy_seen = 0
        with open(path, "wb") as f:
            self.server = subprocess.Popen([TC, "serve", "--quiet", "--interface", ADDR,
                                            "--state-dir", self.sd], stdout=f, stderr=f)

    def log_text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def healthy_count(self):
        return self.log_text().count(" reports healthy")

    def wait_healthy(self, seen):
        """Until the log has more than `seen` "reports healthy" lines (the
        loader writes one per program that passed its self-test)."""
        deadline = time.monotonic() + SERVE_BOUND_S
        while self.healthy_count() <= seen:
            if time.monotonic() > deadline or self.server.poll() is not None:
                return False
            time.sleep(0.02)
        return True

    def connect(self):
        deadline = time.monotonic() + 5
        while True:
            try:
                return Aravis.Camera.new(ADDR)
            except GLib.Error:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def wait_gone(self, pids, bound=10):
        """Until the killed camera's processes are gone and its GVCP port is
        free. The port too: a firmware child the loader forked just before
        the kill dies of PR_SET_PDEATHSIG, and while it is in the middle of
        exec its /proc cmdline may read empty (so the process scan misses
        it) although it holds the port for a moment more; on a loaded
        machine the next loader's child then found the address in use and
        was rolled back as if the firmware had failed."""
        deadline = time.monotonic() + bound
        while any(os.path.exists("/proc/%d" % p) and p in pids_of_camera(self.sd) for p in pids) \
                or not gvcp_port_free():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    # ---- packages ----
    def package(self, version, full):
        path = os.path.join(self.work, "fw-%s.tcfw" % version)
        prog = TC if full else self.script
        subprocess.run([TC, "firmware", "pack", "-o", path, "--version", version, "--program", prog],
                       check=True, stdout=subprocess.DEVNULL)
        with open(path, "rb") as f:
            data = f.read()
        os.unlink(path)
        return data

    def next_package(self):
        self.uploads += 1
        full = self.uploads % FULL_EVERY == 0
        version = "3.21.%d" % self.uploads
        return version, full, self.package(version, full)

    # ---- the client's operations (run on a thread of their own: a killed
    # camera leaves the call in flight to Aravis's timeouts) ----
    def op_save(self, dev, ctl):
        while True:
            with ctl["lock"]:
                if ctl["killed"]:
                    return
            self.save_counter += 1
            n = self.save_counter
            dev.set_integer_feature_value("Width", 24 + 12 * (n % 336))
            dev.set_float_feature_value("ExposureTime", 100.0 + n)
            value = (dev.get_integer_feature_value("Width"), dev.get_float_feature_value("ExposureTime"))
            which = SETS[self.rng_op.randrange(2)]
            dev.set_string_feature_value("UserSetSelector", which)
            with ctl["lock"]:
                if ctl["killed"]:
                    return
                ctl["inflight"] = (which, value)
            ctl["started"].set()
            dev.execute_command("UserSetSave")
            with ctl["lock"]:
                ctl["acked"].append((which, value))
                ctl["inflight"] = None

    def op_upload(self, dev, ctl):
        with ctl["lock"]:
            ctl["inflight"] = ctl["version"]
        ctl["started"].set()
        Files(dev).upload("DeviceFirmware", ctl["data"])
        with ctl["lock"]:
            ctl["acked"].append(ctl["version"])
            ctl["inflight"] = None

    def op_activate(self, dev, ctl):
        Files(dev).upload("DeviceFirmware", ctl["data"])
        with ctl["lock"]:
            ctl["acked"].append(ctl["version"])
        ctl["started"].set()
        dev.execute_command("DeviceReset")

    def run_op(self, kind, cam, ctl):
        try:
            getattr(self, "op_" + kind)(cam.get_device(), ctl)
        except (GLib.Error, AssertionError) as e:
            ctl["error"] = str(e)
        finally:
            ctl["started"].set()
            ctl["done"].set()

    # ---- checks after a restart ----
    def fail(self, trial, what):
        self.failures.append("trial %d: %s" % (trial, what))
        print("FAIL: trial %d: %s" % (trial, what), flush=True)
        for h in self.history[-3:]:
            print("  before: %s" % h, flush=True)
        for n in range(max(1, self.logs - 1), self.logs + 1):
            with open(os.path.join(self.work, "serve-%d.log" % n), errors="replace") as f:
                print("  serve-%d.log:\n    " % n + "    ".join(f.readlines()[-14:]), flush=True)

    def state_file_values(self, which):
        """The set's state file, read as the camera's format: the first line,
        then Feature[index]=value lines only, ending in a newline."""
        with open(os.path.join(self.sd, "%s.%s" % (SERIAL, which)), "rb") as f:
            text = f.read().decode()
        lines = text.split("\n")
        if lines[0] != "# twincam user set" or lines[-1] != "":
            raise AssertionError("%s state file is not whole: %r" % (which, text[-60:]))
        values = {}
        for line in lines[1:-1]:
            m = re.fullmatch(r"(\w+)\[(\d+)\]=(.*)", line)
            if not m:
                raise AssertionError("%s state file has line %r" % (which, line))
            values[m.group(1)] = m.group(3)
        return int(values["Width"]), float(values["ExposureTime"])

    def verify(self, trial, allowed_versions, must_version, set_candidates, kind, victim, delay_ms):
        """The camera after its restart; returns the connected camera."""
        tag = "%s, kill %s at %.0f ms" % (kind, victim, delay_ms)
        try:
            cam = self.connect()
            dev = cam.get_device()
            serial = dev.get_string_feature_value("DeviceSerialNumber")
            version = dev.get_string_feature_value("DeviceFirmwareVersion")
        except GLib.Error as e:
            self.fail(trial, "%s: no camera serves after the restart: %s" % (tag, e))
            return None
        ok = serial == SERIAL
        if not ok:
            self.fail(trial, "%s: DeviceSerialNumber %r" % (tag, serial))
        if version not in allowed_versions:
            ok = False
            self.fail(trial, "%s: running firmware %s, want one of %s" % (tag, version, sorted(allowed_versions)))
        elif must_version and version != must_version:
            ok = False
            self.fail(trial, "%s: upload of %s was acknowledged, running %s" % (tag, must_version, version))
        else:
            self.outcomes["old" if version == self.running else "new"] += 1
        self.running = version
        for which, cands in set_candidates.items():
            try:
                dev.set_string_feature_value("UserSetSelector", which)
                dev.execute_command("UserSetLoad")
                got = (dev.get_integer_feature_value("Width"), dev.get_float_feature_value("ExposureTime"))
                on_disk = self.state_file_values(which)
            except (GLib.Error, AssertionError, OSError, KeyError, ValueError) as e:
                ok = False
                self.fail(trial, "%s: %s does not load: %s" % (tag, which, e))
                continue
            if got not in cands or on_disk != got:
                ok = False
                self.fail(trial, "%s: %s holds %s (file %s), want one of %s" % (tag, which, got, on_disk, cands))
            self.sets[which] = got
        st = subprocess.run([TC, "firmware", "status", "--state-dir", self.sd],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if st.returncode != 0:
            ok = False
            self.fail(trial, "%s: firmware status exit %d: %s" % (tag, st.returncode, st.stdout))
        bad = [l for l in self.log_text().splitlines()
               if "not read:" in l or "holds no values" in l or "booting the factory program" in l]
        if bad:
            ok = False
            self.fail(trial, "%s: damaged state reported: %s" % (tag, bad[0]))
        if ok:
            self.survived += 1
        return cam

    # ---- one trial ----
    def trial(self, trial, kind, victim, cam, delay_ms):
        ctl = {"lock": threading.Lock(), "killed": False, "inflight": None, "acked": [],
               "started": threading.Event(), "done": threading.Event(), "error": None}
        if kind != "save":
            ctl["version"], full, ctl["data"] = self.next_package()
        self.rng_op = random.Random(self.rng.random())
        t = threading.Thread(target=self.run_op, args=(kind, cam, ctl), daemon=True)
        del cam
        t.start()
        ctl["started"].wait(30)
        time.sleep(delay_ms / 1000.0)   # the kill's random moment, not a wait for anything
        parent = self.server.pid
        kids = children(parent)
        with ctl["lock"]:
            if victim in ("child", "both"):
                for k in kids:
                    try:
                        os.kill(k, signal.SIGKILL)
                    except ProcessLookupError:
                        pass  # it ended between the listing and the kill (a reset's old child)
            if victim in ("parent", "both"):
                self.server.kill()
            ctl["killed"] = True
            acked = list(ctl["acked"])
            inflight = ctl["inflight"]
        seen = self.healthy_count()
        self.stats[kind] += 1
        self.kills[victim] += 1
        if ctl["done"].is_set() and ctl["error"]:
            print("trial %d: the client's %s ended: %s" % (trial, kind, ctl["error"]), flush=True)
        # What may and must hold now.
        allowed = {self.running}
        must = None
        set_cands = {}
        if kind == "save":
            self.acked["save"] += len(acked)
            for which in SETS:
                last = [v for w, v in acked if w == which]
                cands = set()
                if last:
                    cands.add(last[-1])
                elif which in self.sets:
                    cands.add(self.sets[which])
                if inflight and inflight[0] == which:
                    cands.add(inflight[1])
                if cands:
                    set_cands[which] = cands
        else:
            allowed.add(ctl["version"])
            if acked:
                self.acked["upload"] += 1
                if kind == "upload":
                    must = ctl["version"]
            set_cands = {w: {v} for w, v in self.sets.items()}
        st = subprocess.run([TC, "firmware", "status", "--state-dir", self.sd],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.history.append("trial %d %s, kill %s at %.0f ms, acked %s, in flight %s; boot state at the kill: %s"
                            % (trial, kind, victim, delay_ms, acked[-2:], inflight, " ".join(st.stdout.split())))
        # The restart: a loader that lives restarts its child; a killed one is started again.
        if victim == "child":
            if not self.wait_healthy(seen):
                self.fail(trial, "%s, kill child: the loader did not bring the camera back" % kind)
        else:
            self.server.wait()
            if not self.wait_gone(pids_of_camera(self.sd)):
                self.fail(trial, "the firmware outlived its killed boot loader")
            self.start()
            if not self.wait_healthy(0):
                self.fail(trial, "%s, kill %s: the new loader brought up no camera: %s"
                          % (kind, victim, self.log_text()[-400:]))
        return self.verify(trial, allowed, must, set_cands, kind, victim, delay_ms)

    # ---- the windows the kills fall in ----
    def measure(self, cam):
        """One uncut run of each operation: how long it takes, so that the
        kills fall within it (and the path works at all)."""
        dev = cam.get_device()
        t0 = time.monotonic()
        for n, which in enumerate(SETS * 3):
            dev.set_integer_feature_value("Width", 24 + 12 * n)
            dev.set_string_feature_value("UserSetSelector", which)
            dev.execute_command("UserSetSave")
        self.windows["save"] = (time.monotonic() - t0) / 6 * 8   # several saves per trial
        for full in (False, True):
            version, _, data = (lambda v, f: (v, f, self.package(v, f)))("3.20.%d" % (9 + full), full)
            t0 = time.monotonic()
            Files(dev).upload("DeviceFirmware", data)
            self.windows["upload-full" if full else "upload"] = time.monotonic() - t0
        seen = self.healthy_count()
        t0 = time.monotonic()
        try:
            dev.execute_command("DeviceReset")
        except GLib.Error:
            pass
        del dev, cam
        if not self.wait_healthy(seen):
            raise AssertionError("the measuring DeviceReset brought up no camera")
        self.windows["activate"] = time.monotonic() - t0
        for which in SETS:
            self.sets[which] = None
        cam = self.connect()
        self.running = cam.get_device().get_string_feature_value("DeviceFirmwareVersion")
        if self.running != "3.20.10":
            raise AssertionError("the measuring upload booted %s, want 3.20.10" % self.running)
        for which in SETS:
            dev = cam.get_device()
            dev.set_string_feature_value("UserSetSelector", which)
            dev.execute_command("UserSetLoad")
            self.sets[which] = (dev.get_integer_feature_value("Width"), dev.get_float_feature_value("ExposureTime"))
        return cam

    def run(self):
        os.mkdir(self.sd, 0o700)
        self.start()
        if not self.wait_healthy(0):
            raise AssertionError("the camera did not start: " + self.log_text())
        cam = self.measure(self.connect())
        print("windows (s): " + ", ".join("%s %.3f" % kv for kv in sorted(self.windows.items())), flush=True)
        kinds = [KINDS[i % 3] for i in range(TRIALS)]
        self.rng.shuffle(kinds)
        t0 = time.monotonic()
        for i, kind in enumerate(kinds, 1):
            victim = VICTIMS[self.rng.randrange(3)]
            window = self.windows[kind]
            if kind in ("upload", "activate") and (self.uploads + 1) % FULL_EVERY == 0:
                window = self.windows["upload-full"] if kind == "upload" else window
            delay_ms = self.rng.uniform(0, window * 1.2) * 1000
            cam = self.trial(i, kind, victim, cam, delay_ms)
            if cam is None:  # nothing serves: start over so the rest still run
                if self.server.poll() is None:
                    self.server.kill()
                    self.server.wait()
                self.wait_gone(pids_of_camera(self.sd))
                self.start()
                self.wait_healthy(0)
                cam = self.connect()
                self.running = cam.get_device().get_string_feature_value("DeviceFirmwareVersion")
        took = time.monotonic() - t0
        del cam
        self.server.send_signal(signal.SIGTERM)
        self.server.wait(timeout=30)
        # What killed writers left behind: a loader that starts removes it.
        left = [f for f in os.listdir(self.sd) if f.endswith(".tmp")]
        self.start()
        if not self.wait_healthy(0):
            self.failures.append("the camera did not start after the trials")
        litter = [f for f in os.listdir(self.sd) if f.endswith(".tmp")]
        self.server.send_signal(signal.SIGTERM)
        self.server.wait(timeout=30)
        removed = 0
        for n in range(1, self.logs + 1):
            with open(os.path.join(self.work, "serve-%d.log" % n), errors="replace") as f:
                removed += sum(int(m) for m in re.findall(r"removed (\d+) temporary file", f.read()))
        for n in range(1, self.logs + 1):  # a sanitizer build says what it found in the log
            with open(os.path.join(self.work, "serve-%d.log" % n), errors="replace") as f:
                found = [l for l in f if "Sanitizer" in l or "runtime error:" in l]
            if found:
                self.failures.append("serve-%d.log: %s" % (n, found[0].strip()))
                print("FAIL: serve-%d.log: %s" % (n, found[0].strip()), flush=True)
        if litter:
            self.failures.append("temporary files left after a fresh boot: %s" % litter)
            print("FAIL: temporary files left after a fresh boot: %s" % litter, flush=True)
        print("power loss: %d trials in %.0f s (seed %d): %s; kills: %s; firmware after: %d new, %d old;"
              " acknowledged: %d saves, %d uploads; temporary files of killed writers: %d removed by"
              " the loader, %d at the end before a last boot, %d after it"
              % (TRIALS, took, SEED, ", ".join("%s %d" % kv for kv in self.stats.items()),
                 ", ".join("%s %d" % kv for kv in self.kills.items()),
                 self.outcomes["new"], self.outcomes["old"], self.acked["save"], self.acked["upload"],
                 removed, len(left), len(litter)), flush=True)
        print("survived %d of %d" % (self.survived, TRIALS), flush=True)
        return not self.failures and self.survived == TRIALS


def main():
    work = tempfile.mkdtemp(prefix="twincam-power-")
    t = Trials(work)
    try:
        ok = t.run()
    finally:
        for p in pids_of_camera(t.sd):
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        subprocess.run(["rm", "-rf", work])
    sys.stdout.flush()
    os._exit(0 if ok else 1)  # client threads may still sit in Aravis's timeouts


if __name__ == "__main__":
    main()
