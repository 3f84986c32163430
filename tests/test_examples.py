"""Every example runs as its README says: the ``$`` commands of its console blocks, verbatim.

The commands are read from ``examples/*/README.md`` and run in a copy of the example. A comment
after a command states what it produces: each file name in it must then exist in ``dist/``, and
for ``python -m ...`` the comment is the expected output. Labels are checked inside the wheels.
Console blocks after the first run in a fresh virtual environment, activated (``VIRTUAL_ENV`` and
``PATH``), as a reader installing the result would have.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EXAMPLES = REPO / "examples"
PRODUCED = re.compile(r"[\w.\-]+\.(?:whl|json)")
ENV_ASSIGNMENT = re.compile(r"[A-Z_][A-Z0-9_]*=")


def console_blocks(readme: Path) -> list[list[tuple[str, str]]]:
    """``[(command, comment), ...]`` per console block; continuation lines are joined."""
    blocks: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] | None = None
    pending = ""
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.startswith("```console"):
            current = []
            continue
        if line.startswith("```") and current is not None:
            blocks.append(current)
            current = None
            continue
        if current is None:
            continue
        text = line.strip()
        if pending:
            text = pending + " " + text
            pending = ""
        elif text.startswith("$ "):
            text = text[2:]
        else:
            continue  # output shown in the README
        if text.endswith("\\"):
            pending = text[:-1].strip()
            continue
        command, _, comment = text.partition(" # ")
        current.append((command.strip(), comment.strip()))
    return blocks


def _run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    words = shlex.split(command)
    extra = {}
    while words and ENV_ASSIGNMENT.match(words[0]):
        name, _, value = words.pop(0).partition("=")
        extra[name] = value
    executable = shutil.which(words[0], path=env["PATH"])
    assert executable is not None, f"{words[0]!r} not found for `{command}`"
    result = subprocess.run(
        [executable, *words[1:]],
        cwd=cwd,
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"`{command}` failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


def _expected_name(name: str) -> str:
    """A README file name with the CPython tag of the interpreter the README was written with."""
    python = f"cp{sys.version_info.major}{sys.version_info.minor}"
    return re.sub(r"cp3\d+-cp3\d+-linux_x86_64", f"{python}-{python}-{_platform_tag()}", name)


def _platform_tag() -> str:
    return sysconfig.get_platform().replace("-", "_").replace(".", "_")


def run_readme(example: str, tool_env: dict[str, str], tmp_path: Path) -> tuple[Path, list[tuple[str, str]]]:
    """Run every command of *example*'s README; return ``dist/`` and ``(command, output)`` pairs."""
    project = tmp_path / example
    shutil.copytree(EXAMPLES / example, project, ignore=shutil.ignore_patterns("dist", "__pycache__"))
    dist = project / "dist"
    outputs: list[tuple[str, str]] = []
    env = dict(tool_env)
    for number, block in enumerate(console_blocks(EXAMPLES / example / "README.md")):
        if number:  # installing: a fresh virtual environment, activated
            venv = tmp_path / f"venv{number}"
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
            env = {**tool_env, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{tool_env['PATH']}"}
        for command, comment in block:
            result = _run(command, project, env)
            outputs.append((command, result.stdout.strip()))
            for name in PRODUCED.findall(comment):
                produced = dist / Path(_expected_name(name)).name
                assert produced.exists(), f"`{command}` should produce {produced.name}: {sorted(os.listdir(dist))}"
            if command.startswith("python -m ") and comment and " " not in comment and not PRODUCED.search(comment):
                assert result.stdout.strip() == comment, f"`{command}` printed {result.stdout!r}, README says {comment}"
    return dist, outputs


def wheel_label(wheel: Path) -> str | None:
    """The label inside a wheel's ``variant.json`` (None for a plain wheel)."""
    with zipfile.ZipFile(wheel) as archive:
        names = [n for n in archive.namelist() if n.endswith(".dist-info/variant.json")]
        if not names:
            return None
        (label,) = json.loads(archive.read(names[0]))["variants"]
        return str(label)


@pytest.fixture(scope="module")
def tool_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Our wheel on find-links for the isolated build environments; private uv and hatch state."""
    root = tmp_path_factory.mktemp("example-tools")
    wheelhouse = root / "wheelhouse"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HATCH_", "PDM_", "WHEEL_VARIANTS_", "NV_VARIANT_")) and k != "VIRTUAL_ENV"
    }
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(wheelhouse), str(REPO)],
        check=True,
        capture_output=True,
    )
    env.update(
        UV_FIND_LINKS=str(wheelhouse),
        PIP_FIND_LINKS=str(wheelhouse),
        UV_CACHE_DIR=str(root / "uv-cache"),
        HATCH_DATA_DIR=str(root / "hatch-data"),
        HATCH_CACHE_DIR=str(root / "hatch-cache"),
        WHEEL_VARIANTS_CACHE_DIR=str(root / "variants-cache"),
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


def test_every_example_has_a_readme_with_commands() -> None:
    examples = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())
    assert examples == ["producer-cext", "producer-gpu"], "new example: add a test below"
    for example in examples:
        assert any(console_blocks(EXAMPLES / example / "README.md")), example


def test_producer_gpu_readme(tool_env: dict[str, str], tmp_path: Path) -> None:
    dist, outputs = run_readme("producer-gpu", tool_env, tmp_path)
    wheels = {p.name: wheel_label(p) for p in dist.glob("*.whl")}
    assert wheels == {
        "gpu_demo-1.0.0-py3-none-any.whl": None,
        "gpu_demo-1.0.0-py3-none-any-cu126.whl": "cu126",
        "gpu_demo-1.0.0-py3-none-any-cu128.whl": "cu128",
        "gpu_demo-1.0.0-py3-none-any-null.whl": "null",
    }
    index = json.loads((dist / "gpu_demo-1.0.0-variants.json").read_text(encoding="utf-8"))
    assert index["variants"] == {
        "cu126": {"nvidia": {"cuda_version_lower_bound": ["12.6"]}},
        "cu128": {"nvidia": {"cuda_version_lower_bound": ["12.8"]}},
        "null": {},
    }
    assert ("python -m gpu_demo", "cu128") in outputs  # installed with a forced CUDA 12.8 driver


@pytest.mark.skipif(
    shutil.which(os.environ.get("CC", "gcc")) is None or platform.machine() != "x86_64" or sys.platform != "linux",
    reason="needs a C compiler on x86-64 Linux",
)
def test_producer_cext_readme(tool_env: dict[str, str], tmp_path: Path) -> None:
    dist, _ = run_readme("producer-cext", tool_env, tmp_path)
    python = f"cp{sys.version_info.major}{sys.version_info.minor}"
    tag = f"{python}-{python}-{_platform_tag()}"
    wheels = {p.name: wheel_label(p) for p in dist.glob("*.whl")}
    assert wheels == {
        f"cext_demo-1.0.0-{tag}.whl": None,
        f"cext_demo-1.0.0-{tag}-null.whl": "null",
        f"cext_demo-1.0.0-{tag}-x86_64_v2.whl": "x86_64_v2",
        f"cext_demo-1.0.0-{tag}-x86_64_v3.whl": "x86_64_v3",
        f"cext_demo-1.0.0-{tag}-x86_64_v4.whl": "x86_64_v4",
    }
    index = json.loads((dist / "cext_demo-1.0.0-variants.json").read_text(encoding="utf-8"))
    assert sorted(index["variants"]) == ["null", "x86_64_v2", "x86_64_v3", "x86_64_v4"]
    assert index["variants"]["x86_64_v3"] == {"x86_64": {"level": ["v3"]}}
    # each variant's native code was compiled with its own -march (the C macro records it)
    for label, level in (("x86_64_v2", b"x86-64-v2"), ("x86_64_v3", b"x86-64-v3"), ("null", b"baseline")):
        with zipfile.ZipFile(dist / f"cext_demo-1.0.0-{tag}-{label}.whl") as archive:
            (module,) = [n for n in archive.namelist() if n.startswith("cext_demo/_level")]
            assert level in archive.read(module), label


def test_console_blocks_parser() -> None:
    readme = EXAMPLES / "producer-gpu" / "README.md"
    commands = [command for block in console_blocks(readme) for command, _ in block]
    assert "HATCH_VARIANT=null hatch build -t wheel" in commands
    assert any(c.startswith("NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION=12.8 uv pip install") for c in commands)
