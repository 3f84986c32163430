"""When the plugin cannot run on this PDM: stop projects that use variants instead of letting PDM
install a plain build in silence. Plain projects are untouched.

Only PDM's public surface is used here (``pdm.signals``, ``Project.root``, ``register_command``),
since this runs exactly when an internal the plugin needs has moved.
"""

from __future__ import annotations

from typing import Any

__all__ = ["guard_variant_projects", "uses_variants"]


def guard_variant_projects(core: Any, problem: str) -> None:
    """Remember why the plugin is off, refuse ``pdm lock``/``install``/``sync`` on projects that
    use variants, and keep ``pdm variants doctor`` available."""
    from pdm import signals

    core._wheel_variants_off = problem
    signals.pre_lock.connect(_refuse, weak=False)
    signals.pre_install.connect(_refuse, weak=False)
    from .commands.variants import VariantsCommand

    core.register_command(VariantsCommand, "variants")


def uses_variants(root: Any) -> bool:
    """Whether the project at *root* declares ``[tool.wheel-variants]`` or a catalog package."""
    from pathlib import Path

    from wheel_variants.catalog import catalog_document
    from wheel_variants.names import normalize_name
    from wheel_variants.tomlfile import parse_toml

    from .declared import direct_dependency_names

    path = Path(root) / "pyproject.toml"
    try:
        pyproject = parse_toml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, ValueError):
        return False
    tool = pyproject.get("tool", {})
    if isinstance(tool, dict) and "wheel-variants" in tool:
        return True
    catalog = {normalize_name(name) for name in catalog_document().get("packages", {})}
    return bool(direct_dependency_names(pyproject) & catalog)


def _refuse(project: Any, **_: Any) -> None:
    problem = getattr(project.core, "_wheel_variants_off", None)
    if problem is None or not uses_variants(project.root):
        return
    from pdm.exceptions import PdmUsageError
    from rich.markup import escape

    raise PdmUsageError(
        escape(f"{problem}. This project uses variants, so PDM would lock or install the wrong build; stopping")
    )
