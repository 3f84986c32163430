"""Which locked variant a machine (or a declared target) gets, from the lock alone (no network).

The same PEP 825 ordering as everywhere, over the labels the lock holds for one package:

* index variants (one index per backend, same filenames): the best label whose properties and
  marker hold; only that label's files may be installed;
* PEP 825 wheels (labelled filenames): every supported label's files and the non-variant files
  stay allowed, and PDM's finder ranks them; the expected label is the best supported one with a
  file whose tags fit.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .table import PEP825_ORIGIN

if TYPE_CHECKING:
    from wheel_variants.supported import SupportedProperties

__all__ = [
    "LockedChoice",
    "choose_for_candidate",
    "choose_locked_label",
    "describe_locked",
    "describe_supported",
    "locked_namespaces",
]


@dataclass(frozen=True, slots=True)
class LockedChoice:
    """The label to install (None: a non-variant file) and the file hashes allowed for it."""

    label: str | None
    allowed: frozenset[str]
    ordered: tuple[str, ...]
    rejected: tuple[tuple[str, str], ...]


def _variants(record: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    body = record.get("variants", {})
    return {k: v for k, v in body.items() if isinstance(v, Mapping)} if isinstance(body, Mapping) else {}


def _priorities(record: Mapping[str, Any]) -> list[str]:
    listed = record.get("namespace-priorities")
    if isinstance(listed, list):
        return [str(item) for item in listed]
    document = record.get("variants-json", {}).get("document", {})
    namespaces = document.get("default-priorities", {}).get("namespace", []) if isinstance(document, Mapping) else []
    return [str(item) for item in namespaces]


def choose_locked_label(
    record: Mapping[str, Any],
    files: Iterable[tuple[str, str]],
    supported: SupportedProperties,
    marker_environment: Mapping[str, str] | None,
    compatible: Callable[[str], bool],
) -> LockedChoice:
    """Order *record*'s locked labels for *supported* (markers against *marker_environment*).

    *files* are the package's locked ``(filename, hash)``; *compatible* tells whether a (base)
    wheel filename fits the target's tags (PEP 825 packages only).
    """
    from packaging.markers import Marker

    from wheel_variants.filename import split_label
    from wheel_variants.ordering import order_variants
    from wheel_variants.variant import Variant

    rejected: list[tuple[str, str]] = []
    eligible = []
    index_variants = record.get("origin") != PEP825_ORIGIN
    for label, body in _variants(record).items():
        if index_variants and not body.get("files"):
            rejected.append((label, "no file of it is locked"))
            continue
        marker = body.get("marker")
        environment = dict(marker_environment) if marker_environment is not None else None
        if isinstance(marker, str) and marker and not Marker(marker).evaluate(environment):
            rejected.append((label, f"marker {marker!r} is false here"))
            continue
        eligible.append(Variant.of(label, body.get("properties", [])))
    ordering = order_variants(eligible, supported, _priorities(record))
    rejected.extend((r.label, r.reason) for r in ordering.rejected)
    if index_variants:
        best = ordering.best
        hashes = _variants(record).get(best, {}).get("files", []) if best is not None else []
        return LockedChoice(best, frozenset(hashes), ordering.ordered, tuple(sorted(rejected)))
    ranked = set(ordering.ordered)
    allowed: set[str] = set()
    bases: dict[str, list[str]] = {}
    for filename, digest in files:
        split = split_label(filename)
        if split is None:
            allowed.add(digest)
        elif split[1] in ranked:
            allowed.add(digest)
            bases.setdefault(split[1], []).append(split[0])
    # Tags are checked from the best label down, until one fits (not for every locked file).
    label = next((label for label in ordering.ordered if any(map(compatible, bases.get(label, ())))), None)
    return LockedChoice(label, frozenset(allowed), ordering.ordered, tuple(sorted(rejected)))


def choose_for_candidate(
    record: Mapping[str, Any], candidate: Any, supported: SupportedProperties, spec: Any
) -> LockedChoice:
    """:func:`choose_locked_label` for a locked PDM candidate on the environment *spec* (an ``EnvSpec``)."""
    from .._pdm.candidates import locked_file_names

    return choose_locked_label(
        record,
        locked_file_names(candidate),
        supported,
        spec.markers_with_defaults(),
        lambda filename: spec.wheel_compatibility(filename) is not None,
    )


def describe_locked(record: Mapping[str, Any]) -> str:
    """``cu128 (nvidia :: cuda_version_lower_bound :: 12.8), metal (apple :: metal :: on)``."""
    parts = []
    for label, body in sorted(_variants(record).items()):
        needs = ", ".join(body.get("properties", [])) or "fits any machine"
        parts.append(f"{label} ({needs})")
    return "; ".join(parts) or "no variants"


def locked_namespaces(record: Mapping[str, Any]) -> set[str]:
    """The namespaces the locked variants of *record* use (what a no-fit message needs)."""
    return {
        str(prop).split("::", 1)[0].strip()
        for body in _variants(record).values()
        for prop in body.get("properties", [])
    }


def describe_supported(supported: SupportedProperties, namespaces: Collection[str] | None = None) -> str:
    """``nvidia :: cuda_version_lower_bound :: 11.8, 11.7, ...; x86_64 :: level :: v2, v1``
    (only *namespaces*, when given: a CPU's 50 flags say nothing about a CUDA-only package)."""
    parts = []
    for feature in supported.features:
        if namespaces is not None and feature.namespace not in namespaces:
            continue
        values = ", ".join(feature.values[:3]) + (", ..." if len(feature.values) > 3 else "")
        parts.append(f"{feature.namespace} :: {feature.feature} :: {values}")
    return "; ".join(parts) or (
        "no properties of " + ", ".join(sorted(namespaces)) if namespaces else "no variant properties"
    )
