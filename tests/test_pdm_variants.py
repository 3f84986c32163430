"""Acceptance: the real ``pdm`` CLI with our plugin, against a llama-cpp-python-shaped local index.

The mirror has cpu / cu124 / cu125 / metal sub-indexes holding the *same* version and filename
with different contents; the installed module reports which one it is.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomlkit

from indexserver import IndexServer
from llamamirror import CUDA_12_4, backend, llama_mirror, llama_runner
from pdmtools import PdmRunner
from wheelmaker import make_sdist, make_wheel

pytestmark = pytest.mark.slow


def _target(runner: PdmRunner, name: str, data: object) -> dict[str, str]:
    path = runner.base / f"{name}.json"
    path.write_text(json.dumps(data))
    return {"WHEEL_VARIANTS_TARGET": str(path)}


@pytest.fixture
def llama_index(index_server: IndexServer, tmp_path: Path) -> IndexServer:
    return llama_mirror(index_server, tmp_path)


def _runner(tmp_path: Path, server: IndexServer, deps: str = "", extra: str = "") -> PdmRunner:
    return llama_runner(tmp_path, server, deps=deps, extra=extra)


def _backend(runner: PdmRunner) -> str | None:
    return backend(runner)


def _lock(runner: PdmRunner) -> dict:
    return tomlkit.parse((runner.project / "pdm.lock").read_text()).unwrap()


def _locked_labels(runner: PdmRunner) -> list[str]:
    table = _lock(runner)["metadata"]["wheel-variants"]["packages"]["llama-cpp-python"]["variants"]
    return sorted(table)


def test_add_on_cuda_12_4_routes_to_cu124_and_records_it(tmp_path: Path, llama_index: IndexServer) -> None:
    runner = _runner(tmp_path, llama_index)
    runner.pdm("add", "llama-cpp-python", env=CUDA_12_4)

    assert _backend(runner) == "cu124"
    lock = _lock(runner)
    (package,) = [p for p in lock["package"] if p["name"] == "llama-cpp-python"]
    variant = lock["metadata"]["wheel-variants"]["packages"]["llama-cpp-python"]["variants"]["cu124"]
    assert variant["properties"] == ["nvidia :: cuda_version_lower_bound :: 12.4"]
    assert variant["index"] == llama_index.index_url("llama/cu124")
    fallback = lock["metadata"]["wheel-variants"]["packages"]["llama-cpp-python"]["variants"]["cpu"]
    assert sorted(variant["files"] + fallback["files"]) == sorted(f["hash"] for f in package["files"])
    assert len(package["files"]) == 2  # this machine's cu124 and the fallback cpu (for machines without a GPU)
    assert not any("/llama/cu125/" in path for path in llama_index.requests)  # only what the lock holds

    # the label is in the dist-info and listed in RECORD, so uninstall removes it
    record = runner.run_python(
        "import importlib.metadata as m; d = m.distribution('llama-cpp-python');"
        "print(d.read_text('wheel-variant.json')); print([str(f) for f in d.files if 'wheel-variant' in str(f)])"
    )
    assert '"label": "cu124"' in record
    assert "wheel-variant.json" in record.splitlines()[-1]

    shown = json.loads(runner.pdm("variants", "show", "--json", env=CUDA_12_4).stdout)
    body = shown["packages"]["llama-cpp-python"]
    assert body["chosen"] == "cu124"
    assert [v["label"] for v in body["ranked"]][:1] == ["cu124"]
    reasons = {r["label"]: r["reason"] for r in body["rejected"]}
    assert "12.5" in reasons["cu125"]
    assert "apple" in reasons["metal"]


def test_no_gpu_gets_cpu_and_a_switch_relocks_and_reinstalls(tmp_path: Path, llama_index: IndexServer) -> None:
    runner = _runner(tmp_path, llama_index, deps='"llama-cpp-python"')
    no_gpu = _target(runner, "none", {})
    runner.pdm("lock", env=no_gpu)
    runner.pdm("install", env=no_gpu)
    assert _backend(runner) == "cpu"
    assert _locked_labels(runner) == ["cpu"]

    # the lock lacks what a CUDA 12.4 machine selects: --check fails, and says why
    check = runner.pdm("lock", "--check", env=CUDA_12_4, check=False)
    assert check.returncode != 0
    assert "cu124" in check.stdout + check.stderr

    runner.pdm("lock", env=CUDA_12_4)
    assert _locked_labels(runner) == ["cpu", "cu124"]
    runner.pdm("install", env=CUDA_12_4)  # same version, other variant: reinstalled
    assert _backend(runner) == "cu124"

    # the data survives a re-lock with --update-reuse and an unrelated add
    runner.pdm("lock", "--update-reuse", env=CUDA_12_4)
    assert _locked_labels(runner) == ["cpu", "cu124"]
    runner.pdm("add", "plainlib", env=CUDA_12_4)
    assert _locked_labels(runner) == ["cpu", "cu124"]
    assert _backend(runner) == "cu124"

    # `pdm install` on a CUDA 12.5 machine: PDM re-locks (the lock lacks cu125), keeping the
    # locked files; cu125's own files are fetched and recorded next to cu124's.
    runner.pdm("install", env={"NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION": "12.5"})
    assert _backend(runner) == "cu125"
    assert _locked_labels(runner) == ["cpu", "cu124", "cu125"]


def test_apple_silicon_gets_metal(tmp_path: Path, llama_index: IndexServer) -> None:
    runner = _runner(tmp_path, llama_index)
    runner.pdm("add", "llama-cpp-python", env=_target(runner, "mac", {"apple": {"metal": ["on"]}}))
    assert _backend(runner) == "metal"
    assert _locked_labels(runner) == ["cpu", "metal"]


def test_user_config_overrides_the_catalog(tmp_path: Path, llama_index: IndexServer) -> None:
    extra = f"""
