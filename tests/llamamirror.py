"""A llama-cpp-python-shaped mirror and a real-``pdm`` project pointed at it (for acceptance tests).

The mirror has cpu / cu124 / cu125 / metal sub-indexes holding the *same* version and filename
with different contents (the installed module reports which one it is), plus ``plainlib`` on the
default index.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from indexserver import IndexServer
from pdmtools import PdmRunner
from wheelmaker import make_wheel

__all__ = ["CUDA_12_4", "LABELS", "backend", "llama_mirror", "llama_runner", "no_gpu"]

LABELS = ("cpu", "cu124", "cu125", "metal")
CUDA_12_4 = {"NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION": "12.4"}
PYPROJECT = """\
[project]
name = "app"
version = "0"
requires-python = ">=3.10"
dependencies = [{deps}]

[tool.pdm]
distribution = false
{extra}"""


def llama_mirror(server: IndexServer, tmp_path: Path) -> IndexServer:
    for label in LABELS:
        wheel = make_wheel(
            tmp_path / "dist" / label,
            "llama-cpp-python",
            "0.3.2",
            files={"llama_cpp/__init__.py": f'BACKEND = "{label}"\n'},
        )
        server.add(f"llama/{label}", wheel)
    server.add("simple", make_wheel(tmp_path / "dist" / "pypi", "plainlib", "1.0"))
    return server


def llama_runner(
    tmp_path: Path, server: IndexServer, *, deps: str = '"llama-cpp-python"', extra: str = "", lock_format: str = "pdm"
) -> PdmRunner:
    runner = PdmRunner(tmp_path / "pdm", pypi_url=server.index_url("simple"))
    runner.env["WHEEL_VARIANTS_INDEX_BASE_LLAMA_CPP"] = server.index_url("llama")
    runner.env["PDM_LOCK_FORMAT"] = lock_format
    (runner.project / "pyproject.toml").write_text(PYPROJECT.format(deps=deps, extra=extra))
    runner.create_venv()
    return runner


def no_gpu(runner: PdmRunner) -> dict[str, str]:
    """Environment for a machine with no GPU (an empty target)."""
    path = runner.base / "no-gpu.json"
    path.write_text(json.dumps({}))
    return {"WHEEL_VARIANTS_TARGET": str(path)}


def backend(runner: PdmRunner) -> str | None:
    """The installed llama_cpp build, or None when it is not installed."""
    try:
        return runner.run_python("import llama_cpp; print(llama_cpp.BACKEND)")
    except subprocess.CalledProcessError:
        return None
