"""Slow tier: the real `hatch build`, `python -m build`, `uv build`, `pip wheel`, then uv/pip installs.

Our own distribution is built once into a wheelhouse that the frontends' isolated build
environments install from (find-links); uv and hatch get a private cache and data directory so a
stale `wheel-variants` wheel from an earlier session is never reused.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GPU_FILES = [
    "gpu_demo-1.0.0-py3-none-any-cu126.whl",
    "gpu_demo-1.0.0-py3-none-any-cu128.whl",
    "gpu_demo-1.0.0-py3-none-any-null.whl",
    "gpu_demo-1.0.0-py3-none-any.whl",
]


def _tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def _run(command: list[str], cwd: Path, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"{command} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def tool_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for build frontends: our wheel on find-links, private uv/hatch state."""
    root = tmp_path_factory.mktemp("tools")
    wheelhouse = root / "wheelhouse"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HATCH_", "VIRTUAL_ENV"))}
    _run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(wheelhouse), str(REPO)], REPO, env)
    env.update(
        UV_FIND_LINKS=str(wheelhouse),
        PIP_FIND_LINKS=str(wheelhouse),
        UV_CACHE_DIR=str(root / "uv-cache"),
        HATCH_DATA_DIR=str(root / "hatch-data"),
        HATCH_CACHE_DIR=str(root / "hatch-cache"),
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


@pytest.fixture(scope="session")
def gpu_dist(tool_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """producer-gpu built through four frontends: cu126 / cu128 / null / non-variant."""
    project = tmp_path_factory.mktemp("gpu") / "producer-gpu"
    shutil.copytree(REPO / "examples" / "producer-gpu", project)
    dist = project / "dist"
    result = _run([sys.executable, "-m", "build", "--wheel", "-C", "variant-label=cu126", "."], project, tool_env)
    assert "Successfully built gpu_demo-1.0.0-py3-none-any-cu126.whl" in result.stdout
    result = _run([_tool("uv"), "build", "--wheel", "-C", "variant-label=cu128"], project, tool_env)
    assert "Successfully built dist/gpu_demo-1.0.0-py3-none-any-cu128.whl" in result.stderr
    result = _run([_tool("hatch"), "build", "-t", "wheel"], project, {**tool_env, "HATCH_VARIANT": "null"})
    assert "dist/gpu_demo-1.0.0-py3-none-any-null.whl" in result.stdout + result.stderr
    _run([_tool("uv"), "build", "--wheel"], project, tool_env)
    # hatch's generic-frontend path built the null wheel in a scratch directory and moved it:
    # (re)index dist/ as a maintainer does after PEP 517 builds.
    cli = [sys.executable, "-m", "wheel_variants", "index", str(dist)]
    _run(cli, project, {**tool_env, "PYTHONPATH": str(REPO / "src")})
    return dist


def test_frontends_produce_the_named_files(gpu_dist: Path) -> None:
    names = sorted(p.name for p in gpu_dist.iterdir() if p.suffix in {".whl", ".json"})
    assert names == sorted([*GPU_FILES, "gpu_demo-1.0.0-variants.json"])
    index = json.loads((gpu_dist / "gpu_demo-1.0.0-variants.json").read_text())
    assert sorted(index["variants"]) == ["cu126", "cu128", "null"]
    with zipfile.ZipFile(gpu_dist / GPU_FILES[0]) as archive:
        assert "Tag: py3-none-any\n" in archive.read("gpu_demo-1.0.0.dist-info/WHEEL").decode()
        record = archive.read("gpu_demo-1.0.0.dist-info/RECORD").decode()
        assert "gpu_demo-1.0.0.dist-info/variant.json,sha256=" in record


def test_pip_wheel_builds_the_variant_and_rejects_its_name(tool_env: dict[str, str], tmp_path: Path) -> None:
    project = tmp_path / "producer-gpu"
    shutil.copytree(REPO / "examples" / "producer-gpu", project)
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path / "out"), "."]
    result = _run([*pip, "-C", "variant-label=cu126"], project, tool_env, check=False)
    # The backend returned the labelled name; pip (no variant support) refuses such names by design.
    assert "gpu_demo-1.0.0-py3-none-any-cu126.whl" in result.stdout + result.stderr
    _run(pip, project, tool_env)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["gpu_demo-1.0.0-py3-none-any.whl"]


