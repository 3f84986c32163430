"""Locking a generated PEP 825 release at scale: time and bytes read, PDM with and without the plugin, and uv.

Usage: python benchmarks/bench_lock_scale.py [--packages 3] [--labels 4] [--pad-mib 0] [--metadata-files]
       [--no-ranges] [--actions lock,sync,noop-sync] [--runs 3]

Issue 20: GPU wheels run from 400 MB to over 1 GB, and reading one label's dependencies must not
download one. The index is generated: N packages, each one release of a plain wheel, M labelled
wheels (``cu118``, ``cu119``, ... with their ``variant.json``) and ``{name}-{version}-variants.json``;
``--pad-mib`` pads every wheel to a realistic size with incompressible bytes. It is served on
127.0.0.1 by ``tests/indexserver.py`` with ``Range`` support (``--no-ranges``: without;
``--metadata-files``: PEP 658 files too), counting the bytes of every answer.

Each tool runs each action cold (empty caches) and warm (caches kept): ``lock`` (the lock file
removed first), ``sync`` (into a fresh virtual environment, made before the clock starts) and
``noop-sync`` (nothing left to do). The tools take turns, run by run (the first alternates), so a
busy moment of the machine hits all of them; a first round of each action is not counted (it
compiles the modules every later run loads from bytecode). The table gives the median wall time of ``--runs``
runs, its ratio to plain PDM's, and the bytes sent (all, of ``.whl`` files) and requests of the
last one. The actions are a table per tool (:func:`tools`).

The ``remotemeta`` rows read the METADATA of every wheel on the index in-process through
:mod:`wheel_variants.remotemeta` (cold: an empty metadata store; warm: the store kept): what the
plugin's per-label dependency step will cost once it is wired to the core.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from indexserver import IndexServer, wheel_metadata  # noqa: E402
from pdmtools import PdmRunner  # noqa: E402
from test_uv_tools import uv_env  # noqa: E402  (uv isolated as the tests isolate it)
from wheel_variants.remotemeta.fetch import cached_metadata  # noqa: E402
from wheel_variants.remotemeta.link import WheelLink  # noqa: E402
from wheel_variants.remotemeta.store import MetadataStore  # noqa: E402
from wheel_variants.remotemeta.transport import UrllibTransport  # noqa: E402
from wheelmaker import make_wheel, variants_document  # noqa: E402

MiB = 1024 * 1024
VERSION = "1.0"
#: The machine every run pretends to be (the nvidia provider's override): CUDA 12.8.
CUDA = {"NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION": "12.8"}
UV = Path(sys.executable).with_name("uv")
#: The row every time is compared with.
PLAIN = "pdm, plugin off"
#: Each action and the subcommand that does it (the same for PDM and uv).
PDM_ACTIONS = {"lock": "lock", "sync": "sync", "noop-sync": "sync"}


def labels(count: int) -> list[str]:
    """``cu118``, ``cu119``, ``cu120``, ...: each needs ``nvidia :: cuda_version_lower_bound``."""
    return [f"cu{118 + number}" for number in range(count)]


def package_names(count: int) -> list[str]:
    return [f"gpu-pkg-{number:02d}" for number in range(count)]


def generate_index(server: IndexServer, scratch: Path, *, packages: int, labelled: int, padding: int) -> list[str]:
    """Publish the release of each package (plain wheel, labelled wheels, variants JSON) and their
    one shared dependency on the index ``simple``; the package names."""
    names = package_names(packages)
    server.add("simple", make_wheel(scratch / "dist" / "shared", "bench-runtime", VERSION))
    for name in names:
        directory = scratch / "dist" / name
        module = name.replace("-", "_")
        plain = make_wheel(directory, name, VERSION, requires=["bench-runtime"], padding=padding)
        wheels = [plain]
        for label in labels(labelled):
            wheels.append(
                make_wheel(
                    directory,
                    name,
                    VERSION,
                    files={f"{module}/__init__.py": f"BACKEND = {label!r}\n"},
                    label=label,
                    variant_json=variants_document([label]),
                    requires=["bench-runtime"],
                    padding=padding,
                )
            )
        server.add("simple", *wheels)
        server.write_variants_json("simple", name, VERSION, variants_document(labels(labelled)))
    return names


def project_text(names: list[str]) -> str:
    deps = ", ".join(f'"{name}"' for name in names)
    return (
        f'[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.10"\ndependencies = [{deps}]\n\n'
        "[tool.pdm]\ndistribution = false\n"
    )


@dataclass(kw_only=True)
class Tool:
    """One tool on its own copy of the project: the command of each action, its environment, the
    caches a cold run empties and the lock file a lock run removes first."""

    name: str
    project: Path
    env: dict[str, str]
    actions: dict[str, list[str]]
    caches: list[Path]
    lock_file: str
    prepare: Callable[[], None] = field(default=lambda: None)


def tools(scratch: Path, server: IndexServer, names: list[str]) -> list[Tool]:
    found = []
    for name, disable in (("pdm + plugin", False), (PLAIN, True)):
        runner = PdmRunner(scratch / name.replace(" ", "").replace(",", "-"), pypi_url=server.index_url("simple"))
        (runner.project / "pyproject.toml").write_text(project_text(names))
        env = {**runner.env, **CUDA}
        # Installed packages run from bytecode: let the checkout's modules have theirs too (the
        # tests' setting would compile the plugin's source in every command).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
        if disable:
            env["WHEEL_VARIANTS_PDM_DISABLE"] = "1"
        found.append(
            Tool(
                name=name,
                project=runner.project,
                env=env,
                actions={action: [*runner.command, command] for action, command in PDM_ACTIONS.items()},
                caches=[Path(env["PDM_CACHE_DIR"]), Path(env["WHEEL_VARIANTS_CACHE_DIR"])],
                lock_file="pdm.lock",
            )
        )
    if UV.exists():
        base = scratch / "uv"
        project = base / "project"
        project.mkdir(parents=True)
        (project / "pyproject.toml").write_text(project_text(names))
        found.append(
            Tool(
                name="uv (preview)",
                project=project,
                env={**uv_env(base, server), **CUDA},
                actions={
                    action: [str(UV), command, "--preview-features", "wheel-variants"]
                    for action, command in PDM_ACTIONS.items()
                },
                caches=[base / "cache"],
                lock_file="uv.lock",
            )
        )
    return found


@dataclass(frozen=True, kw_only=True)
class Row:
    tool: str
    action: str
    state: str
    seconds: float
    total_bytes: int
    wheel_bytes: int
    requests: int
    failed: str = ""


@dataclass(frozen=True)
class Measure:
    seconds: float
    total_bytes: int
    wheel_bytes: int
    requests: int
    failed: str


def measure(tool: Tool, action: str, state: str, server: IndexServer) -> Measure:
    """One run of *action* by *tool*, its caches emptied first when *state* is cold."""
    if state == "cold":
        for cache in tool.caches:
            shutil.rmtree(cache, ignore_errors=True)
    if action == "lock":
        (tool.project / tool.lock_file).unlink(missing_ok=True)
    if action == "sync":  # a fresh environment, as a new teammate's
        shutil.rmtree(tool.project / ".venv", ignore_errors=True)
        venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(tool.project / ".venv")
    server.reset_counts()
    start = time.perf_counter()
    result = subprocess.run(
        tool.actions[action], cwd=tool.project, env=tool.env, capture_output=True, text=True, timeout=1800, check=False
    )
    seconds = time.perf_counter() - start
    failed = "" if result.returncode == 0 else (result.stderr.strip().splitlines() or ["?"])[-1][:100]
    requests = sum(server.request_counts.values())
    return Measure(seconds, server.total_bytes(), server.total_bytes(".whl"), requests, failed)


def run(contenders: list[Tool], action: str, state: str, server: IndexServer, runs: int) -> list[Row]:
    """*action* of every tool *runs* times, interleaved (the tool that goes first alternates per
    round, so a busy moment of the machine hits all of them): each tool's median time, and the
    bytes and requests of its last run."""
    measures: dict[str, list[Measure]] = {tool.name: [] for tool in contenders}
    if state == "cold":  # a round not counted: its first run would compile what the others then reuse
        for tool in contenders:
            measure(tool, action, state, server)
    for round_number in range(runs):
        for tool in contenders if round_number % 2 == 0 else reversed(contenders):
            measures[tool.name].append(measure(tool, action, state, server))
    rows = []
    for tool in contenders:
        last = measures[tool.name][-1]
        failed = next((m.failed for m in measures[tool.name] if m.failed), "")
        seconds = statistics.median(m.seconds for m in measures[tool.name])
        rows.append(
            Row(
                tool=tool.name,
                action=action,
                state=state,
                seconds=seconds,
                total_bytes=last.total_bytes,
                wheel_bytes=last.wheel_bytes,
                requests=last.requests,
                failed=failed,
            )
        )
    return rows


def core_rows(server: IndexServer, wheels: list[Path], store: Path) -> list[Row]:
    """Read every wheel's METADATA through the core, cold then warm, with the links the pages give."""
    links = []
    for path in sorted(wheels):
        url = f"{server.url}{server.url_path(path)}#sha256={hashlib.sha256(path.read_bytes()).hexdigest()}"
        offer = f"sha256={hashlib.sha256(wheel_metadata(path)).hexdigest()}" if server.metadata_files else None
        links.append(WheelLink.from_index(url, core_metadata=offer))
    rows = []
    for state in ("cold", "warm"):
        if state == "cold":
            shutil.rmtree(store, ignore_errors=True)
        server.reset_counts()
        start = time.perf_counter()
        for link in links:
            cached_metadata(link, transport=UrllibTransport(), store=MetadataStore(store))
        seconds = time.perf_counter() - start
        rows.append(
            Row(
                tool="remotemeta (core)",
                action="read",
                state=state,
                seconds=seconds,
                total_bytes=server.total_bytes(),
                wheel_bytes=server.total_bytes(".whl"),
                requests=sum(server.request_counts.values()),
            )
        )
    return rows


