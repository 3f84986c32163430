"""`pdm lock` of a team lock with four hardware targets vs the same project with one target.

Usage: python benchmarks/bench_team_lock.py [--runs 7]

Issue 6's budget: locking 4 targets costs at most 1.5x locking one target (not 4x). The project
depends on ``teamlib`` (published on four per-backend indexes, same version and filename, as in
``tests/test_pdm_team_lock.py``) and on 12 plain packages; both sides lock on a machine forced to
fit the first target. Runs are interleaved (the side that goes first alternates), with a warm
cache and no lock file, so each is a full resolution; medians are printed with the ratio.

``--divergent`` gives each build of ``teamlib`` its own dependencies (the CUDA builds need a
runtime package with a dependency of its own, the CPU and Metal builds one extra package each),
so the 4-target lock also records per-label dependencies and resolves what the other builds need.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from indexserver import IndexServer  # noqa: E402
from pdmtools import PdmRunner  # noqa: E402
from wheelmaker import make_wheel  # noqa: E402

VARIANTS = {
    "cu128": '["nvidia :: cuda_version_lower_bound :: 12.8"]',
    "cu118": '["nvidia :: cuda_version_lower_bound :: 11.8"]',
    "cpu_v3": '["x86_64 :: level :: v3"]',
    "metal": '["apple :: metal :: on"]',
}
TARGETS = {
    "alice": 'nvidia = { cuda_version_lower_bound = ["12.8", "11.8"] }',
    "legacy": 'nvidia = { cuda_version_lower_bound = ["11.8"] }',
    "ci": 'x86_64 = { level = ["v3", "v2", "v1"] }',
    "bob": 'apple = { metal = ["on"] }',
}
PLAIN = [f"teamdep-{index:02d}" for index in range(12)]
#: ``--divergent``: what each build of teamlib needs besides teamdep-00.
NEEDS = {
    "cu128": ["cuda-runtime>=12"],
    "cu118": ["cuda11-runtime"],
    "cpu_v3": ["cpu-extra"],
    "metal": ["metal-extra"],
}
EXTRA = [
    ("cuda-runtime", "12.8", ["cuda-helper"]),
    ("cuda11-runtime", "11.8", ["cuda-helper"]),
    ("cuda-helper", "1.0", []),
    ("cpu-extra", "1.0", []),
    ("metal-extra", "1.0", []),
]


def project_text(server: IndexServer, targets: list[str]) -> str:
    deps = ", ".join(f'"{name}"' for name in ["teamlib", *PLAIN])
    text = (
        f'[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.10"\ndependencies = [{deps}]\n\n'
        "[tool.pdm]\ndistribution = false\n\n"
    )
    for label, properties in VARIANTS.items():
        text += f"[tool.wheel-variants.packages.teamlib.variants.{label}]\n"
        text += f'index = "{server.index_url("team/" + label)}"\nproperties = {properties}\n\n'
    for name in targets:
        text += f"[tool.wheel-variants.targets.{name}]\n{TARGETS[name]}\n\n"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per side (default 7)")
    parser.add_argument("--divergent", action="store_true", help="each build declares its own dependencies")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-team-") as scratch:
        root = Path(scratch)
        server = IndexServer(root / "index")
        try:
            for label in VARIANTS:
                files = {"teamlib/__init__.py": f'BACKEND = "{label}"\n'}
                requires = ["teamdep-00", *NEEDS[label]] if args.divergent else []
                wheel = make_wheel(root / "dist" / label, "teamlib", "1.0", files=files, requires=requires)
                server.add(f"team/{label}", wheel)
            for name, version, requires in EXTRA:
                server.add("simple", make_wheel(root / "dist" / version, name, version, requires=requires))
            for name in PLAIN:
                server.add("simple", make_wheel(root / "dist" / "plain", name, "1.0"))
            sides = {"1 target": ["alice"], "4 targets": list(TARGETS)}
            runners = {}
            for side, targets in sides.items():
                runner = PdmRunner(root / side.replace(" ", "-"), pypi_url=server.index_url("simple"))
                (runner.project / "pyproject.toml").write_text(project_text(server, targets))
                runner.env["WHEEL_VARIANTS_TARGET"] = "alice"
                runner.pdm("lock")  # warm the cache
                runners[side] = runner
            times: dict[str, list[float]] = {side: [] for side in sides}
            for round_ in range(args.runs):
                order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
                for side in order:
                    runner = runners[side]
                    (runner.project / "pdm.lock").unlink()
                    start = time.perf_counter()
                    runner.pdm("lock")
                    times[side].append(time.perf_counter() - start)
        finally:
            server.stop()
    medians = {side: statistics.median(values) for side, values in times.items()}
    kind = "builds with their own dependencies" if args.divergent else "builds with the same dependencies"
    print(f"pdm lock, {kind}, median of {args.runs} interleaved runs (warm cache, no lock file)")
    for side, median in medians.items():
        print(f"  {side:10s} {median * 1e3:8.0f} ms   (min {min(times[side]) * 1e3:.0f} ms)")
    ratio = medians["4 targets"] / medians["1 target"]
    print(f"  ratio 4 targets / 1 target: {ratio:.2f} (budget: <= 1.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
