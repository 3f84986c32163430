"""Acceptance, through the real ``pdm`` CLI: machines a lock was not made on, and packages no variant fits.

``gpulib`` 1.0 is published on three per-backend indexes (cu126, cu128, cpu: one file name,
different contents; the module reports its backend). The default index also serves an impostor
``gpulib`` 1.0, as anyone could register the name there.

* every lock holds the fallback variant (no properties), so any machine installs from any lock;
* a machine whose best variant the lock lacks installs the best *locked* one from that label's
  own index, says so, and does not reinstall it on the next sync;
* a package no variant fits is never taken from the other sources unless it opts in;
* a machine no locked file fits is told only about the namespaces the package's variants use.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomlkit

from indexserver import IndexServer
from pdmtools import PdmRunner
from wheelmaker import make_wheel

pytestmark = pytest.mark.slow

PROPERTIES = {
    "cu126": '["nvidia :: cuda_version_lower_bound :: 12.6"]',
    "cu128": '["nvidia :: cuda_version_lower_bound :: 12.8"]',
    "cpu": "[]",
}
PYPROJECT = """\
[project]
name = "app"
version = "0"
requires-python = ">=3.10"
dependencies = ["gpulib"]

[tool.pdm]
distribution = false

[tool.wheel-variants.packages.gpulib]
{package_keys}
"""
CPU_ONLY = {"x86_64": {"level": ["v3", "v2", "v1"]}}


def _cuda(version: str) -> dict[str, dict[str, list[str]]]:
    major, minor = version.split(".")
    return {
        "nvidia": {"cuda_version_lower_bound": [f"{major}.{m}" for m in range(int(minor), -1, -1)]},
        **CPU_ONLY,
    }


@pytest.fixture
def indexes(index_server: IndexServer, tmp_path: Path) -> IndexServer:
    for label in PROPERTIES:
        files = {"gpulib/__init__.py": f'BACKEND = "{label}"\n'}
        index_server.add(f"gpu/{label}", make_wheel(tmp_path / "dist" / label, "gpulib", "1.0", files=files))
    impostor = {"gpulib/__init__.py": 'BACKEND = "impostor"\n'}
    index_server.add("simple", make_wheel(tmp_path / "dist" / "pypi", "gpulib", "1.0", files=impostor))
    return index_server


def _project(tmp_path: Path, server: IndexServer, labels: list[str], package_keys: str = "") -> PdmRunner:
    runner = PdmRunner(tmp_path / "pdm", pypi_url=server.index_url("simple"))
    variants = "".join(
        f"[tool.wheel-variants.packages.gpulib.variants.{label}]\n"
        f'index = "{server.index_url("gpu/" + label)}"\nproperties = {PROPERTIES[label]}\n\n'
        for label in labels
    )
    (runner.project / "pyproject.toml").write_text(PYPROJECT.format(package_keys=package_keys) + "\n" + variants)
    runner.create_venv()
    return runner


def _backend(runner: PdmRunner) -> str:
    return runner.run_python("import gpulib; print(gpulib.BACKEND)")


def _locked_labels(runner: PdmRunner) -> list[str]:
    lock = tomlkit.parse((runner.project / "pdm.lock").read_text()).unwrap()
    return sorted(lock["metadata"]["wheel-variants"]["packages"]["gpulib"]["variants"])


def test_a_lock_made_on_a_gpu_machine_installs_anywhere(tmp_path: Path, indexes: IndexServer) -> None:
    runner = _project(tmp_path, indexes, ["cu126", "cu128", "cpu"])
    runner.pdm("lock", env=runner.machine("cuda-12.8", _cuda("12.8")))
    assert _locked_labels(runner) == ["cpu", "cu128"]  # this machine's choice and the fallback
    lock_bytes = (runner.project / "pdm.lock").read_bytes()
    runner.pdm("sync", env=runner.machine("cuda-12.8", _cuda("12.8")))
    assert _backend(runner) == "cu128"

    # CUDA 12.6: its best variant (cu126) is not locked; the best locked one is cpu, from cpu's index.
    cuda_12_6 = runner.machine("cuda-12.6", _cuda("12.6"))
    result = runner.pdm("sync", env=cuda_12_6)
    assert "does not match the locked hash" not in result.stdout + result.stderr
    assert "this machine's best variant 'cu126' is not in the lock; installing the locked 'cpu'" in result.stderr
    assert _backend(runner) == "cpu"
    again = runner.pdm("sync", env=cuda_12_6)
    assert "gpulib" not in again.stdout  # nothing reinstalled: no loop

    runner.pdm("sync", env=runner.machine("ci", CPU_ONLY))  # CI, no GPU: the fallback
    assert _backend(runner) == "cpu"
    assert (runner.project / "pdm.lock").read_bytes() == lock_bytes


def _installed_marker(runner: PdmRunner) -> dict[str, object]:
    """What the installed gpulib's ``wheel-variant.json`` records."""
    text = runner.run_python(
        "import importlib.metadata as m; print(m.distribution('gpulib').read_text('wheel-variant.json'))"
    )
    return json.loads(text)


