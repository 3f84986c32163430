"""The ``wheel-variants`` parser: every command listed, only the chosen one's module imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wheel_variants.cli import COMMANDS, chosen_command, main

# Runs `main(argv)` in a fresh interpreter and prints the wheel_variants and other modules of
# interest it imported, so a test sees the import graph of one command alone.
_PROBE = """
import json, sys
from wheel_variants.cli import main
try:
    main(json.loads(sys.argv[1]))
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def imported_by(argv: list[str], tmp_path: Path) -> set[str]:
    env = {"WHEEL_VARIANTS_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(argv)], capture_output=True, text=True, env=env, check=True
    )
    return set(json.loads(result.stderr.splitlines()[-1]))


def test_top_level_help_lists_every_command_without_importing_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps the help lines
    for name, help_line in COMMANDS.items():
        assert f"{name} {help_line}" in text
    modules = imported_by(["--help"], tmp_path)
    assert not {f"wheel_variants.cli.{name}" for name in COMMANDS} & modules


def test_a_subcommand_help_has_its_description(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["explain", "--help"])
    assert "print the winner and why every other variant lost" in " ".join(capsys.readouterr().out.split())


def test_detect_imports_detection_only(tmp_path: Path) -> None:
    modules = imported_by(["detect", "--json", "--no-cache"], tmp_path)
    ours = {name for name in modules if name.startswith("wheel_variants")}
    assert not {name for name in ours if name.startswith(("wheel_variants.uv", "wheel_variants.config"))}
    assert "wheel_variants.properties" not in ours  # the validators come from grammar.py
    assert ours & {f"wheel_variants.cli.{name}" for name in COMMANDS} == {"wheel_variants.cli.detect"}
    assert not {"tomlkit", "packaging.markers", "packaging.requirements", "argparse", "typing"} & modules


def test_plain_detect_skips_argparse_with_the_same_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["detect", "--no-cache", "--json"]) == 0
    flags_only = capsys.readouterr().out
    assert main(["detect", "--no-c", "--json"]) == 0  # an abbreviation: argparse parses it
    assert capsys.readouterr().out == flags_only
    assert main(["detect", "--no-cache"]) == 0
    assert not capsys.readouterr().out.startswith("{")


def test_the_command_is_the_first_word_that_is_not_an_option() -> None:
    assert chosen_command(["detect", "--json"]) == "detect"
    assert chosen_command(["--", "uv", "--check"]) == "uv"
    assert chosen_command(["--version"]) is None
    assert main([]) == 2  # no command: the help, exit 2