def size(count: int) -> str:
    return f"{count / MiB:9.2f} MiB" if count >= 0.01 * MiB else f"{count / 1024:9.1f} KiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=3, help="packages in the release (default 3)")
    parser.add_argument("--labels", type=int, default=4, help="labelled wheels per package (default 4)")
    parser.add_argument("--pad-mib", type=float, default=0, help="pad every wheel to about this size (default 0)")
    parser.add_argument("--metadata-files", action="store_true", help="the index offers PEP 658 files")
    parser.add_argument("--no-ranges", action="store_true", help="the server ignores Range requests")
    parser.add_argument("--actions", default="lock", help="comma-separated: lock, sync, noop-sync (default: lock)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each row; the median time is shown (default 3)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-lock-scale-") as directory:
        scratch = Path(directory)
        server = IndexServer(scratch / "index", ranges=not args.no_ranges, metadata_files=args.metadata_files)
        try:
            names = generate_index(
                server, scratch, packages=args.packages, labelled=args.labels, padding=int(args.pad_mib * MiB)
            )
            wheels = list((scratch / "index").rglob("*.whl"))
            index_size = sum(path.stat().st_size for path in wheels)
            found = tools(scratch, server, names)
            rows = [
                row
                for action in args.actions.split(",")
                for state in ("cold", "warm")
                for row in run(found, action, state, server, args.runs)
            ]
            rows += core_rows(server, wheels, scratch / "core-store")
        finally:
            server.stop()
    offer = "with PEP 658 files" if args.metadata_files else "no PEP 658 files"
    print(
        f"{args.packages} packages x {args.labels} labels (+ the plain wheel): {len(wheels)} wheels, "
        f"{size(index_size).strip()} on the index, {offer}, Range {'ignored' if args.no_ranges else 'supported'}"
    )
    print(
        f"{'tool':18s} {'action':9s} {'state':5s} {'time':>9s} {'vs plain':>8s} {'all bytes':>13s} "
        f"{'.whl bytes':>13s} {'GETs':>5s}"
    )
    plain = {(row.action, row.state): row.seconds for row in rows if row.tool == PLAIN}
    for row in rows:
        ratio = f"{row.seconds / plain[row.action, row.state]:7.2f}x" if (row.action, row.state) in plain else ""
        line = (
            f"{row.tool:18s} {row.action:9s} {row.state:5s} {row.seconds:8.2f}s {ratio:>8s} {size(row.total_bytes)} "
            f"{size(row.wheel_bytes)} {row.requests:5d}"
        )
        print(line + (f"  FAILED: {row.failed}" if row.failed else ""))
    return 1 if any(row.failed for row in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
