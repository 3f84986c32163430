"""Wall time of `wheel-variants uv` on the llama-cpp-python project of the uv guide.

Run: python benchmarks/bench_uv_generate.py [--repeat N]
Each run is a fresh `wheel-variants` process on a scratch copy of the project (a temporary
directory): the first `--write` (markers form, `--default cu124`), a second `--write` that
changes nothing, `--check`, and the first `--write` of the extras form. Prints the median and
the spread over N runs in milliseconds. No index is contacted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = '[project]\nname = "app"\nversion = "0.1"\nrequires-python = ">=3.10"\n'
MARKERS = PROJECT + 'dependencies = ["llama-cpp-python>=0.3"]\n'
EXTRAS = (
    PROJECT + "dependencies = []\n\n"
    '[tool.wheel-variants.uv]\ndependencies = ["llama-cpp-python>=0.3"]\nlabels = ["cpu", "cu124", "metal"]\n'
)


def wheel_variants() -> list[str]:
    executable = Path(sys.executable).parent / "wheel-variants"
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "wheel_variants"]


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([*wheel_variants(), *args], check=True, capture_output=True)
    return (time.perf_counter() - start) * 1000


def one_round(base: Path) -> dict[str, float]:
    markers = base / "markers"
    extras = base / "extras"
    for directory, text in ((markers, MARKERS), (extras, EXTRAS)):
        directory.mkdir()
        (directory / "pyproject.toml").write_text(text, encoding="utf-8")
    flags = ["--default", "cu124"]
    return {
        "markers: first --write": timed(["uv", "--project", str(markers), "--write", *flags]),
        "markers: second --write (no change)": timed(["uv", "--project", str(markers), "--write", *flags]),
        "markers: --check": timed(["uv", "--project", str(markers), "--check", *flags]),
        "extras: first --write": timed(["uv", "--project", str(extras), "--write", *flags]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    options = parser.parse_args()
    rounds = []
    for _ in range(options.repeat):
        with tempfile.TemporaryDirectory() as scratch:
            rounds.append(one_round(Path(scratch)))
    for name in rounds[0]:
        values = [r[name] for r in rounds]
        print(f"{name:40s} median {statistics.median(values):7.1f} ms  (min {min(values):.1f}, max {max(values):.1f})")


if __name__ == "__main__":
    main()
