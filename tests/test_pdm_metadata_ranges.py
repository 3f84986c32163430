"""Acceptance, through the real ``pdm`` CLI against a counting index on 127.0.0.1: locking GPU-sized
variant wheels reads each label's metadata, never its wheel.

``gpulib`` 1.0 is a PEP 825 release of two labels, each wheel padded to 24 MiB: ``cu12`` needs
``cuda-runtime`` (in its METADATA only), ``cpu`` needs ``cpu-extra``. A team lock made on a CPU
machine records both labels' dependencies. Plain PDM downloads the one wheel it resolves for this
machine (its own metadata step); the plugin must add no other wheel body:

* with HTTP ranges: the other label's wheel is read by ranges, well under a MiB;
* with PEP 658 files: only the ``.metadata`` files are read, no wheel body at all;
* a server that ignores ``Range``: the other wheel is downloaded once, and the lock still made;
* the label-only dependency is locked every time.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomlkit

from indexserver import IndexServer
from pdmtools import PdmRunner, error_line
from wheelmaker import make_wheel

pytestmark = pytest.mark.slow

PADDING = 24 * 2**20
MIB = 2**20
VARIANTS_JSON = {
    "$schema": "https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json",
    "default-priorities": {"namespace": ["nvidia", "x86_64"]},
    "variants": {
        "cu12": {"nvidia": {"cuda_version_lower_bound": ["12.0"]}},
        "cpu": {"x86_64": {"level": ["v1"]}},
    },
}
PYPROJECT = """\
[project]
name = "app"
version = "0"
requires-python = ">=3.10"
dependencies = ["gpulib"]

[tool.pdm]
distribution = false

