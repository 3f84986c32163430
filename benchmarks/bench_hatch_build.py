"""`hatch build -t variant-wheel` (N variants, one call) vs N plain `hatch build -t wheel` calls.

Usage: python benchmarks/bench_hatch_build.py [--runs 5] [--project examples/producer-gpu]

The project is copied to a scratch directory with `build-backend = "hatchling.build"` (the
variant-wheel target needs it). Our own wheel is built once and put on find-links for hatch's
build environment; uv/hatch state is private to the run. A warm-up build creates the build
environment before timing. Prints the medians and the ratio (target: <= 1.2).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, text=True)


def _timed(command: list[str], cwd: Path, env: dict[str, str], dist: Path) -> float:
    shutil.rmtree(dist, ignore_errors=True)
    start = time.perf_counter()
    _run(command, cwd, env)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--project", type=Path, default=REPO / "examples" / "producer-gpu")
    args = parser.parse_args()
    hatch = shutil.which("hatch", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    if hatch is None:
        sys.exit("hatch is not installed")

    with tempfile.TemporaryDirectory(prefix="bench-hatch-") as scratch:
        root = Path(scratch)
        project = root / "project"
        shutil.copytree(args.project, project, ignore=shutil.ignore_patterns("dist", "build"))
        pyproject = project / "pyproject.toml"
        text = pyproject.read_text()
        pyproject.write_text(re.sub(r'build-backend = ".*"', 'build-backend = "hatchling.build"', text))
        labels = re.findall(r"^\[variant\.variants\.([0-9a-z_.]+)\]", text, flags=re.MULTILINE)

        env = {k: v for k, v in os.environ.items() if not k.startswith("HATCH_")}
        wheelhouse = root / "wheelhouse"
        _run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(wheelhouse), str(REPO)], REPO, env)
        env.update(
            UV_FIND_LINKS=str(wheelhouse),
            PIP_FIND_LINKS=str(wheelhouse),
            UV_CACHE_DIR=str(root / "uv-cache"),
            HATCH_DATA_DIR=str(root / "hatch-data"),
            HATCH_CACHE_DIR=str(root / "hatch-cache"),
        )
        dist = project / "dist"
        _run([hatch, "build", "-t", "wheel"], project, env)  # warm-up: creates the build environment
        _run([hatch, "build", "-t", "variant-wheel"], project, env)

        variant_times, plain_times, single_times = [], [], []
        wheel = [hatch, "build", "-t", "wheel"]
        for _ in range(args.runs):  # interleaved, so drift affects all sides alike
            variant_times.append(_timed([hatch, "build", "-t", "variant-wheel"], project, env, dist))
            plain_times.append(sum(_timed(wheel, project, env, dist) for _ in labels))
            single_times.append(sum(_timed(wheel, project, {**env, "HATCH_VARIANT": label}, dist) for label in labels))

    variant = statistics.median(variant_times)
    plain = statistics.median(plain_times)
    print(f"project: {args.project.name}; variants: {len(labels)} ({', '.join(labels)}); runs: {args.runs}")
    print(f"hatch build -t variant-wheel ({len(labels)} wheels, one call): median {variant:.3f} s")
    print(f"{len(labels)} x hatch build -t wheel (plain):            median {plain:.3f} s")
    single = statistics.median(single_times)
    print(f"{len(labels)} x HATCH_VARIANT=<label> hatch build -t wheel:   median {single:.3f} s")
    print(f"ratio variant-wheel / plain: {variant / plain:.2f} (target <= 1.2)")
    print(f"ratio HATCH_VARIANT builds / plain: {single / plain:.2f} (per-build plugin overhead)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
