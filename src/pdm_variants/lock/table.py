"""The variant data kept in ``pdm.lock`` under ``[metadata.wheel-variants]`` (pure functions).

Shape (schema 1), designed for several hardware targets: each package lists, per label, the
index it came from, the properties it needs and the hashes of the locked files that are that
variant. A lock made on another machine adds its label next to this one::

    [metadata.wheel-variants]
    schema = 1

    [metadata.wheel-variants.packages.llama-cpp-python]
    origin = "catalog"

    [metadata.wheel-variants.packages.llama-cpp-python.variants.cu124]
    index = "https://.../whl/cu124"
    properties = ["nvidia :: cuda_version_lower_bound :: 12.4"]
    files = ["sha256:..."]

Plain PDM ignores ``metadata`` keys it does not know; it drops them when it rewrites the lock,
which is why the plugin re-adds them on every write (:func:`lock_variants_table`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from wheel_variants.names import normalize_name

if TYPE_CHECKING:
    from ..plan import VariantPlan

__all__ = [
    "KEY",
    "SCHEMA",
    "locked_labels",
    "locked_records",
    "locked_targets",
    "locked_variant_files",
    "lock_variants_table",
    "missing_variants",
]

KEY = "wheel-variants"
SCHEMA = 1


def _table(document: Mapping[str, Any]) -> Mapping[str, Any]:
    from .pylock import as_lock_document  # a pylock.toml is read in this file's shape

    metadata = as_lock_document(document).get("metadata", {})
    table = metadata.get(KEY, {}) if isinstance(metadata, Mapping) else {}
    return table if isinstance(table, Mapping) else {}


def _package_files(document: Mapping[str, Any]) -> dict[str, list[str]]:
    """``{normalised name: [hashes]}`` of the lock's ``[[package]]`` entries."""
    from .pylock import as_lock_document

    result: dict[str, list[str]] = {}
    packages = as_lock_document(document).get("package", [])
    for entry in packages if isinstance(packages, list) else []:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            continue
        hashes = [
            f["hash"] for f in entry.get("files", []) if isinstance(f, Mapping) and isinstance(f.get("hash"), str)
        ]
        result.setdefault(normalize_name(entry["name"]), []).extend(hashes)
    return result


def shared_files(document: Mapping[str, Any]) -> set[str]:
    """Hashes of locked sdists. An index variant's sdist comes from the ordinary sources and is
    the same file for every label (only the build settings differ), so no label owns it."""
    from .pylock import as_lock_document

    shared = set()
    packages = as_lock_document(document).get("package", [])
    for entry in packages if isinstance(packages, list) else []:
        for item in entry.get("files", []) if isinstance(entry, Mapping) else []:
            name = str(item.get("file") or item.get("url", "")) if isinstance(item, Mapping) else ""
            if name and not name.endswith(".whl") and isinstance(item.get("hash"), str):
                shared.add(item["hash"])
    return shared


def lock_variants_table(
    document: Mapping[str, Any], previous: Mapping[str, Any], plan: VariantPlan
) -> dict[str, Any] | None:
    """The ``[metadata.wheel-variants]`` table for a freshly formatted lock *document*.

    Files of the labels chosen on this machine are recorded from *document*; labels recorded in
    *previous* (the lock before this write, or the document's own table) are kept for the files
    that are still locked. None when no managed package is locked.
    """
    files = _package_files(document)
    shared = shared_files(document)
    old_packages = {**_table(previous).get("packages", {}), **_table(document).get("packages", {})}
    packages: dict[str, Any] = {}
    for name, hashes in sorted(files.items()):
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
    return {"schema": SCHEMA, "packages": packages}


def locked_records(document: Mapping[str, Any]) -> dict[str, Any]:
    """``{name: record}`` of every package the lock's variant table holds."""
    packages = _table(document).get("packages", {})
    return (
        {name: body for name, body in packages.items() if isinstance(body, Mapping)}
        if isinstance(packages, Mapping)
        else {}
    )


def locked_targets(document: Mapping[str, Any]) -> dict[str, Any]:
    """``{target: {"packages": {name: label}, ...}}`` of a team lock (empty for a one-machine lock)."""
    targets = _table(document).get("targets", {})
    return (
        {name: body for name, body in targets.items() if isinstance(body, Mapping)}
        if isinstance(targets, Mapping)
        else {}
    )


def locked_labels(document: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """Labels recorded for package *name* in the lock."""
    body = _table(document).get("packages", {}).get(normalize_name(name), {})
    variants = body.get("variants", {}) if isinstance(body, Mapping) else {}
    return tuple(variants) if isinstance(variants, Mapping) else ()


def locked_variant_files(document: Mapping[str, Any], name: str, label: str) -> frozenset[str] | None:
    """Hashes of *name*'s locked files that are variant *label*; None if the label is not recorded."""
    body = _table(document).get("packages", {}).get(normalize_name(name), {})
    variant = body.get("variants", {}).get(label) if isinstance(body, Mapping) else None
    if not isinstance(variant, Mapping):
        return None
    return frozenset(h for h in variant.get("files", []) if isinstance(h, str))


def missing_variants(document: Mapping[str, Any], plan: VariantPlan) -> list[str]:
    """One line per locked managed package whose lock lacks the variant this machine selects."""
    problems = []
    for name in sorted(_package_files(document)):
        label = plan.chosen_label(name) if name in plan.names else None
        if label is None:
            continue
        if not locked_variant_files(document, name, label):
            recorded = ", ".join(locked_labels(document, name)) or "none"
            problems.append(f"{name}: this machine selects variant {label!r}, the lock has {recorded}")
    return problems