[tool.wheel-variants.targets.gpu]
nvidia = { cuda_version_lower_bound = ["12.8", "12.0"] }
"""
CPU_MACHINE = {"x86_64": {"level": ["v3", "v2", "v1"]}}


def _wheel_name(label: str) -> str:
    return f"gpulib-1.0-py3-none-any-{label}.whl"


@pytest.fixture
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[IndexServer]:
    ranges, metadata_files = request.param
    index = IndexServer(tmp_path / "index", ranges=ranges, metadata_files=metadata_files)
    dist = tmp_path / "dist"
    for name, needs in (("cuda-runtime", ()), ("cpu-extra", ())):
        index.add("simple", make_wheel(dist, name, "1.0", requires=needs))
    for label, needs in (("cu12", ["cuda-runtime>=1"]), ("cpu", ["cpu-extra"])):
        variant = {**VARIANTS_JSON, "variants": {label: VARIANTS_JSON["variants"][label]}}
        wheel = make_wheel(
            dist, "gpulib", "1.0", label=label, variant_json=json.dumps(variant), requires=needs, padding=PADDING
        )
        index.add("simple", wheel)
    index.write_variants_json("simple", "gpulib", "1.0", json.dumps(VARIANTS_JSON))
    try:
        yield index
    finally:
        index.stop()


def _lock(tmp_path: Path, server: IndexServer) -> tuple[PdmRunner, dict]:
    runner = PdmRunner(tmp_path / "pdm", pypi_url=server.index_url("simple"))
    (runner.project / "pyproject.toml").write_text(PYPROJECT)
    runner.create_venv()
    server.reset_counts()
    result = runner.pdm("lock", env=runner.machine("cpu", CPU_MACHINE))
    lock = tomlkit.parse((runner.project / "pdm.lock").read_text()).unwrap()
    variants = lock["metadata"]["wheel-variants"]["packages"]["gpulib"]["variants"]
    assert "cuda-runtime>=1" in variants["cu12"]["dependencies"]  # the label-only dependency
    assert "cuda-runtime" in {package["name"] for package in lock["package"]}
    return runner, {"stderr": result.stderr}


def _wheel_bytes(server: IndexServer, label: str) -> int:
    return sum(sent for path, sent in server.bytes_sent.items() if path.endswith(_wheel_name(label)))


@pytest.mark.parametrize("server", [(True, False)], indirect=True)
def test_with_ranges_the_other_labels_wheel_body_is_never_read(tmp_path: Path, server: IndexServer) -> None:
    _lock(tmp_path, server)
    assert _wheel_bytes(server, "cu12") < MIB  # the end of the zip, by ranges
    assert any(path.endswith(_wheel_name("cu12")) for path, _ in server.range_requests)
    assert _wheel_bytes(server, "cpu") <= PADDING + MIB  # what plain PDM reads for this machine, once

    # locked again from scratch: the metadata comes from the cache, keyed by the wheel's sha256
    runner = PdmRunner(tmp_path / "pdm", pypi_url=server.index_url("simple"))
    (runner.project / "pdm.lock").unlink()
    server.reset_counts()
    runner.pdm("lock", env=runner.machine("cpu", CPU_MACHINE))
    assert _wheel_bytes(server, "cu12") == 0
    assert "cuda-runtime>=1" in (runner.project / "pdm.lock").read_text()
    # ... and so does the variants JSON, whose sha256 the page gives: it is not fetched again
    assert not [path for path in server.request_counts if path.endswith("-variants.json")]
    # a damaged cache entry is a miss: fetched again, and the lock is made
    for entry in (runner.base / "pdm-cache" / "variants-json").rglob("*.json"):
        entry.write_text(entry.read_text().replace("cu12", "cu99"))
    (runner.project / "pdm.lock").unlink()
    server.reset_counts()
    runner.pdm("lock", env=runner.machine("cpu", CPU_MACHINE))
    assert [path for path in server.request_counts if path.endswith("-variants.json")]

    # the labels' dependency lines are memoized by sha256 in one file: a warm lock needs no
    # per-wheel metadata entry (here: gone), and asks the server for no wheel
    shutil.rmtree(runner.base / "pdm-cache" / "variant-metadata" / "sha256")
    (runner.project / "pdm.lock").unlink()
    server.reset_counts()
    runner.pdm("lock", env=runner.machine("cpu", CPU_MACHINE))
    assert not [path for path in server.request_counts if ".whl" in path and "cpu" not in path]
    assert "cuda-runtime>=1" in (runner.project / "pdm.lock").read_text()


@pytest.mark.parametrize("server", [(True, True)], indirect=True)
def test_with_pep658_files_no_wheel_body_is_read(tmp_path: Path, server: IndexServer) -> None:
    _lock(tmp_path, server)
    assert _wheel_bytes(server, "cu12") == 0
    assert _wheel_bytes(server, "cpu") == 0  # PDM itself reads the metadata file too
    assert any(path.endswith(_wheel_name("cu12") + ".metadata") for path in server.bytes_sent)


@pytest.mark.parametrize("server", [(False, False)], indirect=True)
def test_a_server_without_ranges_still_locks_downloading_the_wheel_once(tmp_path: Path, server: IndexServer) -> None:
    _, result = _lock(tmp_path, server)
    assert PADDING <= _wheel_bytes(server, "cu12") <= PADDING + MIB
    assert (
        f"wheel-variants: downloading {_wheel_name('cu12')} (24 MiB) to read its metadata: the index serves no "
        "metadata file and no byte ranges" in result["stderr"]
    )


def test_a_labels_wheel_with_another_projects_metadata_stops_the_lock_with_one_line(tmp_path: Path) -> None:
    """Labels are read together, in threads: one bad wheel among them is still one line naming it,
    and nothing is written (no lock, no memo entry)."""
    index = IndexServer(tmp_path / "index", ranges=True)
    dist = tmp_path / "dist"
    labels = {f"cu1{minor}": f"12.{minor}" for minor in range(6)}
    document = {
        **VARIANTS_JSON,
        "variants": {label: {"nvidia": {"cuda_version_lower_bound": [cuda]}} for label, cuda in labels.items()},
    }
    document["variants"]["cpu"] = VARIANTS_JSON["variants"]["cpu"]
    try:
        for label in [*labels, "cpu"]:
            variant = json.dumps({**document, "variants": {label: document["variants"][label]}})
            wheel = make_wheel(dist / label, "gpulib", "1.0", label=label, variant_json=variant)
            if label == "cu13":  # another project's wheel, under gpulib's name
                other = make_wheel(dist / "other", "otherlib", "1.0", label=label, variant_json=variant)
                wheel.unlink()
                other.rename(wheel)
            index.add("simple", wheel)
        index.write_variants_json("simple", "gpulib", "1.0", json.dumps(document))
        runner = PdmRunner(tmp_path / "pdm", pypi_url=index.index_url("simple"))
        (runner.project / "pyproject.toml").write_text(PYPROJECT)
        runner.create_venv()
        result = runner.pdm("lock", env=runner.machine("cpu", CPU_MACHINE), check=False)
    finally:
        index.stop()
    line = error_line(result)
    assert "gpulib-1.0-py3-none-any-cu13.whl" in line and "METADATA has Name 'otherlib'" in line
    assert not (runner.project / "pdm.lock").exists()
    assert not (runner.base / "pdm-cache" / "variant-metadata" / "dependencies.json").exists()
