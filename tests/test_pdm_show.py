"""``pdm variants show`` in process: outside a project, and which supported properties it prints.

The machine is a target captured from real hardware files (``tests/fixtures/hardware``): an
x86_64 Haswell CPU with an NVIDIA driver, through ``WHEEL_VARIANTS_TARGET``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pdm")

# PDM itself uses importlib.resources.open_binary (deprecated) when its CLI modules load.
pytestmark = pytest.mark.filterwarnings("ignore:open_binary is deprecated:DeprecationWarning")

from hardware_trees import capture, make_tree  # noqa: E402
from pdm_variants import plugin  # noqa: E402
from wheel_variants.detection import clear_memo, detect  # noqa: E402

PYPROJECT = """\
[project]
name = "app"
version = "0"
requires-python = ">=3.10"
dependencies = ["llama-cpp-python"]

[tool.pdm]
distribution = false
"""


@pytest.fixture
def cuda_x86_64(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """This machine becomes the captured x86_64 + NVIDIA one; returns its x86_64 features."""
    root = make_tree(tmp_path / "root", {
        "/proc/cpuinfo": capture("x86_64-cpuinfo/archspec-linux-rhel7-haswell.cpuinfo"),
        "/proc/driver/nvidia/version": capture(
            "nvidia/nixGL-issue186-565.57.01-open-ubuntu24.04.proc-driver-nvidia-version"),
    })  # fmt: skip
    target = tmp_path / "cuda-x86_64.json"
    target.write_text(detect(root=str(root), use_cache=False).to_json())
    for name in ("WHEEL_VARIANTS_PROPERTIES", "WHEEL_VARIANTS_TRUSTED_PROVIDERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WHEEL_VARIANTS_TARGET", str(target))
    clear_memo()
    features: dict[str, list[str]] = json.loads(target.read_text())["namespaces"]["x86_64"]["features"]
    return features


@pytest.fixture
def core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from pdm.core import Core

    config = tmp_path / "pdm-config.toml"
    config.write_text("")
    monkeypatch.setenv("PDM_CONFIG_FILE", str(config))
    monkeypatch.setenv("PDM_CHECK_UPDATE", "false")
    monkeypatch.setenv("NO_COLOR", "1")
    core = Core()
    plugin(core)
    return core


def _command() -> Any:
    from pdm_variants.commands.variants import VariantsCommand  # imports PDM's CLI (not at collection)

    return VariantsCommand()


def _show(core: Any, root: Path, *extra: str) -> None:
    options = argparse.Namespace(variants_command="show", json="--json" in extra, all="--all" in extra)
    _command().handle(core.create_project(root), options)


@pytest.mark.parametrize("subcommand", ["show", "add-target"])
def test_outside_a_project_is_one_error_naming_the_directory(core: Any, tmp_path: Path, subcommand: str) -> None:
    from pdm.exceptions import PdmUsageError

    empty = tmp_path / "empty"
    empty.mkdir()
    options = argparse.Namespace(variants_command=subcommand, json=False, all=False, name="box", force=False)
    with pytest.raises(PdmUsageError) as raised:
        _command().handle(core.create_project(empty), options)
    assert str(raised.value) == (
        f"wheel-variants: {empty} is not a PDM project (it has no pyproject.toml); "
        "run this in a project directory or pass it with `pdm variants -p DIR ...`"
    )
    assert list(empty.iterdir()) == []  # add-target wrote nothing


def test_show_prints_only_the_namespaces_the_variants_use(
    core: Any, tmp_path: Path, cuda_x86_64: dict[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    _show(core, tmp_path)
    lines = capsys.readouterr().out.splitlines()

    assert lines[0] == "Supported properties on this machine (namespaces the project's variants use):"
    assert lines[1].startswith("  nvidia :: cuda_version_lower_bound :: 12.6, 12.5, 12.4, ")
    assert not any(line.startswith("  x86_64 ::") for line in lines)
    assert "  (nothing detected in apple)" in lines  # the metal variant's namespace
    note = f"  ({len(cuda_x86_64)} more features in other namespaces: x86_64; --all shows them)"
    ranking = next(i for i, line in enumerate(lines) if line.startswith("llama-cpp-python (catalog): chosen "))
    assert lines.index(note) < ranking


def test_show_all_and_json_keep_every_property(
    core: Any, tmp_path: Path, cuda_x86_64: dict[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    _show(core, tmp_path, "--all")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Supported properties on this machine:"
    assert f"  x86_64 :: level :: {', '.join(cuda_x86_64['level'])}" in lines
    assert sum(line.startswith("  x86_64 :: ") for line in lines) == len(cuda_x86_64)
    assert not any("--all shows" in line for line in lines)

    _show(core, tmp_path, "--json")
    document = json.loads(capsys.readouterr().out)
    assert document["version"] == 1
    assert document["supported"]["x86_64"] == cuda_x86_64


def test_show_in_a_project_that_manages_nothing(
    core: Any, tmp_path: Path, cuda_x86_64: dict[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.replace('"llama-cpp-python"', '"plainlib"'))
    _show(core, tmp_path)
    assert (
        capsys.readouterr().out
        == "No variant-managed packages in this project. (--all shows this machine's properties)\n"
    )
    _show(core, tmp_path, "--all")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Supported properties on this machine:"
    assert sum(line.startswith("  x86_64 :: ") for line in lines) == len(cuda_x86_64)
    assert lines[-1] == "No variant-managed packages in this project."


def _subcommand_help(name: str) -> str:
    parser = argparse.ArgumentParser()
    _command().add_arguments(parser)
    (subparsers,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return next(a.help for a in subparsers._choices_actions if a.dest == name) or ""


def test_help_lines_say_what_show_and_uv_do() -> None:
    assert "(--all: every one)" in _subcommand_help("show")
    uv = _subcommand_help("uv")
    assert "markers form, default" in uv
    assert "conflicts" not in uv  # only the extras/groups forms write conflicts
