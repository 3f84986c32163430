"""The real uv locks and syncs generated projects against local per-backend indexes.

Every backend index holds the *same* version and file name with different contents (as
llama-cpp-python publishes them); the installed module says which build it is.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from indexserver import IndexServer
from llamamirror import llama_mirror
from wheel_variants.cli import main
from wheelmaker import make_wheel

UV = Path(sys.executable).parent / "uv"
BACKENDS = ("cpu", "cu124", "metal")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not UV.exists(), reason="uv is not installed next to this interpreter"),
]

MACHINE = platform.machine()
MAC_ARM = sys.platform == "darwin" and MACHINE == "arm64"
CUDA_PLATFORM = sys.platform in ("linux", "win32") and MACHINE in ("x86_64", "AMD64")


def uv_env(base: Path, server: IndexServer) -> dict[str, str]:
    """uv isolated from the user's configuration and the network. Not UV_NO_CONFIG: it would drop
    the generated [tool.uv] settings (reinstall-package, extra-build-variables) too."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("UV_") and key != "VIRTUAL_ENV"}
    env.update(
        HOME=str(base / "home"),
        XDG_CONFIG_HOME=str(base / "home" / "config"),
        UV_CACHE_DIR=str(base / "cache"),
        UV_PYTHON=sys.executable,
        UV_PYTHON_DOWNLOADS="never",
        UV_DEFAULT_INDEX=server.index_url("simple"),
        HTTP_PROXY="http://127.0.0.1:9",  # anything but the local index fails at once
        HTTPS_PROXY="http://127.0.0.1:9",
        NO_PROXY="127.0.0.1,localhost",
        NO_COLOR="1",
    )
    return env


def uv(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(UV), *args], cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.lower(), result.stderr
    return result


def installed(project: Path, module: str) -> str:
    python = project / ".venv" / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    return subprocess.run(
        [str(python), "-c", f"import {module}; print({module}.BACKEND)"], capture_output=True, text=True, check=True
    ).stdout.strip()


# -- the markers form: the project's own requirement, routed by platform ------------------------

LLAMA_PROJECT = """\
[project]
name = "app"
version = "0.1"
requires-python = ">=3.10"
dependencies = ["llama-cpp-python>=0.3"]
"""


def expected_build(default: str) -> str:
    if MAC_ARM:
        return "metal"
    return default if default != "metal" and (CUDA_PLATFORM or default == "cpu") else "cpu"


