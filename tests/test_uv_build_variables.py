"""uv users get fresh source builds per variant: the generator's ``extra-build-variables`` reach a
real scikit-build-core build, and uv rebuilds and reinstalls when they change.

uv keys its built wheels and installed distributions by the build settings (config settings and
extra build variables), so switching the default label never gives a stale build. ``uv
--no-config`` (``UV_NO_CONFIG=1``) ignores ``[tool.uv]`` settings in ``pyproject.toml``, these
variables included: the last test pins that, because it silently builds the wrong flavour.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cmakesdist import FLAVOUR_VARIANTS, build_tools_available, installed_wheels, make_flavour_sdist
from indexserver import IndexServer
from wheel_variants.cli import main

UV = Path(sys.executable).parent / "uv"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not UV.exists(), reason="uv is not installed next to this interpreter"),
    pytest.mark.skipif(build_tools_available() is not None, reason=str(build_tools_available())),
]

PYPROJECT = """\
[project]
name = "app"
version = "0.1"
requires-python = ">=3.10"
dependencies = []

[tool.uv]
package = false

[tool.wheel-variants.uv]
dependencies = ["flavour==1.0"]
mode = "groups"

"""
PYPROJECT += FLAVOUR_VARIANTS


@pytest.fixture
def project(tmp_path: Path, index_server: IndexServer) -> Path:
    sdist = make_flavour_sdist(tmp_path / "dist")
    index_server.add("simple", *installed_wheels("scikit-build-core", tmp_path / "tools"), sdist)
    index_server.add("flavour", sdist)
    project = tmp_path / "app"
    project.mkdir()
    (project / "pyproject.toml").write_text(PYPROJECT.format(index=index_server.index_url("flavour")))
    return project


def _uv_env(project: Path, server: IndexServer) -> dict[str, str]:
    home = project.parent / "home"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("UV_") and key not in {"VIRTUAL_ENV", "CMAKE_ARGS", "PYTHONPATH"}
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),  # no user uv.toml
        UV_CACHE_DIR=str(project.parent / "uv-cache"),
        UV_PYTHON=sys.executable,
        UV_PYTHON_DOWNLOADS="never",
        UV_DEFAULT_INDEX=server.index_url("simple"),
        # anything but the local index fails at once: the test never leaves 127.0.0.1
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        NO_PROXY="127.0.0.1,localhost",
        FLAVOUR_BUILD_LOG=str(project.parent / "build.log"),
        NO_COLOR="1",
    )
    return env


def _sync_label(project: Path, env: dict[str, str], label: str) -> str:
    assert main(["uv", "--project", str(project), "--write", "--groups", "--default", label]) == 0
    result = subprocess.run([str(UV), "sync"], cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    python = project / ".venv" / "bin" / "python"
    return subprocess.run(
        [str(python), "-c", "import flavour; print(flavour.FLAVOUR)"], capture_output=True, text=True, check=True
    ).stdout.strip()


def _builds(project: Path) -> list[str]:
    log = project.parent / "build.log"
    return log.read_text().splitlines() if log.exists() else []


def test_switching_the_default_label_rebuilds_with_its_variables(project: Path, index_server: IndexServer) -> None:
    env = _uv_env(project, index_server)
    assert [_sync_label(project, env, label) for label in ("cpu", "cuda", "cpu")] == ["cpu", "cuda", "cpu"]
    assert 'flavour = {CMAKE_ARGS = "-DFLAVOUR=cpu"}' in (project / "pyproject.toml").read_text()
    assert _builds(project)[:2] == ["build FLAVOUR=cpu", "build FLAVOUR=cuda"]


def test_uv_no_config_ignores_the_build_variables(project: Path, index_server: IndexServer) -> None:
    env = {**_uv_env(project, index_server), "UV_NO_CONFIG": "1"}
    assert _sync_label(project, env, "cuda") == "none"  # built without CMAKE_ARGS
