"""Build variant wheels with our Hatch plugin in-process (hatchling's builder, our hooks registered)."""

from __future__ import annotations

import sys
from pathlib import Path

from hatchling.builders.wheel import WheelBuilder
from hatchling.plugin.manager import PluginManager

from hatch_variants import hooks
from hatch_variants.builder import VariantWheelBuilder
from indexserver import IndexServer

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["build_variant_wheels", "publish_producer_gpu"]


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


def publish_producer_gpu(server: IndexServer, scratch: Path, index: str = "simple") -> IndexServer:
    """``examples/producer-gpu`` built (cu126, cu128, null and non-variant wheels) and published
    on *index* of *server* with its ``*-variants.json``, as a maintainer would."""
    import shutil

    project = scratch / "producer-gpu"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples" / "producer-gpu", project)
    dist = scratch / "dist"
    build_variant_wheels(project, dist, plain=True)
    server.add(index, *sorted(dist.glob("*.whl")), *dist.glob("*-variants.json"))
    return server
