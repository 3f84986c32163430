"""Never break PDM: on an ordinary project (no variants) every common command gives the same
``pdm.lock`` bytes, the same installed set and the same exported requirements with the plugin on
as with ``WHEEL_VARIANTS_PDM_DISABLE=1``, on whichever PDM ``WHEEL_VARIANTS_TEST_PDM`` names
(scripts/test runs it on every claimed stack)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from indexserver import IndexServer
from pdmtools import PdmRunner
from wheelmaker import make_sdist, make_wheel

pytestmark = pytest.mark.slow


def _publish(server: IndexServer, tmp_path: Path) -> None:
    build = tmp_path / "build"
    server.add("simple", make_wheel(build, "alpha", "1.0", requires=["beta>=1"]))
    server.add("simple", make_wheel(build, "alpha", "1.1", requires=["beta>=1"]))
    server.add("simple", make_wheel(build, "beta", "1.0"))
    server.add("simple", make_wheel(build, "gamma", "2.0"))
    server.add("simple", make_sdist(build, "delta", "0.5", "delta"))


def _session(base: Path, server: IndexServer, env: dict[str, str]) -> dict[str, object]:
    """The ordinary life of a project; what a user can observe after each step."""
    runner = PdmRunner(base, pypi_url=server.index_url("simple"))
    runner.pdm("init", "--non-interactive", env=env)
    shutil.rmtree(runner.project / ".venv", ignore_errors=True)
    runner.create_venv()
    observed: dict[str, object] = {}
    steps: list[tuple[str, ...]] = [
        ("add", "alpha==1.0", "delta"),
        ("lock",),
        ("sync", "--clean"),
        ("update", "--unconstrained", "alpha"),
        ("add", "-d", "gamma"),
        ("remove", "-d", "gamma"),
        ("export", "-o", "requirements.txt"),
        ("lock", "--check"),
    ]
    for step in steps:
        result = runner.pdm(*step, env=env)
        key = " ".join(step)
        lock = runner.project / "pdm.lock"
        observed[f"{key}: lock"] = lock.read_bytes() if lock.exists() else None
        observed[f"{key}: installed"] = runner.pdm("list", "--freeze", env=env).stdout
        observed[f"{key}: plugin said"] = re.findall(r".*wheel-variants.*", result.stdout + result.stderr)
    observed["exported"] = (runner.project / "requirements.txt").read_text()
    observed["pyproject"] = (runner.project / "pyproject.toml").read_text()
    return observed


def test_plain_project_is_byte_identical_with_the_plugin_on_and_off(tmp_path: Path, index_server: IndexServer) -> None:
    _publish(index_server, tmp_path)
    # Both projects are called "project" (PdmRunner), so `pdm init` writes the same pyproject.
    off = _session(tmp_path / "off", index_server, {"WHEEL_VARIANTS_PDM_DISABLE": "1"})
    on = _session(tmp_path / "on", index_server, {})

    assert b'name = "alpha"' in off["lock --check: lock"]  # type: ignore[operator]
    assert "alpha==1.1" in off["exported"]  # type: ignore[operator]
    assert "delta==0.5" in off["sync --clean: installed"]  # type: ignore[operator]
    assert "gamma==2.0" in off["add -d gamma: installed"]  # type: ignore[operator]
    for key in off:
        assert on[key] == off[key], key
    assert all(not lines for key, lines in on.items() if key.endswith("plugin said"))