@pytest.mark.parametrize(("driver", "expected"), [(None, "null"), ("12.6", "cu126"), ("12.8", "cu128")])
def test_uv_installs_the_matching_variant(
    gpu_dist: Path, tool_env: dict[str, str], tmp_path: Path, driver: str | None, expected: str
) -> None:
    uv = _tool("uv")
    venv = tmp_path / "venv"
    env = {k: v for k, v in tool_env.items() if not k.startswith("NV_VARIANT_PROVIDER_")}
    if driver is not None:
        env["NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION"] = driver
    _run([uv, "venv", "-q", str(venv)], tmp_path, env)
    python = venv / "bin" / "python"
    _run(
        [
            uv,
            "pip",
            "install",
            "--python",
            str(python),
            "--preview-features",
            "wheel-variants",
            "--offline",
            "--no-index",
            "--find-links",
            str(gpu_dist),
            "gpu-demo",
        ],
        tmp_path,
        env,
    )
    assert _run([str(python), "-m", "gpu_demo"], tmp_path, env).stdout.strip() == expected


def test_pip_installs_the_non_variant_wheel(gpu_dist: Path, tool_env: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "target"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-index",
            "--find-links",
            str(gpu_dist),
            "--target",
            str(target),
            "gpu-demo",
        ],
        tmp_path,
        tool_env,
    )
    dist_info = target / "gpu_demo-1.0.0.dist-info"
    assert (dist_info / "WHEEL").exists()
    assert not (dist_info / "variant.json").exists()


def test_variantlib_reads_every_wheel_we_produce(gpu_dist: Path, cext_dist: Path) -> None:
    variantlib = _tool("variantlib")
    wheels = [p for d in (gpu_dist, cext_dist) for p in sorted(d.glob("*.whl"))]
    for wheel in wheels:
        label = wheel.stem.split("-")[5] if wheel.stem.count("-") == 5 else None
        result = subprocess.run(
            [variantlib, "analyze-wheel", "-i", str(wheel)], capture_output=True, text=True, check=False
        )
        output = result.stdout + result.stderr
        if label is None:
            assert "is not a Wheel Variant" in output or result.returncode == 0, output
        else:
            assert result.returncode == 0, output
            assert f"Variant: `{label}`" in output, output


@pytest.fixture(scope="session")
def cext_dist(tool_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which(os.environ.get("CC", "gcc")) is None:
        pytest.skip("no C compiler")
    project = tmp_path_factory.mktemp("cext") / "producer-cext"
    shutil.copytree(REPO / "examples" / "producer-cext", project)
    hatch = _tool("hatch")
    _run([hatch, "build", "-t", "variant-wheel:x86_64_v3,null"], project, tool_env)
    _run([hatch, "build", "-t", "wheel"], project, {**tool_env, "HATCH_VARIANT": "x86_64_v2"})
    _run([hatch, "build", "-t", "wheel"], project, tool_env)
    return project / "dist"


def test_hatch_builds_native_variants(cext_dist: Path, tool_env: dict[str, str], tmp_path: Path) -> None:
    plat = {p.name.split("-")[4].removesuffix(".whl") for p in cext_dist.glob("*.whl")}
    assert len(plat) == 1
    python = sys.implementation.cache_tag.replace("cpython-", "cp")
    tag = f"{python}-{python}-{plat.pop()}"
    names = sorted(p.name for p in cext_dist.iterdir() if p.suffix in {".whl", ".json"})
    assert names == sorted(
        [
            f"cext_demo-1.0.0-{tag}.whl",
            f"cext_demo-1.0.0-{tag}-null.whl",
            f"cext_demo-1.0.0-{tag}-x86_64_v2.whl",
            f"cext_demo-1.0.0-{tag}-x86_64_v3.whl",
            "cext_demo-1.0.0-variants.json",
        ]
    )
    # The native hook compiled each variant with its own -march (seen through the C macro).
    uv = _tool("uv")
    for label, expected in (("x86_64_v2", "x86-64-v2"), ("null", "baseline")):
        venv = tmp_path / label
        _run([uv, "venv", "-q", "--python", sys.executable, str(venv)], tmp_path, tool_env)
        wheel = next(cext_dist.glob(f"*-{label}.whl"))
        _run(
            [
                uv,
                "pip",
                "install",
                "--python",
                str(venv / "bin" / "python"),
                "--preview-features",
                "wheel-variants",
                "--offline",
                "--no-index",
                str(wheel),
            ],
            tmp_path,
            tool_env,
        )
        out = _run([str(venv / "bin" / "python"), "-m", "cext_demo"], tmp_path, tool_env).stdout.strip()
        assert out == expected


def test_bad_label_writes_nothing(tool_env: dict[str, str], tmp_path: Path) -> None:
    project = tmp_path / "producer-gpu"
    shutil.copytree(REPO / "examples" / "producer-gpu", project)
    result = _run([_tool("uv"), "build", "--wheel", "-C", "variant-label=cu999"], project, tool_env, check=False)
    assert result.returncode != 0
    assert "[variants] unknown variant label 'cu999' requested" in result.stdout + result.stderr
    assert not list((project / "dist").glob("*.whl"))
