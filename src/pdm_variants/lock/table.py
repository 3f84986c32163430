"""The variant data kept in ``pdm.lock`` under ``[metadata.wheel-variants]`` (pure functions).

Shape, designed for several hardware targets: each package lists, per label, the index it came
from, the properties it needs and the hashes of the locked files that are that variant. A lock
made on another machine adds its label next to this one::

    [metadata.wheel-variants]
    schema = 2

    [metadata.wheel-variants.packages.llama-cpp-python]
    origin = "catalog"

    [metadata.wheel-variants.packages.llama-cpp-python.variants.cu124]
    index = "https://.../whl/cu124"
    properties = ["nvidia :: cuda_version_lower_bound :: 12.4"]
    files = ["sha256:..."]

Plain PDM ignores ``metadata`` keys it does not know; it drops them when it rewrites the lock,
which is why the plugin re-adds them on every write (:func:`lock_variants_table`). This is the
shape in memory; on disk a PEP 825 record leaves out what its document and file names say already
(:mod:`pdm_variants.lock.schema`). Readers go through :class:`pdm_variants.lock.document.LockDocument`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..plan import VariantPlan
    from .document import LockDocument

__all__ = ["KEY", "PEP825_ORIGIN", "lock_variants_table", "missing_variants", "unrouted_catalog_packages"]

KEY = "wheel-variants"
#: A record's ``origin`` for PEP 825 variant wheels (index variants name their declaration instead).
PEP825_ORIGIN = "pep825"


def lock_variants_table(lock: LockDocument, previous: LockDocument, plan: VariantPlan) -> dict[str, Any] | None:
    """The ``[metadata.wheel-variants]`` table for a freshly formatted lock (*lock*).

    Files of the labels chosen on this machine are recorded from *lock*; labels recorded in
    *previous* (the lock before this write) or in *lock*'s own table are kept for the files that
    are still locked. None when no managed package is locked.
    """
    shared = lock.shared_files()
    old_packages = {**previous.records, **lock.records}
    packages: dict[str, Any] = {}
    for name, hashes in sorted(lock.hashes_by_package().items()):
        selection = plan.selection(name)
        if selection is None:
            continue
        current = set(hashes)
        variants: dict[str, Any] = {}
        old = old_packages.get(name, {})
        for label, body in (old.get("variants", {}) if isinstance(old, Mapping) else {}).items():
            kept = [h for h in body.get("files", []) if h in current] if isinstance(body, Mapping) else []
            if kept:
                variants[label] = {**body, "files": kept}
        chosen = selection.chosen
        if chosen is not None:
            claimed = {h for label, body in variants.items() if label != chosen.label for h in body["files"]} - shared
            entry: dict[str, Any] = {"index": chosen.index}
            if chosen.properties:
                entry["properties"] = [str(p) for p in sorted(chosen.properties)]
            if chosen.marker:
                entry["marker"] = chosen.marker
            entry["files"] = sorted(h for h in current if h not in claimed)
            if entry["files"]:
                variants[chosen.label] = entry
        if variants:
            packages[name] = {"origin": selection.package.origin, "variants": dict(sorted(variants.items()))}
            if selection.package.namespace_priorities:
                packages[name]["namespace-priorities"] = list(selection.package.namespace_priorities)
    if not packages:
        return None
    return {"packages": packages}


def missing_variants(lock: LockDocument, plan: VariantPlan) -> list[str]:
    """One line per locked managed package whose lock lacks the variant this machine selects."""
    problems = []
    for name in sorted(lock.names()):
        label = plan.chosen_label(name) if name in plan.names else None
        if label is None:
            continue
        if not lock.variant_files(name, label):
            recorded = ", ".join(lock.labels(name)) or "none"
            problems.append(f"{name}: this machine selects variant {label!r}, the lock has {recorded}")
    return problems


def unrouted_catalog_packages(locked: set[str], plan: VariantPlan | None) -> list[str]:
    """Catalog packages among the *locked* names that *plan* does not manage: they arrived as
    dependencies, unknown before resolution, so this lock took them from the ordinary sources."""
    from wheel_variants.catalog import catalog_document
    from wheel_variants.names import normalize_name

    catalog = {normalize_name(name) for name in catalog_document().get("packages", {})}
    return sorted((locked & catalog) - (plan.names if plan else set()))
