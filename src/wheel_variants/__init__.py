"""wheel-variants: the PEP 825 variant wheel model, detection, ordering and tooling.

Names are loaded on first use so that ``import wheel_variants`` stays cheap and never probes the
machine.
"""

from __future__ import annotations

# Not `from typing import TYPE_CHECKING`: importing typing costs milliseconds on every CLI start.
TYPE_CHECKING = False

__version__ = "0.1.0"

_EXPORTS = {
    "VariantsError": "errors",
    "VariantFeature": "properties",
    "VariantProperty": "properties",
    "WheelFilename": "filename",
    "NULL_LABEL": "filename",
    "Variant": "variant",
    "VariantsMetadata": "metadata",
    "ProviderInfo": "metadata",
    "parse_metadata": "metadata",
    "dump_metadata": "metadata",
    "merge_metadata": "merge",
    "SupportedFeature": "supported",
    "SupportedProperties": "supported",
    "Ordering": "ordering",
    "order_variants": "ordering",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:
    from .errors import VariantsError
    from .filename import NULL_LABEL, WheelFilename
    from .merge import merge_metadata
    from .metadata import ProviderInfo, VariantsMetadata, dump_metadata, parse_metadata
    from .ordering import Ordering, order_variants
    from .properties import VariantFeature, VariantProperty
    from .supported import SupportedFeature, SupportedProperties
    from .variant import Variant


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'wheel_variants' has no attribute {name!r}")
    import importlib  # here, not at the top: importing it (and warnings) slows every command's start

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
