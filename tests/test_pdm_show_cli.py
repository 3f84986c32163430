"""Acceptance: the real ``pdm variants show`` outside a project, and on a captured x86_64 CUDA machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hardware_trees import capture, make_tree
from indexserver import IndexServer
from llamamirror import llama_mirror, llama_runner
from pdmtools import PdmRunner
from wheel_variants.detection import detect

pytestmark = pytest.mark.slow


def _captured_cuda_x86_64(directory: Path) -> Path:
    """A target file: what this project detects on a Haswell CPU with NVIDIA driver 565.57.01."""
    root = make_tree(directory / "root", {
        "/proc/cpuinfo": capture("x86_64-cpuinfo/archspec-linux-rhel7-haswell.cpuinfo"),
        "/proc/driver/nvidia/version": capture(
            "nvidia/nixGL-issue186-565.57.01-open-ubuntu24.04.proc-driver-nvidia-version"),
    })  # fmt: skip
    target = directory / "cuda-x86_64.json"
    target.write_text(detect(root=str(root), use_cache=False).to_json())
    return target


def test_show_outside_a_project_is_one_error_line(tmp_path: Path) -> None:
    runner = PdmRunner(tmp_path / "pdm", pypi_url="http://127.0.0.1:9/simple")  # no pyproject.toml
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for args, directory in (
        (("variants", "show"), runner.project),
        (("variants", "-p", str(elsewhere), "show", "--json"), elsewhere),
    ):
        result = runner.pdm(*args, check=False)
        assert result.returncode == 1
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"[PdmUsageError]: wheel-variants: {directory} is not a PDM project")


def test_show_lists_the_namespaces_the_variants_use(tmp_path: Path, index_server: IndexServer) -> None:
    runner = llama_runner(tmp_path, llama_mirror(index_server, tmp_path))
    env = {"WHEEL_VARIANTS_TARGET": str(_captured_cuda_x86_64(tmp_path))}
    x86_64 = json.loads(Path(env["WHEEL_VARIANTS_TARGET"]).read_text())["namespaces"]["x86_64"]["features"]
    runner.pdm("lock", env=env)

    lines = runner.pdm("variants", "show", env=env).stdout.splitlines()
    assert lines[0] == "Supported properties on this machine (namespaces the project's variants use):"
    assert [line.split(" :: ")[:2] for line in lines[1:3]] == [
        ["  nvidia", "cuda_version_lower_bound"],
        ["  nvidia", "cuda_version_upper_bound"],
    ]
    assert lines[3:5] == [
        "  (nothing detected in apple)",
        f"  ({len(x86_64)} more features in other namespaces: x86_64; --all shows them)",
    ]
    assert lines[5].startswith("llama-cpp-python (catalog): chosen ")
    assert "In the lock, for this machine:" in lines

    every = runner.pdm("variants", "show", "--all", env=env).stdout.splitlines()
    assert every[0] == "Supported properties on this machine:"
    assert sum(line.startswith("  x86_64 :: ") for line in every) == len(x86_64)
    document = json.loads(runner.pdm("variants", "show", "--json", env=env).stdout)
    assert document["supported"]["x86_64"] == x86_64
