"""The PDM-version seams in ``pdm_variants._pdm`` on both shapes: today's PDM and PDM < 2.26.2 / < 2.28.1.

The old shapes are stand-ins built from what those releases have (a tomlkit document in
``_data``, no ``is_lockfile_fresh``); the real old PDM runs in scripts/test's second venv.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tomlkit

pytest.importorskip("pdm")

# PDM itself uses importlib.resources.open_binary (deprecated) when its CLI modules load.
pytestmark = pytest.mark.filterwarnings("ignore:open_binary is deprecated:DeprecationWarning")

from pdm_variants._pdm.lockfile import read_toml, toml_for_write, without_key  # noqa: E402
from pdm_variants._pdm.seams import lock_freshness_hook  # noqa: E402
from pdm_variants._pdm.sources import platform_marker_environment  # noqa: E402

TEXT = '[project]\nname = "app"\nrequires-python = ">=3.10"\ndependencies = ["llama-cpp-python"]\n'


class _OldTomlFile:
    """PDM < 2.26.2: ``TOMLBase(tomlkit.toml_file.TOMLFile)`` with the parsed document in ``_data``."""

    def __init__(self, text: str) -> None:
        self._data = tomlkit.parse(text)


def test_read_toml_on_todays_pdm(tmp_path: Path) -> None:
    from pdm.project.project_file import PyProject
    from pdm.termui import UI

    (tmp_path / "pyproject.toml").write_text(TEXT)
    pyproject = PyProject(tmp_path / "pyproject.toml", ui=UI())
    data = read_toml(pyproject)
    assert data["project"]["dependencies"] == ["llama-cpp-python"]
    assert type(data["project"]["dependencies"]) is list


def test_read_toml_and_toml_for_write_before_pdm_2_26_2() -> None:
    old = _OldTomlFile(TEXT)
    data = read_toml(old)
    assert data == {"project": {"name": "app", "requires-python": ">=3.10", "dependencies": ["llama-cpp-python"]}}
    assert type(data["project"]) is dict
    assert toml_for_write(old) is old._data


class _LockFile:
    def __init__(self, data: Any) -> None:
        self._data = data


def test_the_plugins_table_is_set_aside_while_pdm_copies_the_lock_and_put_back_even_on_error() -> None:
    table = {"schema": 1, "packages": {}}
    lock = _LockFile({"metadata": {"lock_version": "4.5.0", "wheel-variants": table}, "package": []})
    with pytest.raises(RuntimeError), without_key(lock, "wheel-variants"):
        assert lock._data["metadata"] == {"lock_version": "4.5.0"}
        raise RuntimeError
    assert lock._data["metadata"]["wheel-variants"] is table
    document = tomlkit.parse('[metadata]\nlock_version = "4.5.0"\n\n[metadata.wheel-variants]\nschema = 1\n')
    with without_key(_LockFile(document), "wheel-variants"):  # a tomlkit document is never edited
        assert document["metadata"]["wheel-variants"] == {"schema": 1}


def test_lock_freshness_hook() -> None:
    from pdm.project import Project

    class Old:
        def is_lockfile_hash_match(self) -> bool:
            return True

    assert lock_freshness_hook(Project) == "is_lockfile_fresh"
    assert lock_freshness_hook(Old) == "is_lockfile_hash_match"


def test_platform_markers_do_not_create_the_environment() -> None:
    # Before PDM 2.26.2, creating the environment read project.sources, which may land here.
    from pdm.models.specifiers import PySpecSet

    class Project:
        python_requires = PySpecSet(">=3.10")

        @property
        def environment(self) -> Any:
            raise AssertionError("project.environment must not be touched")

    markers = platform_marker_environment(Project(), "linux")
    assert markers["sys_platform"] == "linux"