@pytest.fixture
def llama_project(tmp_path: Path, index_server: IndexServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    llama_mirror(index_server, tmp_path)
    monkeypatch.setenv("WHEEL_VARIANTS_INDEX_BASE_LLAMA_CPP", index_server.index_url("llama"))
    project = tmp_path / "app"
    project.mkdir()
    (project / "pyproject.toml").write_text(LLAMA_PROJECT, encoding="utf-8")
    return project


def generate(project: Path, default: str) -> str:
    assert main(["uv", "--project", str(project), "--write", "--default", default]) == 0
    return (project / "pyproject.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("default", ["cu124", "cpu"])
def test_marker_form_installs_the_default_or_fallback_build(
    llama_project: Path, index_server: IndexServer, default: str
) -> None:
    text = generate(llama_project, default)
    assert 'dependencies = ["llama-cpp-python>=0.3"]' in text and "optional-dependencies" not in text
    assert generate(llama_project, default) == text  # a second run changes nothing
    assert main(["uv", "--project", str(llama_project), "--check", "--default", default]) == 0
    env = uv_env(llama_project.parent, index_server)
    uv(llama_project, env, "lock")
    uv(llama_project, env, "sync", "--locked")
    assert installed(llama_project, "llama_cpp") == expected_build(default)


def test_marker_form_switching_the_default_needs_the_printed_reinstall(
    llama_project: Path, index_server: IndexServer, capsys: pytest.CaptureFixture[str]
) -> None:
    env = uv_env(llama_project.parent, index_server)
    generate(llama_project, "cu124")
    uv(llama_project, env, "lock")
    uv(llama_project, env, "sync")
    assert installed(llama_project, "llama_cpp") == expected_build("cu124")
    capsys.readouterr()
    generate(llama_project, "cpu")
    hint = "uv sync --reinstall-package llama-cpp-python"
    assert hint in capsys.readouterr().err
    uv(llama_project, env, "lock")
    uv(llama_project, env, "sync")
    if expected_build("cu124") != expected_build("cpu"):
        # Why the hint exists: same version and file name, so uv 0.13.9 keeps the old build.
        assert installed(llama_project, "llama_cpp") == expected_build("cu124")
    uv(llama_project, env, *hint.split()[1:])
    assert installed(llama_project, "llama_cpp") == "cpu"


# -- the extras and groups forms: switching backends on one machine ------------------------------


def extras_project_text(server: IndexServer, groups: bool) -> str:
    variants = "".join(
        f'[tool.wheel-variants.packages.fakellama.variants.{label}]\nindex = "{server.index_url(label)}"\n{extra}\n'
        for label, extra in (
            ("cpu", ""),
            (
                "cu124",
                'properties = ["nvidia :: cuda_version_lower_bound :: 12.4"]\n'
                "marker = \"platform_machine == 'x86_64' or platform_machine == 'AMD64'\"\n"
                'build = { env = { CMAKE_ARGS = "-DGGML_CUDA=on" } }\n',
            ),
            ("metal", 'properties = ["apple :: metal :: on"]\n'),
        )
    )
    return (
        '[project]\nname = "app"\nversion = "0.1"\nrequires-python = ">=3.8"\ndependencies = []\n\n'
        "[tool.uv]\npackage = false\n\n"
        f'[tool.wheel-variants.uv]\ndependencies = ["fakellama==0.3.0"]\nmode = "{"groups" if groups else "extras"}"\n'
        'default = "cu124"\n\n'
        # the per-package fact (as the catalog says it of llama-cpp-python): the generator adds reinstall-package
        "[tool.wheel-variants.packages.fakellama]\nidentical-filenames = true\n\n"
        f"{variants}"
    )


@pytest.mark.parametrize("groups", [False, True])
def test_switching_extras_or_groups_installs_each_build(
    tmp_path: Path, index_server: IndexServer, groups: bool
) -> None:
    for backend in BACKENDS:
        wheel = make_wheel(
            tmp_path / "wheels" / backend,
            "fakellama",
            "0.3.0",
            files={"fakellama/__init__.py": f'BACKEND = "{backend}"\n'},
        )
        index_server.add(backend, wheel)
    index_server.project_dir("simple", "unused")
    project = tmp_path / "app"
    project.mkdir()
    (project / "pyproject.toml").write_text(extras_project_text(index_server, groups), encoding="utf-8")
    assert main(["uv", "--project", str(project), "--write"]) == 0
    assert main(["uv", "--project", str(project), "--check"]) == 0
    assert 'reinstall-package = ["fakellama"]' in (project / "pyproject.toml").read_text()
    env = uv_env(tmp_path, index_server)
    uv(project, env, "lock")
    expected = {"cpu": "cpu", "cu124": "cu124" if CUDA_PLATFORM else "cpu", "metal": "metal" if MAC_ARM else "cpu"}
    flag = "--group" if groups else "--extra"
    # cpu -> cu124 -> cpu -> metal: every switch changes the index, never the file name
    for choice in ("cpu", "cu124", "cpu", "metal"):
        # With default-groups = ["cu124"], another group is chosen with --no-default-groups.
        others = ["--no-default-groups"] if groups and choice != "cu124" else []
        uv(project, env, "sync", "--locked", *others, flag, choice)
        assert installed(project, "fakellama") == expected[choice], choice
