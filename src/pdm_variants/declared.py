"""The normalised names of every requirement a project declares, in any group (from pyproject data)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from wheel_variants.names import normalize_name

_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def direct_dependency_names(pyproject: Mapping[str, Any]) -> set[str]:
    """Normalised names of every requirement the project declares, in any group."""
    project = pyproject.get("project", {}) or {}
    texts: list[object] = list(project.get("dependencies", []) or [])
    for group in (project.get("optional-dependencies", {}) or {}).values():
        texts.extend(group or [])
    for group in (pyproject.get("dependency-groups", {}) or {}).values():
        texts.extend(group or [])
    pdm_table = (pyproject.get("tool", {}) or {}).get("pdm", {}) or {}
    for group in (pdm_table.get("dev-dependencies", {}) or {}).values():
        texts.extend(group or [])
    names = set()
    for text in texts:
        match = _NAME.match(text) if isinstance(text, str) else None
        if match:
            names.add(normalize_name(match.group(1)))
    return names
