"""The README's Install block, run as written: a fresh venv, a fresh HOME, PDM's working set from
the package registry and this checkout as ``./wheel-variants``; ``pdm variants doctor`` must say
the plugin is on and exit 0."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
_SKIP = shutil.ignore_patterns(".git", ".venv*", "__pycache__", "*.egg-info", ".*_cache", "dist", "build")


def readme_install_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- install-commands[^>]*-->\n```sh\n(.*?)```", text, re.DOTALL)
    assert match, "README.md has no install-commands block"
    return [line for line in match.group(1).splitlines() if line.strip()]


def test_readme_install_block_gives_a_pdm_with_the_plugin_on(tmp_path: Path) -> None:
    commands = readme_install_commands()
    assert commands[-1].endswith("pdm variants doctor")
    shutil.copytree(ROOT, tmp_path / "wheel-variants", ignore=_SKIP)
    home = tmp_path / "home"
    home.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PDM_", "WHEEL_VARIANTS_", "VIRTUAL_ENV", "PYTHON"))
    }
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), PDM_CHECK_UPDATE="false", NO_COLOR="1")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    outputs = []
    for command in commands:
        result = subprocess.run(
            ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        outputs.append(result.stdout + result.stderr)
    doctor = outputs[-1]
    assert "Plugin: on" in doctor
    assert "PDM 2.29.4" in doctor and "HTTP client httpx2" in doctor
    assert "missing" not in doctor
