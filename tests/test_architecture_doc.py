"""``docs/architecture.md`` lists every module of ``src/``, and nothing that is gone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")

#: The heading and the opening line of the table listing each package's modules.
TABLES = {
    "wheel_variants": ("## The core, module by module", "Every module of `src/wheel_variants/`"),
    "hatch_variants": ("## The plugins, module by module", "`src/hatch_variants/`"),
    "pdm_variants": ("## The plugins, module by module", "`src/pdm_variants/`"),
}


def modules_in_tree(package: str) -> set[str]:
    """``explain``, ``providers/nvidia``, ``cli/`` (a subpackage's ``__init__``), ``__init__``."""
    base = ROOT / "src" / package
    names = set()
    for path in base.rglob("*.py"):
        relative = path.relative_to(base).with_suffix("").as_posix()
        names.add(relative[: -len("__init__")] if relative.endswith("/__init__") else relative)
    return names


def modules_in_doc(package: str) -> set[str]:
    """The first cell of each row of the table that follows the package's opening line."""
    heading, opening = TABLES[package]
    section = DOC[DOC.index(heading) :]
    section = section[section.index(opening) :]
    rows = re.match(r"[^\n]*\n(?:[^|\n][^\n]*\n|\n)*((?:\|[^\n]*\n)+)", section)
    assert rows is not None, f"no table after {opening!r}"
    cells = [line.split("|")[1].strip() for line in rows.group(1).splitlines()[2:]]
    return {cell.strip("`") for cell in cells}


@pytest.mark.parametrize("package", sorted(TABLES))
def test_architecture_doc_lists_each_module_once(package: str) -> None:
    in_tree, in_doc = modules_in_tree(package), modules_in_doc(package)
    assert sorted(in_tree - in_doc) == [], "modules missing from docs/architecture.md"
    assert sorted(in_doc - in_tree) == [], "docs/architecture.md lists modules that are gone"
