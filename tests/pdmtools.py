"""Run the real ``pdm`` CLI in a subprocess, isolated in a temporary directory, with our plugin loaded."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import venv
from collections.abc import Mapping
from pathlib import Path

__all__ = ["PdmRunner", "error_line", "pdm_command", "plugin_registered"]

SRC = Path(__file__).resolve().parent.parent / "src"


def pdm_command() -> list[str]:
    """The ``pdm`` under test: ``$WHEEL_VARIANTS_TEST_PDM`` (a ``pdm`` executable, e.g. an older
    release in another venv) or else ``python -m pdm`` of this interpreter."""
    other = os.environ.get("WHEEL_VARIANTS_TEST_PDM")
    return [other] if other else [sys.executable, "-m", "pdm"]


def plugin_registered() -> bool:
    """Whether this interpreter already has our ``pdm`` entry point (``pip install -e .``)."""
    return any(ep.name == "pdm_variants" for ep in importlib.metadata.entry_points(group="pdm"))


def _plugin_site(directory: Path) -> Path:
    """A directory that registers the plugin's entry point for a source checkout that is not installed."""
    dist_info = directory / "pdm_variants_under_test-0.dist-info"
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: pdm-variants-under-test\nVersion: 0\n")
    (dist_info / "entry_points.txt").write_text("[pdm]\npdm_variants = pdm_variants:plugin\n")
    return directory


class PdmRunner:
    """One isolated PDM home (config, cache, logs) plus a project directory with its own ``.venv``."""

    def __init__(self, base: Path, *, pypi_url: str) -> None:
        self.base = base
        self.project = base / "project"
        self.project.mkdir(parents=True, exist_ok=True)
        home = base / "home"
        home.mkdir(exist_ok=True)
        config = base / "pdm-config.toml"
        config.write_text("")
        self.env: dict[str, str] = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PDM_", "WHEEL_VARIANTS_", "NV_VARIANT_", "AMD_VARIANT_", "INTEL_VARIANT_"))
            and key not in {"VIRTUAL_ENV", "CMAKE_ARGS", "PYTHONPATH"}
        }
        self.env.update(
            HOME=str(home),
            XDG_CACHE_HOME=str(home / "cache"),
            XDG_CONFIG_HOME=str(home / "config"),
            XDG_DATA_HOME=str(home / "data"),
            PDM_CONFIG_FILE=str(config),
            PDM_CACHE_DIR=str(base / "pdm-cache"),
            PDM_LOG_DIR=str(base / "pdm-logs"),
            PDM_CHECK_UPDATE="false",
            PDM_NON_INTERACTIVE="1",
            PDM_IGNORE_ACTIVE_VENV="1",
            PDM_PYPI_URL=pypi_url,
            WHEEL_VARIANTS_CACHE_DIR=str(base / "variants-cache"),
            NO_COLOR="1",
            PYTHONDONTWRITEBYTECODE="1",
        )
        paths = [str(SRC)]
        # Another pdm's environment may lack our entry point; registering it twice is harmless
        # (the plugin is idempotent).
        self.command = pdm_command()
        if len(self.command) == 1 or not plugin_registered():
            paths.insert(0, str(_plugin_site(base / "plugin-site")))
        self.env["PYTHONPATH"] = os.pathsep.join(paths)

    def machine(self, name: str, data: object) -> dict[str, str]:
        """Environment for a machine whose supported properties are *data* (a target file)."""
        path = self.base / f"{name}.json"
        path.write_text(json.dumps(data))
        return {"WHEEL_VARIANTS_TARGET": str(path)}

    def create_venv(self) -> Path:
        """An in-project ``.venv`` (no pip: PDM installs by itself), which PDM picks up."""
        target = self.project / ".venv"
        venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(target)
        return target

    @property
    def python(self) -> Path:
        return self.project / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")

    def pdm(
        self, *args: str, env: Mapping[str, str] | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*self.command, *args],
            cwd=self.project,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=240,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"pdm {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
            )
        return result

    def run_python(self, code: str) -> str:
        """Run *code* in the project's venv (without our PYTHONPATH) and return its stdout."""
        env = {k: v for k, v in self.env.items() if k != "PYTHONPATH"}
        result = subprocess.run(
            [str(self.python), "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True
        )
        return result.stdout.strip()


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line the plugin reported (asserting there is exactly one, and no traceback)."""
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if "wheel-variants:" in line]
    assert len(lines) == 1, output
    return lines[0]


def variant_records(project: Path) -> Mapping[str, Mapping]:
    """The plugin's records in *project*'s ``pdm.lock``, as the plugin reads them (the whole shape,
    whatever the on-disk schema leaves out)."""
    from pdm_variants.lock.document import LockDocument

    return LockDocument.read(project / "pdm.lock").records
