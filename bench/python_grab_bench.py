#!/usr/bin/python3
"""Frames/s of the Python module against the C library, in one run.

Full-resolution frames on the deterministic clock (the camera renders as fast
as it is asked; the timing model's 18 fps is not waited for), per format:
  C         tc_wait_frame + tc_release_frame in C (bench/stream_bench)
  py wait   the same two calls from Python through cffi (no pixel touched)
  py raw    cam.grab_raw(): the payload copied into bytes
  py grab   cam.grab(): a (Height, Width) numpy array, packed formats unpacked
The four are interleaved round by round (a shared machine's load falls on
all of them alike) and the median round is printed.

usage: bench/python_grab_bench.py [--frames N] [--rounds R] [--formats F,F]
                                  [--stream-bench PATH]
From a build tree: TWINCAM_LIBRARY=build/libtwincam.so.0 bench/python_grab_bench.py
(or `meson devenv -C build`); the checkout's python/ is used when twincam is
not importable.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
try:
    import twincam
except ImportError:
    sys.path.insert(0, os.path.join(HERE, "..", "python"))
    import twincam
from twincam._library import ffi, lib, path as library_path


def c_rates(stream_bench, frames):
    """{format: fps} from one stream_bench run (every format it knows)."""
    out = subprocess.run([stream_bench, str(frames)], check=True, capture_output=True,
                         text=True).stdout
    rates = {}
    for line in out.splitlines()[1:]:
        parts = line.split()
        if len(parts) == 4 and parts[0].startswith("Bayer"):
            rates[parts[0]] = float(parts[1])
    return rates


def py_rate(fmt, frames, how):
    with twincam.open(deterministic=True) as cam:
        cam.set("PixelFormat", fmt)
        cam.start()
        cam.grab_raw(10.0)  # the first frame builds the cached mean image: not counted
        if how == "wait":
            c, frame = cam._c(), ffi.new("tc_frame *")
            t0 = time.perf_counter()
            for _ in range(frames):
                if lib.tc_wait_frame(c, frame, 10000) != 0:
                    raise RuntimeError(ffi.string(lib.tc_camera_last_error(c)).decode())
                lib.tc_release_frame(c, frame)
        else:
            take = cam.grab if how == "grab" else cam.grab_raw
            t0 = time.perf_counter()
            for _ in range(frames):
                take(10.0)
        return frames / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frames", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--formats", default="BayerGR8,BayerGR12p")
    ap.add_argument("--stream-bench", default=os.path.join(
        os.path.dirname(library_path), "bench", "stream_bench"))
    args = ap.parse_args()
    formats = args.formats.split(",")
    have_c = os.access(args.stream_bench, os.X_OK)
    if not have_c:
        print(f"({args.stream_bench} not found: no C column)", file=sys.stderr)
    kinds = (["C"] if have_c else []) + ["py wait", "py raw", "py grab"]
    results = {(f, k): [] for f in formats for k in kinds}
    for _ in range(args.rounds):
        if have_c:
            rates = c_rates(args.stream_bench, args.frames)
            for f in formats:
                results[(f, "C")].append(rates[f])
        for f in formats:
            for k, how in (("py wait", "wait"), ("py raw", "raw"), ("py grab", "grab")):
                results[(f, k)].append(py_rate(f, args.frames, how))
    print(f"libtwincam {library_path}, {args.frames} full frames (4056 x 3040) a format, "
          f"median of {args.rounds} rounds, frames/s")
    print(f"{'format':<16}" + "".join(f"{k:>10}" for k in kinds)
          + (f"{'grab/C':>9}" if have_c else ""))
    for f in formats:
        med = {k: statistics.median(results[(f, k)]) for k in kinds}
        line = f"{f:<16}" + "".join(f"{med[k]:>10.1f}" for k in kinds)
        if have_c:
            line += f"{med['py grab'] / med['C']:>9.2f}"
        print(line)
    print(f"load average at the end: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