def test_on_a_stale_lock_the_installed_label_is_the_synchronizers_locked_choice(
    tmp_path: Path, indexes: IndexServer
) -> None:
    # One source of truth: the label the marker records, the files installed and the index they
    # came from are the synchronizer's choice from the lock, not this machine's best variant today.
    runner = _project(tmp_path, indexes, ["cu126", "cu128", "cpu"])
    runner.pdm("lock", env=runner.machine("cuda-12.8", _cuda("12.8")))
    runner.pdm("sync", env=runner.machine("cuda-12.6", _cuda("12.6")))  # its best, cu126, is not locked

    assert _backend(runner) == "cpu"
    assert _installed_marker(runner) == {"label": "cpu", "index": indexes.index_url("gpu/cpu"), "properties": []}
    assert not any("/gpu/cu126/" in path for path in indexes.requests)  # cu126's index was never asked

    runner.pdm("sync", env=runner.machine("cuda-12.8", _cuda("12.8")))  # a machine the lock was made on
    assert _backend(runner) == "cu128"
    assert _installed_marker(runner)["label"] == "cu128"


def test_a_package_no_variant_fits_is_not_taken_from_other_sources(tmp_path: Path, indexes: IndexServer) -> None:
    runner = _project(tmp_path, indexes, ["cu126"])
    result = runner.pdm("lock", env=runner.machine("ci", CPU_ONLY), check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert "no variant of gpulib fits this machine (cu126: needs nvidia :: cuda_version_lower_bound :: 12.6" in output
    assert "not looked up on the project's other sources" in output
    assert "allow-other-sources = true" in output
    assert "x86_64" not in output  # only what the package's variants need
    assert not (runner.project / "pdm.lock").exists()


def test_allow_other_sources_is_an_explicit_opt_in(tmp_path: Path, indexes: IndexServer) -> None:
    runner = _project(tmp_path, indexes, ["cu126"], package_keys="allow-other-sources = true")
    cpu = runner.machine("ci", CPU_ONLY)
    result = runner.pdm("lock", env=cpu)
    assert "it resolves from the project's other sources (allow-other-sources = true)" in result.stderr
    runner.pdm("sync", env=cpu)
    assert _backend(runner) == "impostor"  # what the opt-in allows


def test_no_locked_file_fits_names_only_the_packages_namespaces(tmp_path: Path, indexes: IndexServer) -> None:
    runner = _project(tmp_path, indexes, ["cu126"])
    runner.pdm("lock", env=runner.machine("cuda-12.6", _cuda("12.6")))
    result = runner.pdm("sync", env=runner.machine("ci", CPU_ONLY), check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "no locked file of gpulib fits this machine. It supports: no properties of nvidia." in output
    assert "x86_64" not in output
    assert "does not match the locked hash" not in output
