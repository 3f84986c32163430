"""Detection speed: `wheel-variants detect --json` vs archspec vs a bare interpreter.

Measured as users run it: the project is built into a wheel and installed, with ``archspec`` from
``requirements/bench.txt``, into a fresh virtual environment whose bytecode is compiled first
(an editable install or a source tree pays for path hooks and .pyc writes that users never see)::

    python benchmarks/bench_detect.py [--runs 15] [--project DIR] [--installer pip|uv]

Whole-process timings are interleaved (one run of each command per round) so that machine noise
hits all of them alike; medians are printed with ratios. The targets: an uncached ``detect`` no
slower than archspec's ``host()``, a cached ``detect --json`` within 1.3x of ``python -c pass``.
The console script is the installer's launcher: pip's imports ``re`` (about half of a bare
interpreter's start, paid by every command), uv's (``--installer uv``) does not. In-process
figures: a cold ``detect()`` (no cache), a ``detect()`` answered by the on-disk cache in a fresh
process, and a memoised repeat call.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

IN_PROCESS = r"""
import sys, time
t0 = time.perf_counter()
from wheel_variants.detection import detect
t1 = time.perf_counter()
detect(use_cache=sys.argv[1] == "cache")
t2 = time.perf_counter()
runs = []
for _ in range(1000):
    s = time.perf_counter(); detect(use_cache=sys.argv[1] == "cache"); runs.append(time.perf_counter() - s)
runs.sort()
print(f"{(t1 - t0) * 1e3:.3f} {(t2 - t1) * 1e3:.3f} {runs[len(runs) // 2] * 1e6:.2f}")
"""

#: What each figure is compared with, and the largest ratio the issue allows.
TARGETS = (
    ("wheel-variants detect --json --no-cache", "archspec host()", 1.0),
    ("wheel-variants detect --json (cached)", "python -c pass", 1.3),
)


def _run(argv: list[str]) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


def install(project: str, work: str, installer: str) -> str:
    """Build *project*'s wheel, install it and archspec into a new venv, compile; its bin directory.

    With *installer* ``uv`` the wheel is installed again by uv, for uv's console-script launcher.
    """
    dist = os.path.join(work, "dist")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, project])
    venv = os.path.join(work, "venv")
    _run([sys.executable, "-m", "venv", venv])
    bindir = os.path.join(venv, "Scripts" if sys.platform == "win32" else "bin")
    python = os.path.join(bindir, "python")
    wheels = glob.glob(os.path.join(dist, "wheel_variants-*.whl"))
    requirements = os.path.join(HERE, os.pardir, "requirements", "bench.txt")
    _run([python, "-m", "pip", "install", "-q", *wheels, "-r", requirements])
    if installer == "uv":
        uv = shutil.which("uv", path=os.path.dirname(sys.executable)) or shutil.which("uv")
        if uv is None:
            raise SystemExit("--installer uv: no uv next to this Python or on PATH")
        _run([uv, "pip", "install", "-q", "--no-deps", "--reinstall", "--python", python, *wheels])
    _run([python, "-m", "compileall", "-q", venv])
    return bindir


def _wall(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--project", default=os.path.join(HERE, os.pardir), help="the source tree to build")
    parser.add_argument("--installer", choices=("pip", "uv"), default="pip", help="whose launcher to measure")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="wv-bench-")
    try:
        bindir = install(args.project, work, args.installer)
        python = os.path.join(bindir, "python")
        script = os.path.join(bindir, "wheel-variants")
        env = dict(os.environ, WHEEL_VARIANTS_CACHE_DIR=os.path.join(work, "cache"))
        for name in ("WHEEL_VARIANTS_TARGET", "WHEEL_VARIANTS_PROPERTIES"):
            env.pop(name, None)  # an override would bypass the cache being measured
        commands = {
            "python -c pass": [python, "-c", "pass"],
            "archspec host()": [python, "-c", "import archspec.cpu; archspec.cpu.host()"],
            "wheel-variants detect --json --no-cache": [script, "detect", "--json", "--no-cache"],
            "wheel-variants detect --json (cached)": [script, "detect", "--json"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(3):  # warm-up: the page cache, and the detection cache of the cached run
            for argv in commands.values():
                _wall(argv, env)
        for _ in range(args.runs):
            for name, argv in commands.items():
                times[name].append(_wall(argv, env))
        medians = {name: statistics.median(values) * 1e3 for name, values in times.items()}
        base, archspec = medians["python -c pass"], medians["archspec host()"]
        print(
            f"whole process, median of {args.runs} interleaved runs ({sys.version.split()[0]}, {sys.platform}, "
            f"{args.installer}'s launcher):"
        )
        for name, value in medians.items():
            print(
                f"  {name:42s} {value:7.1f} ms   x{value / base:4.2f} of python -c pass"
                f"   x{value / archspec:4.2f} of archspec"
            )
        for name, against, limit in TARGETS:
            ratio = medians[name] / medians[against]
            verdict = "met" if ratio <= limit else "MISSED"
            print(f"  target {name} <= {limit}x {against}: x{ratio:.2f}, {verdict}")
        with open(script, encoding="utf-8", errors="replace") as stream:
            if "import re" in stream.read():
                print("  note: this console script imports `re` (pip's launcher); uv's (--installer uv) does not")

        print("in-process detect():")
        for mode in ("no-cache", "cache"):
            out = subprocess.run(
                [python, "-c", IN_PROCESS, mode], env=env, capture_output=True, text=True, check=True
            ).stdout.split()
            label = "cold probe (no cache)" if mode == "no-cache" else "disk-cache hit       "
            print(f"  {label}: import {out[0]} ms, first detect() {out[1]} ms, memoised repeat {out[2]} us")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
