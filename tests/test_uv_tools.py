"""The real uv locks and syncs a generated project against local per-backend indexes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from indexserver import IndexServer
from wheel_variants.cli import main
from wheelmaker import make_wheel

pytestmark = pytest.mark.slow

UV = Path(sys.executable).parent / "uv"
BACKENDS = ("cpu", "cu124", "metal")


def project_text(server: IndexServer, groups: bool) -> str:
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
        f'default = "cu124"\nidentical-filenames = ["fakellama"]\n\n{variants}'
    )


def uv(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "UV_CACHE_DIR": str(project.parent / "cache"),
        "UV_PYTHON": sys.executable,
        "UV_NO_CONFIG": "1",
        "UV_PYTHON_DOWNLOADS": "never",
        "NO_COLOR": "1",
    }
    for name in ("UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_INDEX", "UV_DEFAULT_INDEX", "VIRTUAL_ENV"):
        env.pop(name, None)
    result = subprocess.run(
        [str(UV), *args], cwd=project, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.lower(), result.stderr
    return result


@pytest.mark.skipif(not UV.exists(), reason="uv is not installed next to this interpreter")
@pytest.mark.parametrize("groups", [False, True])
def test_uv_locks_and_syncs_each_backend(tmp_path: Path, index_server: IndexServer, groups: bool) -> None:
    for backend in BACKENDS:
        wheel = make_wheel(
            tmp_path / "wheels" / backend,
            "fakellama",
            "0.3.0",
            files={"fakellama/__init__.py": f'BACKEND = "{backend}"\n'},
        )
        index_server.add(backend, wheel)
    project = tmp_path / "app"
    project.mkdir()
    (project / "pyproject.toml").write_text(project_text(index_server, groups), encoding="utf-8")
    assert main(["uv", "--project", str(project), "--write"]) == 0
    assert main(["uv", "--project", str(project), "--check"]) == 0
    uv(project, "lock")
    expected = {"cpu": "cpu", "cu124": "cu124" if os.uname().machine in ("x86_64", "AMD64") else "cpu"}
    expected["metal"] = "metal" if sys.platform == "darwin" and os.uname().machine == "arm64" else "cpu"
    flag = "--group" if groups else "--extra"
    for choice, backend in expected.items():
        # With default-groups = ["cu124"], another group is chosen with --no-default-groups.
        others = ["--no-default-groups"] if groups and choice != "cu124" else []
        uv(project, "sync", "--locked", *others, flag, choice, "--reinstall-package", "fakellama")
        shown = uv(project, "run", "--no-sync", "python", "-c", "import fakellama; print(fakellama.BACKEND)")
        assert shown.stdout.strip() == backend, (choice, shown.stdout)
