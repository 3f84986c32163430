"""PDM with and without the wheel-variants plugin on a ~30-package project that has no variants.

Usage: python benchmarks/bench_pdm_plugin.py [--runs 9] [--packages 30] [--pdm PATH]

Issue 5's budget: plugin-on vs plugin-off, `pdm lock` and a no-op `pdm install` at most 3% slower,
plugin import at most 10 ms.

Both sides run the *same* pdm from one scratch venv that does not have wheel-variants installed
(created with the pdm, unearth and hishel versions of this interpreter, or ``--pdm`` for an existing
one): plugin-on puts the checkout's ``src`` and a dist-info that registers the entry point on
PYTHONPATH (as ``tests/pdmtools.py`` does), plugin-off puts ``src`` only. The packages are tiny
wheels (a dependency graph four levels deep) served from 127.0.0.1 by the tests' ``IndexServer``.
Runs are interleaved, the side that goes first alternates per round, and medians are printed.
`pdm lock` runs with a warm cache and no lock file (a full resolution each time); `pdm install`
runs against an up-to-date environment (nothing to do).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from indexserver import IndexServer  # noqa: E402
from pdmtools import SRC, PdmRunner, _plugin_site  # noqa: E402
from wheelmaker import make_wheel  # noqa: E402

PYPROJECT = """\
[project]
name = "bench-app"
version = "0"
requires-python = ">=3.10"
dependencies = [{deps}]

[tool.pdm]
distribution = false
"""

# `import pdm_variants`, and that plus `plugin(core)` on a Core without the plugin: wall and CPU ms.
REGISTRATION = r"""
import time
from pdm.core import Core
core = Core()
cpu, start = time.process_time(), time.perf_counter()
import pdm_variants
imported = time.perf_counter()
pdm_variants.plugin(core)
cpu, done = time.process_time() - cpu, time.perf_counter()
assert core.project_class.__name__.startswith("Variants"), core.project_class
print(f"{(imported - start) * 1e3:.3f} {(done - start) * 1e3:.3f} {cpu * 1e3:.3f}")
"""


def make_packages(directory: Path, count: int) -> tuple[list[Path], list[str]]:
    """*count* wheels in four levels (each depends on two of the next level); the top-level names.

    Each package has two versions, so the resolver has a choice to make.
    """
    levels: list[list[str]] = [[] for _ in range(4)]
    for index in range(count):
        levels[min(index * 4 // count, 3)].append(f"benchpkg-{index:02d}")
    wheels = []
    for depth, names in enumerate(levels):
        below = levels[depth + 1] if depth + 1 < len(levels) else []
        for position, name in enumerate(names):
            requires = sorted({below[(position + k) % len(below)] for k in range(2)}) if below else []
            for version in ("1.0", "1.1"):
                wheels.append(make_wheel(directory, name, version, requires=[f"{r}>=1.0" for r in requires]))
    return wheels, levels[0]


def make_pdm_venv(target: Path) -> Path:
    """A venv with this interpreter's pdm, unearth and hishel versions, and no wheel-variants."""
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
    pins = [f"{name}=={importlib.metadata.version(name)}" for name in ("pdm", "unearth", "hishel")]
    pip = [str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    result = subprocess.run([*pip, *pins], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"installing {' '.join(pins)} failed:\n{result.stderr}")
    return target / "bin" / "pdm"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(runner: PdmRunner, *args: str, pythonpath: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one pdm command; CPU (user + sys of pdm and its children) is the
    steadier figure on a busy machine."""
    cpu, start = _children_cpu(), time.perf_counter()
    runner.pdm(*args, env={"PYTHONPATH": pythonpath})
    return time.perf_counter() - start, _children_cpu() - cpu


def registration_times(python: Path, env: dict[str, str], runs: int) -> list[float]:
    """Medians (ms) over fresh interpreters: `import pdm_variants` (wall), that plus `plugin(core)`
    (wall, CPU)."""
    samples: list[list[float]] = [[], [], []]
    for _ in range(runs):
        out = subprocess.run(
            [str(python), "-c", REGISTRATION], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        for column, value in zip(samples, out, strict=True):
            column.append(float(value))
    return [statistics.median(column) for column in samples]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--packages", type=int, default=30)
    parser.add_argument(
        "--pdm", type=lambda path: Path(path).absolute(), help="a pdm executable whose environment lacks the plugin"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-pdm-") as scratch:
        root = Path(scratch)
        pdm = args.pdm or make_pdm_venv(root / "pdm-venv")
        wheels, top = make_packages(root / "wheels", args.packages)
        server = IndexServer(root / "index")
        try:
            server.add("simple", *wheels)
            runner = PdmRunner(root / "pdm", pypi_url=server.index_url("simple"))
            runner.command = [str(pdm)]
            # Installed packages run from bytecode: let the checkout's modules have theirs too.
            runner.env.pop("PYTHONDONTWRITEBYTECODE", None)
            runner.env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
            deps = ", ".join(f'"{name}"' for name in top)
            (runner.project / "pyproject.toml").write_text(PYPROJECT.format(deps=deps))
            runner.create_venv()
            on = os.pathsep.join([str(_plugin_site(root / "plugin-site")), str(SRC)])
            off = str(SRC)
            lock = runner.project / "pdm.lock"

            for side in (on, off):  # warm-up: HTTP cache, .pyc files, the project's venv
                lock.unlink(missing_ok=True)
                timed(runner, "lock", pythonpath=side)
                timed(runner, "install", pythonpath=side)
            shown = runner.pdm("--help", env={"PYTHONPATH": on}).stdout
            if " variants " not in shown:
                sys.exit("the plugin did not load on the plugin-on side")
            if " variants " in runner.pdm("--help", env={"PYTHONPATH": off}).stdout:
                sys.exit("the plugin loaded on the plugin-off side")

            times: dict[tuple[str, str], list[tuple[float, float]]] = {}
            for round_ in range(args.runs):
                sides = [("on", on), ("off", off)]
                if round_ % 2:
                    sides.reverse()
                for command in ("lock", "install"):
                    for name, side in sides:
                        if command == "lock":
                            lock.unlink()
                        times.setdefault((command, name), []).append(timed(runner, command, pythonpath=side))
            locked = lock.read_text().count("[[package]]")
            python = Path(pdm).parent / "python"
            reg_env = {**runner.env, "PYTHONPATH": off}
            imported, registered, registered_cpu = registration_times(python, reg_env, max(args.runs, 9))
            version = runner.pdm("--version", env={"PYTHONPATH": off}).stdout.strip()
        finally:
            server.stop()

    print(f"{version}; {locked} locked packages; median of {args.runs} interleaved runs per side")
    print(f"  {'command':20s} {'plugin off':>11s} {'plugin on':>11s} {'on / off':>9s}   target")
    for command in ("lock", "install"):
        for column, kind in enumerate(("wall", "CPU")):
            off_s = statistics.median(sample[column] for sample in times[(command, "off")])
            on_s = statistics.median(sample[column] for sample in times[(command, "on")])
            label = f"pdm {command} ({kind})"
            print(f"  {label:20s} {off_s:9.3f} s {on_s:9.3f} s {on_s / off_s:9.3f}   <= 1.03")
    print(f"  import pdm_variants: {imported:.2f} ms wall (median of fresh interpreters)")
    print(
        f"  import pdm_variants + plugin(core): {registered:.2f} ms wall, {registered_cpu:.2f} ms CPU   target <= 10 ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
