"""Acceptance: a team lock stays right when variants of one version declare different dependencies.

``gpulib`` 1.0's CUDA build needs ``cuda-runtime`` (which needs ``cuda-helper``), its CPU build
needs ``cpu-extra``; both need ``shared-dep``. Per-backend indexes and PEP 825 variant wheels
both get one ``pdm lock`` and each machine installs its own dependency set from it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
import tomlkit

from indexserver import IndexServer
from pdmtools import PdmRunner, variant_records
from wheelmaker import make_wheel

pytestmark = pytest.mark.slow

CUDA_NEEDS = ["shared-dep>=1", "cuda-runtime>=12"]
CPU_NEEDS = ["shared-dep>=1", "cpu-extra"]
PYPROJECT = """\
[project]
name = "app"
version = "0"
requires-python = ">=3.10"
dependencies = ["{package}"]

[tool.pdm]
distribution = false

{variants}
[tool.wheel-variants.targets.gpu]
nvidia = {{ cuda_version_lower_bound = ["12.8", "12.0"] }}

[tool.wheel-variants.targets.cpu]
x86_64 = {{ level = ["v3", "v2", "v1"] }}
"""
VARIANTS_JSON = {
    "$schema": "https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json",
    "default-priorities": {"namespace": ["nvidia", "x86_64"]},
    "variants": {
        "cu12": {"nvidia": {"cuda_version_lower_bound": ["12.0"]}},
        "cpu": {"x86_64": {"level": ["v3"]}},
    },
}
GPU_SET = {"gpulib", "shared-dep", "cuda-runtime", "cuda-helper"}
CPU_SET = {"gpulib", "shared-dep", "cpu-extra"}
ALL = {"gpulib", "shared-dep", "cuda-runtime", "cuda-helper", "cpu-extra"}


def _publish_dependencies(server: IndexServer, dist: Path) -> None:
    server.add("simple", make_wheel(dist, "shared-dep", "1.0"))
    server.add("simple", make_wheel(dist, "cuda-runtime", "12.8", requires=["cuda-helper"]))
    server.add("simple", make_wheel(dist, "cuda-helper", "1.0"))
    server.add("simple", make_wheel(dist, "cpu-extra", "1.0"))


@pytest.fixture
def index_variants(index_server: IndexServer, tmp_path: Path) -> PdmRunner:
    dist = tmp_path / "dist"
    _publish_dependencies(index_server, dist)
    for label, needs in (("cu12", CUDA_NEEDS), ("cpu", CPU_NEEDS)):
        wheel = make_wheel(dist / label, "gpulib", "1.0", requires=needs)
        index_server.add(f"team/{label}", wheel)
    return _runner(tmp_path, index_server, "gpulib", _index_variants_table(index_server))


@pytest.fixture
def pep825_wheels(index_server: IndexServer, tmp_path: Path) -> PdmRunner:
    dist = tmp_path / "dist"
    _publish_dependencies(index_server, dist)
    for label, needs in (("cu12", CUDA_NEEDS), ("cpu", CPU_NEEDS)):
        variant = {**VARIANTS_JSON, "variants": {label: VARIANTS_JSON["variants"][label]}}  # type: ignore[index]
        wheel = make_wheel(dist, "gpulib", "1.0", label=label, variant_json=json.dumps(variant), requires=needs)
        index_server.add("simple", wheel)
    index_server.write_variants_json("simple", "gpulib", "1.0", json.dumps(VARIANTS_JSON))
    return _runner(tmp_path, index_server, "gpulib", "")


def _index_variants_table(server: IndexServer) -> str:
    """``[tool.wheel-variants.packages.gpulib]``: one index per label, the properties of VARIANTS_JSON."""
    tables = []
    for label, namespaces in VARIANTS_JSON["variants"].items():  # type: ignore[union-attr]
        properties = [
            f"{ns} :: {feature} :: {values[0]}" for ns, body in namespaces.items() for feature, values in body.items()
        ]
        tables.append(
            f"[tool.wheel-variants.packages.gpulib.variants.{label}]\n"
            f'index = "{server.index_url("team/" + label)}"\nproperties = {json.dumps(properties)}\n'
        )
    return "\n".join(tables)


def _runner(tmp_path: Path, server: IndexServer, package: str, variants: str) -> PdmRunner:
    runner = PdmRunner(tmp_path / "pdm", pypi_url=server.index_url("simple"))
    (runner.project / "pyproject.toml").write_text(PYPROJECT.format(package=package, variants=variants))
    runner.create_venv()
    return runner


def _installed(runner: PdmRunner) -> set[str]:
    code = "import importlib.metadata as m; print(' '.join(d.metadata['Name'] for d in m.distributions()))"
    return set(runner.run_python(code).split()) & ALL


def _install_each_target(runner: PdmRunner) -> None:
    """Each teammate's machine (a fresh venv) gets its own set; a venv switched from one build to
    another keeps only the new build's set with ``--only-keep``."""
    for target, expected in (("gpu", GPU_SET), ("cpu", CPU_SET)):
        shutil.rmtree(runner.project / ".venv")
        runner.create_venv()
        runner.pdm("sync", env={"WHEEL_VARIANTS_TARGET": target})
        assert _installed(runner) == expected
    runner.pdm("sync", "--only-keep", env={"WHEEL_VARIANTS_TARGET": "gpu"})
    assert _installed(runner) == GPU_SET


