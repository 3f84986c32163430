"""Acceptance: the real ``pdm`` CLI installs PEP 825 variant wheels built by our Hatch plugin.

The index holds ``gpu-demo`` 1.0.0 as cu126 / cu128 / null variant wheels, a non-variant wheel
and ``gpu_demo-1.0.0-variants.json``; the installed package reports its label itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
import tomlkit

from indexserver import IndexServer
from pdmtools import PdmRunner, error_line, variant_records

pytestmark = pytest.mark.slow

PYPROJECT = """\
[project]
name = "app"
version = "0"
requires-python = ">=3.10"
dependencies = []

[tool.pdm]
distribution = false
"""
CUDA = "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION"


@pytest.fixture
def gpu_index(index_server: IndexServer, tmp_path: Path) -> IndexServer:
    from hatchbuild import publish_producer_gpu

    return publish_producer_gpu(index_server, tmp_path)


def _runner(tmp_path: Path, server: IndexServer) -> PdmRunner:
    runner = PdmRunner(tmp_path / "pdm", pypi_url=server.index_url("simple"))
    (runner.project / "pyproject.toml").write_text(PYPROJECT)
    runner.create_venv()
    return runner


def _installed(runner: PdmRunner) -> str:
    return runner.run_python("import gpu_demo; print(gpu_demo.installed_variant())")


def _record(runner: PdmRunner) -> Mapping:
    return variant_records(runner.project)["gpu-demo"]


def test_add_picks_the_best_variant_and_one_lock_serves_every_machine(tmp_path: Path, gpu_index: IndexServer) -> None:
    runner = _runner(tmp_path, gpu_index)
    runner.pdm("add", "gpu-demo", env={CUDA: "12.8"})
    assert _installed(runner) == "cu128"

    record = _record(runner)
    assert record["origin"] == "pep825"
    assert sorted(record["variants"]) == ["cu126", "cu128", "null"]
    assert record["variants"]["cu126"]["properties"] == ["nvidia :: cuda_version_lower_bound :: 12.6"]
    assert record["variants-json"]["url"].endswith("/gpu_demo-1.0.0-variants.json")
    on_disk = tomlkit.parse((runner.project / "pdm.lock").read_text()).unwrap()["metadata"]["wheel-variants"]
    assert on_disk["schema"] == 2
    assert "variants" not in on_disk["packages"]["gpu-demo"]  # the document and the file names say it all
    lock_text = (runner.project / "pdm.lock").read_text()
    assert "gpu_demo-1.0.0-py3-none-any.whl" in lock_text  # the non-variant fallback is locked too

    # Same lock, other machines: each installs its best locked file, switching at the same version.
    runner.pdm("sync", env={CUDA: "12.6"})
    assert _installed(runner) == "cu126"
    runner.pdm("sync")
    assert _installed(runner) == "null"
    runner.pdm("sync", env={CUDA: "12.9"})
    assert _installed(runner) == "cu128"

    # A re-lock keeps the record; the lock stays fresh.
    runner.pdm("lock", "--update-reuse")
    assert _record(runner) == record
    runner.pdm("lock", "--check", env={CUDA: "12.6"})

    # A lock an earlier wheel-variants wrote (schema 1, every label's properties and files spelled
    # out): installs as it is; the next lock writes schema 2, the same record.
    lock_path = runner.project / "pdm.lock"
    document = tomlkit.parse(lock_path.read_text())
    document["metadata"]["wheel-variants"] = {"schema": 1, "packages": {"gpu-demo": dict(record)}}
    lock_path.write_text(document.as_string())
    runner.pdm("sync", env={CUDA: "12.6"})
    assert _installed(runner) == "cu126"
    runner.pdm("lock", "--update-reuse", env={CUDA: "12.6"})
    assert tomlkit.parse(lock_path.read_text()).unwrap()["metadata"]["wheel-variants"]["schema"] == 2
    assert _record(runner) == record

    # A lock table of a newer schema (a teammate's newer wheel-variants wrote it): refused, not guessed at.
    newer = lock_path.read_text().replace(
        "[metadata.wheel-variants]\nschema = 2\n", "[metadata.wheel-variants]\nschema = 3\n"
    )
    lock_path.write_text(newer)
    for command in ("sync", "lock"):
        line = error_line(runner.pdm(command, env={CUDA: "12.8"}, check=False))  # would switch to cu128
        assert "pdm.lock: [metadata.wheel-variants] has schema 3; this wheel-variants reads schemas 1, 2" in line
    assert lock_path.read_text() == newer
    assert _installed(runner) == "cu126"  # the environment is untouched


def test_malformed_variants_json_names_the_url_and_writes_no_lock(tmp_path: Path, gpu_index: IndexServer) -> None:
    gpu_index.write_variants_json("simple", "gpu-demo", "1.0.0", '{"variants": ')
    runner = _runner(tmp_path, gpu_index)
    result = runner.pdm("add", "gpu-demo", env={CUDA: "12.8"}, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "gpu_demo-1.0.0-variants.json" in output
    assert "Traceback" not in output
    assert not (runner.project / "pdm.lock").exists()
