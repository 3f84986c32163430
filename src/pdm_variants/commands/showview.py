"""Which supported properties ``pdm variants show`` prints (pure functions).

A machine supports far more than one project's variants ask about: an x86_64 CPU alone answers
with dozens of flags, which say nothing about a CUDA-only package. So the text lists only the
namespaces the managed packages' variants use (declared in the plan, or recorded in the lock by
this or another machine), then one line counting what it left out; ``--all`` lists everything::

    Supported properties on this machine (namespaces the project's variants use):
      nvidia :: cuda_version_lower_bound :: 12.6, 12.5, 12.4, ...
      (nothing detected in apple)
      (25 more features in other namespaces: x86_64; --all shows them)

The ``--json`` document is not filtered: its ``supported`` table always holds every property.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from wheel_variants.packages import Selection
from wheel_variants.supported import SupportedProperties

__all__ = ["supported_lines", "variant_namespaces"]


def variant_namespaces(selections: Iterable[Selection], locked: Mapping[str, Mapping[str, Any]]) -> frozenset[str]:
    """The namespaces the properties of the plan's variants and of the locked variants use
    (*locked*: ``{name: record}`` of the lock's ``[metadata.wheel-variants] packages``)."""
    from ..lock.choice import locked_namespaces

    used = {prop.namespace for s in selections for variant in s.package.variants for prop in variant.properties}
    for record in locked.values():
        used |= locked_namespaces(record)
    return frozenset(used)


def supported_lines(supported: SupportedProperties, namespaces: Collection[str] | None) -> list[str]:
    """The section's plain-text lines (no markup): a header, every feature of *namespaces* (all
    when None) and, when filtered, a line naming the used namespaces nothing was detected in and
    one counting the features left out."""
    if namespaces is None:
        lines = ["Supported properties on this machine:"]
        lines.extend(_feature_line(f.namespace, f.feature, f.values) for f in supported.features)
        if not supported:
            lines.append("  (none detected)")
        return lines
    lines = ["Supported properties on this machine (namespaces the project's variants use):"]
    lines.extend(
        _feature_line(f.namespace, f.feature, f.values) for f in supported.features if f.namespace in namespaces
    )
    if not namespaces:
        lines.append("  (the project's variants need no property)")
    missing = sorted(ns for ns in namespaces if not supported.supports_namespace(ns))
    if missing:
        lines.append(f"  (nothing detected in {', '.join(missing)})")
    hidden = [f for f in supported.features if f.namespace not in namespaces]
    if hidden:
        others = ", ".join(dict.fromkeys(f.namespace for f in hidden))
        count = f"{len(hidden)} more feature{'s' if len(hidden) != 1 else ''}"
        lines.append(f"  ({count} in other namespaces: {others}; --all shows them)")
    return lines


def _feature_line(namespace: str, feature: str, values: Iterable[str]) -> str:
    return f"  {namespace} :: {feature} :: {', '.join(values)}"
