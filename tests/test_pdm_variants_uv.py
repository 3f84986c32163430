"""`pdm variants uv` is the same generator as `wheel-variants uv`, run through the real pdm CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdmtools import PdmRunner
from test_uvconfig import PYPROJECT
from wheel_variants.cli import main

pytestmark = pytest.mark.slow


def test_pdm_variants_uv_writes_what_wheel_variants_uv_writes(tmp_path: Path) -> None:
    # No index is contacted: an unroutable URL proves the generator works offline.
    runner = PdmRunner(tmp_path / "pdm", pypi_url="http://127.0.0.1:9/simple")
    pyproject = runner.project / "pyproject.toml"
    pyproject.write_text(PYPROJECT, encoding="utf-8")
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    assert main(["uv", "--project", str(reference), "--write", "--default", "cu124"]) == 0

    runner.pdm("variants", "uv", "--write", "--default", "cu124")
    assert pyproject.read_text(encoding="utf-8") == (reference / "pyproject.toml").read_text(encoding="utf-8")
    assert runner.pdm("variants", "uv", "--check", "--default", "cu124").returncode == 0
    assert runner.pdm("variants", "uv", "--check", "--default", "cpu", check=False).returncode == 1


def test_pdm_variants_uv_routes_the_projects_own_dependency_by_platform(tmp_path: Path) -> None:
    text = (
        '[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.10"\ndependencies = ["llama-cpp-python>=0.3"]\n'
    )
    runner = PdmRunner(tmp_path / "pdm", pypi_url="http://127.0.0.1:9/simple")
    pyproject = runner.project / "pyproject.toml"
    pyproject.write_text(text, encoding="utf-8")
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "pyproject.toml").write_text(text, encoding="utf-8")
    assert main(["uv", "--project", str(reference), "--write", "--default", "cu124"]) == 0

    runner.pdm("variants", "uv", "--write", "--default", "cu124")
    written = pyproject.read_text(encoding="utf-8")
    assert written == (reference / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dependencies = ["llama-cpp-python>=0.3"]' in written and "llama-cpp-python-cu124" in written


def test_pdm_variants_uv_bad_input_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    runner = PdmRunner(tmp_path / "pdm", pypi_url="http://127.0.0.1:9/simple")
    pyproject = runner.project / "pyproject.toml"
    text = PYPROJECT.replace('"torch"]', '"not-a-variant-package"]')
    pyproject.write_text(text, encoding="utf-8")
    result = runner.pdm("variants", "uv", "--write", check=False)
    assert result.returncode != 0
    assert "not-a-variant-package" in result.stderr
    assert "Traceback" not in result.stderr
    assert pyproject.read_text(encoding="utf-8") == text
