"""Build variant wheels with our Hatch plugin in-process (hatchling's builder, our hooks registered)."""

from __future__ import annotations

import sys
from pathlib import Path

from hatchling.builders.wheel import WheelBuilder
from hatchling.plugin.manager import PluginManager

from hatch_variants import hooks
from hatch_variants.builder import VariantWheelBuilder

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["build_variant_wheels"]


def build_variant_wheels(project: Path, out: Path, *, plain: bool = False) -> list[Path]:
    """Every variant wheel of *project* plus its ``*-variants.json`` into *out* (and the
    non-variant wheel too when *plain*)."""
    manager = PluginManager()
    manager.manager.register(hooks)
    config = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    builder = VariantWheelBuilder(str(project), plugin_manager=manager, config=config)
    wheels = [Path(artifact) for artifact in builder.build(directory=str(out))]
    if plain:
        plain_builder = WheelBuilder(str(project), plugin_manager=manager, config=config)
        wheels.extend(Path(a) for a in plain_builder.build(directory=str(out), versions=["standard"]))
    return wheels