[tool.wheel-variants.packages.llama-cpp-python.variants.only]
index = "{llama_index.index_url("llama/cu125")}"
"""
    runner = _runner(tmp_path, llama_index, extra=extra)
    runner.pdm("add", "llama-cpp-python", env=CUDA_12_4)
    assert _backend(runner) == "cu125"
    assert _locked_labels(runner) == ["only"]


def test_project_without_variants_is_left_alone(tmp_path: Path, llama_index: IndexServer) -> None:
    runner = _runner(tmp_path, llama_index)
    runner.pdm("add", "plainlib")
    assert "wheel-variants" not in _lock(runner)["metadata"]
    shown = json.loads(runner.pdm("variants", "show", "--json").stdout)
    assert shown["packages"] == {}
    assert not any(path.startswith("/llama/") for path in llama_index.requests)


def test_bad_user_config_is_one_located_error(tmp_path: Path, llama_index: IndexServer) -> None:
    extra = """
[tool.wheel-variants.packages.llama-cpp-python.variants.cu124]
index = "{nowhere}/cu124"
properties = ["nvidia :: cuda version :: 12.4"]
"""
    runner = _runner(tmp_path, llama_index, deps='"llama-cpp-python"', extra=extra)
    result = runner.pdm("lock", env=CUDA_12_4, check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "[tool.wheel-variants] packages.llama-cpp-python.variants.cu124.index" in output
    assert "unknown index base(s) ['nowhere']" in output
    assert "packages.llama-cpp-python.variants.cu124.properties[0]" in output
    assert not (runner.project / "pdm.lock").exists()


def test_use_uv_is_refused(tmp_path: Path, llama_index: IndexServer) -> None:
    runner = _runner(tmp_path, llama_index, deps='"llama-cpp-python"')
    result = runner.pdm("lock", env={**CUDA_12_4, "PDM_USE_UV": "true"}, check=False)
    assert result.returncode != 0
    assert "use_uv" in result.stdout + result.stderr
    assert not (runner.project / "pdm.lock").exists()


def test_no_fitting_wheel_falls_back_to_the_sdist_built_with_the_variants_settings(
    tmp_path: Path, index_server: IndexServer
) -> None:
    # The cu124 index only has a wheel for a Python the project excludes; the sdist lives on the
    # ordinary index, as llama-cpp-python's does.
    index_server.add(
        "llama/cu124", make_wheel(tmp_path / "dist", "llama-cpp-python", "0.3.2", tag="cp39-cp39-linux_x86_64")
    )
    index_server.add("simple", make_sdist(tmp_path / "dist", "llama-cpp-python", "0.3.2", module="llama_cpp"))
    runner = _runner(tmp_path, index_server)
    runner.pdm("add", "llama-cpp-python", env=CUDA_12_4)

    assert _backend(runner) == "source:-DGGML_CUDA=on"
    assert _locked_labels(runner) == ["cpu", "cu124"]  # the one sdist serves the fallback too
    assert "llama_cpp_python-0.3.2.tar.gz" in (runner.project / "pdm.lock").read_text()

    # A CPU-only teammate locks too: the one sdist serves both labels, each built its own way.
    runner.pdm("lock")
    assert _locked_labels(runner) == ["cpu", "cu124"]
    runner.pdm("sync")
    assert _backend(runner) == "source:"
    runner.pdm("sync", env=CUDA_12_4)
    assert _backend(runner) == "source:-DGGML_CUDA=on"


def test_a_catalog_package_arriving_as_a_dependency_is_routed_by_the_next_lock(
    tmp_path: Path, llama_index: IndexServer
) -> None:
    llama_index.add("simple", make_wheel(tmp_path / "dist" / "pypi", "llama-cpp-python", "0.3.2"))
    llama_index.add("simple", make_wheel(tmp_path / "dist" / "pypi", "agentkit", "1.0", requires=["llama-cpp-python"]))
    runner = _runner(tmp_path, llama_index, deps='"agentkit"')
    first = runner.pdm("lock", env=CUDA_12_4)
    assert "llama-cpp-python came in as a dependency" in first.stderr
    runner.pdm("lock", env=CUDA_12_4)
    assert _locked_labels(runner) == ["cpu", "cu124"]
    runner.pdm("sync", env=CUDA_12_4)
    assert _backend(runner) == "cu124"
