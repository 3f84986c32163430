"""Detection speed: `wheel-variants detect --json` vs archspec vs a bare interpreter.

Run in a virtual environment with this project and ``requirements/bench.txt`` installed::

    python benchmarks/bench_detect.py [--runs 31]

Whole-process timings are interleaved (one run of each command per round) so that machine noise
hits all of them alike; medians are printed with ratios. The detection cache is warmed first, as
it is on any machine after the first run. In-process figures: a cold ``detect()`` (no cache), a
``detect()`` answered by the on-disk cache in a fresh process, and a memoised repeat call.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

IN_PROCESS = r"""
import sys, time
t0 = time.perf_counter()
from wheel_variants.detection import detect, clear_memo
t1 = time.perf_counter()
detect(use_cache=sys.argv[1] == "cache")
t2 = time.perf_counter()
runs = []
for _ in range(1000):
    s = time.perf_counter(); detect(use_cache=sys.argv[1] == "cache"); runs.append(time.perf_counter() - s)
runs.sort()
print(f"{(t1 - t0) * 1e3:.3f} {(t2 - t1) * 1e3:.3f} {runs[len(runs) // 2] * 1e6:.2f}")
"""


def _wall(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=31)
    args = parser.parse_args()
    python = sys.executable
    script = shutil.which("wheel-variants", path=os.path.dirname(python))
    cache = tempfile.mkdtemp(prefix="wv-bench-cache-")
    env = dict(os.environ, WHEEL_VARIANTS_CACHE_DIR=cache)
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "archspec host()": [python, "-c", "import archspec.cpu; archspec.cpu.host()"],
        "python -m wheel_variants detect --json": [python, "-m", "wheel_variants", "detect", "--json"],
    }
    if script:
        commands["wheel-variants detect --json"] = [script, "detect", "--json"]
    subprocess.run(commands["python -m wheel_variants detect --json"], env=env, stdout=subprocess.DEVNULL, check=True)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(3):  # warm-up: page cache, .pyc files
        for argv in commands.values():
            _wall(argv, env)
    for _ in range(args.runs):
        for name, argv in commands.items():
            times[name].append(_wall(argv, env))
    medians = {name: statistics.median(values) * 1e3 for name, values in times.items()}
    base, archspec = medians["python -c pass"], medians["archspec host()"]
    print(f"whole process, median of {args.runs} interleaved runs ({sys.version.split()[0]}, {sys.platform}):")
    for name, value in medians.items():
        print(
            f"  {name:42s} {value:7.1f} ms   x{value / base:4.2f} of python -c pass"
            f"   x{value / archspec:4.2f} of archspec"
        )
    if script:
        with open(script, encoding="utf-8", errors="replace") as stream:
            if "import re" in stream.read():
                print("  note: this console script imports `re` (pip's launcher); uv's launcher does not")

    print("in-process detect():")
    for mode in ("no-cache", "cache"):
        out = subprocess.run(
            [python, "-c", IN_PROCESS, mode], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        label = "cold probe (no cache)" if mode == "no-cache" else "disk-cache hit       "
        print(f"  {label}: import {out[0]} ms, first detect() {out[1]} ms, memoised repeat {out[2]} us")
    shutil.rmtree(cache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
