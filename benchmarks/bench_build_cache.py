"""Reinstalling an already-built variant from the cache vs rebuilding it (real `pdm`, real CMake build).

Usage: python benchmarks/bench_build_cache.py [--runs 5] [--label cpu|cuda]

The package is the scikit-build-core C extension of the acceptance tests (``tests/cmakesdist.py``),
served with its build requirements by a local index on 127.0.0.1; PDM state is private to the
run. Both measurements time the same command, ``pdm sync --reinstall -L pdm.<label>.lock``:
"cached" runs with the variant's build in the cache, "rebuild" right after
``pdm variants cache clear``. CMake logs each build, so the builds per run are counted, not
assumed. Prints the medians; the cache hit must do zero builds. The module is tiny (a build takes
a second or two); llama-cpp-python's CUDA build takes many minutes, so real savings are larger.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "src")]

from cmakesdist import APP_PYPROJECT, build_tools_available, installed_wheels, make_flavour_sdist  # noqa: E402
from indexserver import IndexServer  # noqa: E402
from pdmtools import PdmRunner  # noqa: E402

PYPROJECT = APP_PYPROJECT


def _builds(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--label", choices=("cpu", "cuda"), default="cuda")
    args = parser.parse_args()
    problem = build_tools_available()
    if problem is not None:
        sys.exit(f"cannot run: {problem}")

    with tempfile.TemporaryDirectory(prefix="bench-build-cache-") as scratch:
        root = Path(scratch)
        server = IndexServer(root / "index")
        try:
            sdist = make_flavour_sdist(root / "dist")
            server.add("simple", *installed_wheels("scikit-build-core", root / "tools"), sdist)
            server.add("flavour", sdist)
            runner = PdmRunner(root / "pdm", pypi_url=server.index_url("simple"))
            log = root / "build.log"
            runner.env["FLAVOUR_BUILD_LOG"] = str(log)
            if args.label == "cuda":
                runner.env["NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION"] = "12.4"
            (runner.project / "pyproject.toml").write_text(PYPROJECT.format(index=server.index_url("flavour")))
            runner.create_venv()
            lock = f"pdm.{args.label}.lock"
            runner.pdm("lock", "-L", lock)
            runner.pdm("install", "-L", lock)  # warm-up: the first build fills the cache

            def timed() -> tuple[float, int]:
                before = _builds(log)
                start = time.perf_counter()
                runner.pdm("sync", "--reinstall", "-L", lock)
                elapsed = time.perf_counter() - start
                flavour = runner.run_python("import flavour; print(flavour.FLAVOUR)")
                assert flavour == args.label, flavour
                return elapsed, _builds(log) - before

            cached, rebuilt = [], []
            for _ in range(args.runs):
                cached.append(timed())
                runner.pdm("variants", "cache", "clear")
                rebuilt.append(timed())
        finally:
            server.stop()

    cached_builds = sum(builds for _, builds in cached)
    rebuilt_builds = sum(builds for _, builds in rebuilt)
    cached_median = statistics.median(t for t, _ in cached)
    rebuilt_median = statistics.median(t for t, _ in rebuilt)
    print(f"variant {args.label!r}, {args.runs} runs each, `pdm sync --reinstall`:")
    print(f"  from the cache : median {cached_median:.2f} s, builds {cached_builds}")
    print(f"  rebuilding     : median {rebuilt_median:.2f} s, builds {rebuilt_builds}")
    print(f"  saved per reinstall: {rebuilt_median - cached_median:.2f} s ({rebuilt_median / cached_median:.1f}x)")
    return 0 if cached_builds == 0 and rebuilt_builds == args.runs else 1


if __name__ == "__main__":
    raise SystemExit(main())