def _lock(runner: PdmRunner) -> dict:
    return tomlkit.parse((runner.project / "pdm.lock").read_text()).unwrap()


@pytest.mark.parametrize("layout", ["index_variants", "pep825_wheels"])
def test_each_target_installs_its_own_dependency_set_from_one_lock(layout: str, request: pytest.FixtureRequest) -> None:
    runner: PdmRunner = request.getfixturevalue(layout)
    runner.pdm("lock", env={"WHEEL_VARIANTS_TARGET": "cpu"})
    lock = _lock(runner)
    assert {p["name"] for p in lock["package"]} == ALL  # the CUDA build's needs are locked too
    variants = variant_records(runner.project)["gpulib"]["variants"]
    assert "cuda-runtime>=12" in variants["cu12"]["dependencies"]
    assert "dependencies" not in variants["cpu"]  # the entry's own list is the CPU build's
    lock_bytes = (runner.project / "pdm.lock").read_bytes()
    shown = json.loads(runner.pdm("variants", "show", "--json", env={"WHEEL_VARIANTS_TARGET": "cpu"}).stdout)
    gpu = shown["locked"]["targets"]["gpu"]["installs"]["gpulib"]
    assert (gpu["label"], gpu["added"], gpu["dropped"]) == ("cu12", ["cuda-runtime"], ["cpu-extra"])
    assert [f["hash"] for f in gpu["files"]] == variants["cu12"]["files"]
    assert shown["locked"]["targets"]["cpu"]["installs"]["gpulib"]["dependencies"] is None
    text = runner.pdm("variants", "show", env={"WHEEL_VARIANTS_TARGET": "cpu"}).stdout
    assert f"    gpulib: {gpu['files'][0]['file']}" in text
    assert "  +cuda-runtime -cpu-extra" in text

    _install_each_target(runner)
    assert (runner.project / "pdm.lock").read_bytes() == lock_bytes

    # Locked again on the CUDA box: the same packages, and each label still gets its own needs.
    runner.pdm("lock", env={"WHEEL_VARIANTS_TARGET": "gpu"})
    relocked = _lock(runner)
    assert {p["name"] for p in relocked["package"]} == ALL
    records = variant_records(runner.project)
    assert "cuda-runtime>=12" in _effective_dependencies(relocked, records, "cu12")
    assert "cpu-extra" in _effective_dependencies(relocked, records, "cpu")
    assert "cuda-runtime>=12" not in _effective_dependencies(relocked, records, "cpu")


def _effective_dependencies(lock: dict, records: Mapping, label: str) -> list[str]:
    """What a machine installing *label* gets: the label's own list, else the entry's."""
    (entry,) = [p for p in lock["package"] if p["name"] == "gpulib"]
    body = records["gpulib"]["variants"][label]
    return body.get("dependencies", entry.get("dependencies", []))


