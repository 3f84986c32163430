"""Acceptance: variant-keyed build caches, through the real ``pdm`` CLI and a real C extension.

The package under test is a scikit-build-core sdist (as llama-cpp-python is) whose compiled
module reports the ``-DFLAVOUR=...`` it got through ``CMAKE_ARGS``; each variant's
``build.env`` sets that. CMake appends a line to a build log at every configure, so the tests
count real builds. Build requirements (scikit-build-core and its dependencies) are served by the
local index as wheels re-packed from this interpreter: PDM's isolated build works offline.

Both variants build the *same* sdist URL, as for the llama-cpp-python sdist on the public index;
each variant has its own lock (``-L pdm.<label>.lock``), as a multi-machine team would have.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from cmakesdist import APP_PYPROJECT, build_tools_available, installed_wheels, make_flavour_sdist
from indexserver import IndexServer
from pdmtools import PdmRunner

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(build_tools_available() is not None, reason=str(build_tools_available())),
]

CUDA = {"NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION": "12.4"}
PYPROJECT = APP_PYPROJECT


@pytest.fixture(scope="module")
def build_requirements(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return installed_wheels("scikit-build-core", tmp_path_factory.mktemp("build-requirements"))


@pytest.fixture
def flavour_index(index_server: IndexServer, tmp_path: Path, build_requirements: list[Path]) -> IndexServer:
    sdist = make_flavour_sdist(tmp_path / "dist")
    index_server.add("simple", *build_requirements, sdist)
    index_server.add("flavour", sdist)
    return index_server


def _runner(base: Path, server: IndexServer, cache: Path | None = None) -> PdmRunner:
    runner = PdmRunner(base, pypi_url=server.index_url("simple"))
    runner.env["FLAVOUR_BUILD_LOG"] = str(base / "build.log")
    if cache is not None:
        runner.env["PDM_CACHE_DIR"] = str(cache)
    (runner.project / "pyproject.toml").write_text(PYPROJECT.format(index=server.index_url("flavour")))
    runner.create_venv()
    return runner


def _variant_env(label: str) -> dict[str, str]:
    return CUDA if label == "cuda" else {}


def _install(runner: PdmRunner, label: str, *extra: str, env: dict[str, str] | None = None) -> None:
    environment = {**_variant_env(label), **(env or {})}
    lock = f"pdm.{label}.lock"
    if not (runner.project / lock).exists():
        runner.pdm("lock", "-L", lock, env=environment)
    runner.pdm(*(extra or ("install",)), "-L", lock, env=environment)


def _flavour(runner: PdmRunner) -> str:
    return runner.run_python("import flavour; print(flavour.FLAVOUR)")


def _builds(runner: PdmRunner) -> list[str]:
    log = runner.base / "build.log"
    return log.read_text().splitlines() if log.exists() else []


def _cache_listing(runner: PdmRunner, *args: str) -> list[dict]:
    return json.loads(runner.pdm("variants", "cache", "list", "--json", *args).stdout)["entries"]


def _assert_store_is_sound(store: Path) -> None:
    """Every entry holds whole wheels and a readable entry.json; no staging is left behind."""
    for entry in store.glob("*/*/*"):
        if entry.parent.parent.name.startswith("."):
            continue
        wheels = list(entry.glob("*.whl"))
        assert wheels, f"entry without a wheel: {entry}"
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as archive:
                assert archive.testzip() is None
        assert json.loads((entry / "entry.json").read_text())["wheels"] == sorted(w.name for w in wheels)
    assert not list((store / ".staging").glob("*"))


def test_switching_variants_builds_each_once_and_switching_back_hits(
    tmp_path: Path, flavour_index: IndexServer
) -> None:
    runner = _runner(tmp_path / "pdm", flavour_index)

    seen = []
    for label in ("cpu", "cuda", "cpu"):
        _install(runner, label)
        seen.append(_flavour(runner))

    assert seen == ["cpu", "cuda", "cpu"]
    assert _builds(runner) == ["build FLAVOUR=cpu", "build FLAVOUR=cuda"]  # the third install was a cache hit

    entries = _cache_listing(runner)
    assert sorted((e["package"], e["label"]) for e in entries) == [("flavour", "cpu"), ("flavour", "cuda")]
    assert {e["label"]: e["build"]["env"]["CMAKE_ARGS"] for e in entries} == {
        "cpu": "-DFLAVOUR=cpu",
        "cuda": "-DFLAVOUR=cuda",
    }
    _assert_store_is_sound(runner.base / "pdm-cache" / "wheels" / "variants")

    # selective clear: only the cuda build goes
    cleared = runner.pdm("variants", "cache", "clear", "flavour", "--label", "cuda").stdout
    assert "1 build removed" in cleared
    assert [e["label"] for e in _cache_listing(runner)] == ["cpu"]
    assert "flavour" in runner.pdm("variants", "cache", "list").stdout


def test_plain_pdm_reuses_the_stale_build(tmp_path: Path, flavour_index: IndexServer) -> None:
    """The upstream bug (llama-cpp-python issue 2136; pip and PDM alike): the built-wheel cache is
    keyed by the sdist's URL and hash only, so a new ``CMAKE_ARGS`` silently gets the old build.
    Same steps as above with the plugin disabled, ``CMAKE_ARGS`` set by hand, and even
    ``pdm sync --reinstall``: cuda comes out as cpu, from one single build."""
    runner = _runner(tmp_path / "pdm", flavour_index)
    runner.env["WHEEL_VARIANTS_PDM_DISABLE"] = "1"

    seen = []
    for label in ("cpu", "cuda", "cpu"):
        _install(runner, label, "sync", "--reinstall", env={"CMAKE_ARGS": f"-DFLAVOUR={label}"})
        seen.append(_flavour(runner))

    assert seen == ["cpu", "cpu", "cpu"]  # stale: the cuda install got the cpu build
    assert _builds(runner) == ["build FLAVOUR=cpu"]


def test_concurrent_installs_share_one_cache(tmp_path: Path, flavour_index: IndexServer) -> None:
    cache = tmp_path / "shared-cache"
    runners = [_runner(tmp_path / f"pdm{i}", flavour_index, cache=cache) for i in range(2)]
    runners[0].pdm("lock", "-L", "pdm.cpu.lock")
    for runner in runners:
        (runner.project / "pdm.toml").write_text("[install]\ncache = true\n")  # the unpacked-package store too
        if runner is not runners[0]:
            (runner.project / "pdm.cpu.lock").write_text((runners[0].project / "pdm.cpu.lock").read_text())

    processes = [
        subprocess.Popen(
            [*runner.command, "install", "-L", "pdm.cpu.lock"],
            cwd=runner.project,
            env=runner.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for runner in runners
    ]
    outputs = [process.communicate(timeout=240)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    assert [_flavour(runner) for runner in runners] == ["cpu", "cpu"]
    assert 1 <= sum(len(_builds(runner)) for runner in runners) <= 2  # a race may build twice, never more

    store = cache / "wheels" / "variants"
    _assert_store_is_sound(store)
    assert [(e["package"], e["label"]) for e in _cache_listing(runners[0])] == [("flavour", "cpu")]
    # one unpacked copy per distinct wheel (two racing builds may differ in zip timestamps), each whole
    unpacked = list((cache / "packages" / "sha256").glob("*/*/*.whl.cache"))
    assert 1 <= len(unpacked) <= 2
    assert all((path / "flavour-1.0.dist-info" / "RECORD").is_file() for path in unpacked)
    assert not list((cache / "packages" / ".staging").glob("*"))

    # reinstalling from the shared cache builds nothing
    before = len(_builds(runners[1]))
    runners[1].pdm("sync", "--reinstall", "-L", "pdm.cpu.lock")
    assert _flavour(runners[1]) == "cpu"
    assert len(_builds(runners[1])) == before


def test_a_killed_build_leaves_no_entry(tmp_path: Path, flavour_index: IndexServer) -> None:
    runner = _runner(tmp_path / "pdm", flavour_index)
    runner.pdm("lock", "-L", "pdm.cpu.lock")
    process = subprocess.Popen(
        [*runner.command, "install", "-L", "pdm.cpu.lock"],
        cwd=runner.project,
        env={**runner.env, "FLAVOUR_BUILD_SLEEP": "60"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not _builds(runner) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        assert _builds(runner), "the build never started"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    store = runner.base / "pdm-cache" / "wheels" / "variants"
    assert not list(store.glob("flavour/*/*"))  # no entry, partial or whole
    assert _cache_listing(runner) == []

    _install(runner, "cpu")  # the next run builds afresh and sweeps the dead run's staging
    assert _flavour(runner) == "cpu"
    assert len(_builds(runner)) == 2
    _assert_store_is_sound(store)
