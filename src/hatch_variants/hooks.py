"""Hatchling plugin registration (entry point group ``hatch``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hatchling.plugin import hookimpl

if TYPE_CHECKING:
    from .builder import VariantWheelBuilder
    from .hook import VariantsBuildHook


@hookimpl
def hatch_register_build_hook() -> type[VariantsBuildHook]:
    from .hook import VariantsBuildHook

    return VariantsBuildHook


@hookimpl
def hatch_register_builder() -> type[VariantWheelBuilder]:
    from .builder import VariantWheelBuilder

    return VariantWheelBuilder
