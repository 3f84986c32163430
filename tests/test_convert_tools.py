"""Acceptance (issue 18): a per-backend mirror converted by ``wheel-variants convert`` and served
as it is; uv 0.13.9, pip, our PDM plugin and variantlib each take what they should from it.

The mirror serves one file name, ``fakellama-1.0-py3-none-any.whl``, on the cpu, cu126 and cu128
indexes with different contents; the installed module says which build it is.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from backendmirror import CUDA_LABELS, mirror_project, publish_backends
from indexserver import IndexServer
from pdmtools import PdmRunner
from wheel_variants.cli import main

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
NAME = "fakellama"
CUDA = "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION"
# forced driver (None: no driver) -> the build every variant-aware installer must pick
EXPECTED = {None: "cpu", "12.6": "cu126", "12.8": "cu128"}


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed next to this interpreter")
    return str(path)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The converted folder, served by a plain static file server (its index.html pages as they are)."""
    base = tmp_path_factory.mktemp("convert")
    mirror = IndexServer(base / "mirror")
    try:
        publish_backends(mirror, base / "build", NAME, list(CUDA_LABELS))
        project = mirror_project(base / "project", mirror, NAME, CUDA_LABELS)
        assert main(["convert", NAME, "-o", str(base / "out"), "--project", str(project)]) == 0
    finally:
        mirror.stop()
    handler = functools.partial(_Quiet, directory=str(base / "out"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", base / "out" / NAME
    finally:
        server.shutdown()
        server.server_close()


def isolated_env(base: Path, driver: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("UV_", "PIP_", "NV_VARIANT_", "WHEEL_VARIANTS_")) and key != "VIRTUAL_ENV"
    }
    env.update(
        HOME=str(base / "home"),
        XDG_CONFIG_HOME=str(base / "home" / "config"),
        UV_CACHE_DIR=str(base / "uv-cache"),
        UV_PYTHON=sys.executable,
        UV_PYTHON_DOWNLOADS="never",
        PIP_NO_CACHE_DIR="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        HTTP_PROXY="http://127.0.0.1:9",  # anything but the local index fails at once
        HTTPS_PROXY="http://127.0.0.1:9",
        NO_PROXY="127.0.0.1,localhost",
        NO_COLOR="1",
    )
    if driver is not None:
        env[CUDA] = driver
    return env


def run(*command: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


def backend_of(python: Path | str, env: dict[str, str], cwd: Path) -> str:
    return run(str(python), "-c", f"import {NAME}; print({NAME}.BACKEND)", env=env, cwd=cwd).stdout.strip()


@pytest.mark.parametrize("driver", list(EXPECTED), ids=["no-driver", "cuda-12.6", "cuda-12.8"])
def test_uv_installs_the_build_for_the_forced_driver(
    served: tuple[str, Path], tmp_path: Path, driver: str | None
) -> None:
    url, _ = served
    env = isolated_env(tmp_path, driver)
    uv = tool("uv")
    run(uv, "venv", str(tmp_path / "venv"), env=env, cwd=tmp_path)
    python = tmp_path / "venv" / "bin" / "python"
    run(
        uv, "pip", "install", "--preview-features", "wheel-variants", "--python", str(python),
        "--index-url", url, NAME, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert backend_of(python, env, tmp_path) == EXPECTED[driver]


def test_plain_pip_installs_the_cpu_build(served: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = served
    env = isolated_env(tmp_path, "12.8")  # a CUDA machine: pip still cannot see the variants
    target = tmp_path / "target"
    result = run(
        sys.executable, "-m", "pip", "install", "--index-url", url, "--target", str(target), NAME,
        env=env, cwd=tmp_path,
    )  # fmt: skip
    assert f"{NAME}-1.0-py3-none-any.whl" in result.stdout
    assert 'BACKEND = "cpu"' in (target / NAME / "__init__.py").read_text()
    assert not (target / f"{NAME}-1.0.dist-info" / "variant.json").exists()


def test_the_pdm_plugin_picks_what_uv_picks(served: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = served
    runner = PdmRunner(tmp_path / "pdm", pypi_url=url)
    (runner.project / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.10"\ndependencies = []\n\n'
        "[tool.pdm]\ndistribution = false\n"
    )
    runner.create_venv()
    runner.pdm("add", NAME)
    installed = {None: runner.run_python(f"import {NAME}; print({NAME}.BACKEND)")}
    for driver in ("12.6", "12.8"):
        runner.pdm("sync", env={CUDA: driver})
        installed[driver] = runner.run_python(f"import {NAME}; print({NAME}.BACKEND)")
    assert installed == EXPECTED


def test_variantlib_reads_every_labelled_wheel(served: tuple[str, Path], tmp_path: Path) -> None:
    _, folder = served
    variantlib = tool("variantlib")
    labelled = sorted(p for p in folder.glob("*.whl") if p.stem.count("-") == 5)
    assert [p.stem.rsplit("-", 1)[1] for p in labelled] == ["cu126", "cu128", "null"]
    for wheel in labelled:
        result = subprocess.run(
            [variantlib, "analyze-wheel", "-i", str(wheel)], capture_output=True, text=True, check=False, timeout=60
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert f"Variant: `{wheel.stem.rsplit('-', 1)[1]}`" in output, output