def test_a_variant_needing_another_version_of_a_shared_dependency_stops_the_lock(
    index_server: IndexServer, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    _publish_dependencies(index_server, dist)
    index_server.add("simple", make_wheel(dist / "new", "shared-dep", "2.0"))
    for label, needs in (("cu12", ["shared-dep>=2"]), ("cpu", ["shared-dep<2"])):
        index_server.add(f"team/{label}", make_wheel(dist / label, "gpulib", "1.0", requires=needs))
    runner = _runner(tmp_path, index_server, "gpulib", _index_variants_table(index_server))

    result = runner.pdm("lock", env={"WHEEL_VARIANTS_TARGET": "cpu"}, check=False)
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "gpulib variant 'cu12' needs shared-dep 2.0, but the lock pins shared-dep 1.0" in message
    assert "Traceback" not in message
    assert not (runner.project / "pdm.lock").exists()


@pytest.mark.parametrize("layout", ["index_variants", "pep825_wheels"])
def test_a_pylock_toml_holds_each_labels_dependencies_and_installs_them(
    layout: str, request: pytest.FixtureRequest
) -> None:
    runner: PdmRunner = request.getfixturevalue(layout)
    runner.env["PDM_LOCK_FORMAT"] = "pylock"
    runner.pdm("lock", env={"WHEEL_VARIANTS_TARGET": "cpu"})
    assert not (runner.project / "pdm.lock").exists()
    data = tomlkit.parse((runner.project / "pylock.toml").read_text()).unwrap()
    packages = {p["name"]: p for p in data["packages"]}
    assert set(packages) == ALL  # the CUDA build's needs are PEP 751 entries too
    variants = packages["gpulib"]["tool"]["wheel-variants"]["variants"]
    assert variants["cu12"]["dependencies"] == ["cuda-runtime>=12", "shared-dep>=1"]
    assert "dependencies" not in variants["cpu"]  # the entry's own list is the CPU build's
    assert sorted(packages["gpulib"]["tool"]["pdm"]["dependencies"]) == ["cpu-extra", "shared-dep>=1"]
    runtime = packages["cuda-runtime"]  # as PDM writes an entry: wheels, marker, its dependencies
    assert runtime["version"] == "12.8"
    assert runtime["marker"] == packages["cpu-extra"]["marker"]
    assert runtime["tool"] == {"pdm": {"dependencies": ["cuda-helper"]}}
    (wheel,) = runtime["wheels"]
    assert wheel["name"] == "cuda_runtime-12.8-py3-none-any.whl"
    assert wheel["url"].endswith("/cuda-runtime/cuda_runtime-12.8-py3-none-any.whl")
    assert list(wheel["hashes"]) == ["sha256"]
    lock_bytes = (runner.project / "pylock.toml").read_bytes()

    _install_each_target(runner)
    assert (runner.project / "pylock.toml").read_bytes() == lock_bytes

    # Locked again on the CUDA box: the same packages, and each label still gets its own needs.
    runner.pdm("lock", env={"WHEEL_VARIANTS_TARGET": "gpu"})
    relocked = tomlkit.parse((runner.project / "pylock.toml").read_text()).unwrap()
    assert {p["name"] for p in relocked["packages"]} == ALL
    assert sorted(_pylock_effective_dependencies(relocked, "cu12")) == sorted(CUDA_NEEDS)
    assert sorted(_pylock_effective_dependencies(relocked, "cpu")) == sorted(CPU_NEEDS)

    if layout == "index_variants":  # (packaging does not parse PEP 825 labelled wheel names)
        pylock = pytest.importorskip("packaging.pylock")  # a PEP 751 reader accepts the file
        pylock.Pylock.from_dict(data)


def _pylock_effective_dependencies(lock: dict, label: str) -> list[str]:
    """:func:`_effective_dependencies` of a ``pylock.toml`` (PDM's list in ``[packages.tool.pdm]``)."""
    (entry,) = [p for p in lock["packages"] if p["name"] == "gpulib"]
    body = entry["tool"]["wheel-variants"]["variants"][label]
    return body.get("dependencies", entry["tool"]["pdm"]["dependencies"])
