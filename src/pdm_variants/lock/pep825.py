"""PEP 825 variant wheels in the lock: what is recorded, and which locked file a machine takes.

A package whose locked files carry variant labels is recorded next to the index variants, as
``origin = "pep825"``: the variants JSON it was judged by (URL, hash, and the document pruned to
the locked labels) and, per label, its properties and file hashes. Every label whose tags fit is
locked, so the same lock serves machines with other hardware: each one orders the locked labels
with its own supported properties at install time (:mod:`pdm_variants.lock.choice`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from wheel_variants.filename import split_label

from .table import PEP825_ORIGIN

if TYPE_CHECKING:
    from ..find.finder import ReleaseVariants
    from .document import LockedPackage

__all__ = ["pep825_records"]


def pep825_records(
    packages: Iterable[LockedPackage],
    releases: Mapping[tuple[str, str], ReleaseVariants],
    previous: Mapping[str, Any],
) -> dict[str, dict[str, Any]]:
    """Lock records for every locked package with variant-labelled files.

    *releases* are the variants JSON documents the finder judged files by in this run;
    *previous* holds the records of the lock before this write (a release not fetched again,
    e.g. with ``--update-reuse``, keeps its record while its files are still locked).
    """
    records: dict[str, dict[str, Any]] = {}
    for package in packages:
        name, version = package.name, package.version
        if version is None:
            continue
        labelled: dict[str, list[str]] = {}
        for item in package.files:
            split = split_label(item.name)
            if split is not None:
                labelled.setdefault(split[1], []).append(item.hash)
        if not labelled:
            continue
        release = releases.get((name, version))
        if release is not None:
            records[name] = _record(release, labelled)
        elif _still_locked(previous.get(name), version, labelled):
            records[name] = copy.deepcopy(dict(previous[name]))  # the per-label pass edits it
    return records


def _record(release: ReleaseVariants, labelled: Mapping[str, list[str]]) -> dict[str, Any]:
    variants: dict[str, Any] = {}
    for label in sorted(labelled):
        variant = release.metadata.variant(label)
        if variant is None:
            continue
        body: dict[str, Any] = {"properties": [str(p) for p in sorted(variant.properties)]}
        body["files"] = sorted(labelled[label])
        variants[label] = body
    document = release.metadata.to_dict()
    document["variants"] = {label: document["variants"][label] for label in variants}
    return {
        "origin": PEP825_ORIGIN,
        "version": release.version,
        "variants-json": {"url": release.url, "hash": release.hash, "document": document},
        "variants": variants,
    }


def _still_locked(record: object, version: str, labelled: Mapping[str, list[str]]) -> bool:
    if not isinstance(record, Mapping) or record.get("origin") != PEP825_ORIGIN or record.get("version") != version:
        return False
    recorded = record.get("variants")
    return isinstance(recorded, Mapping) and set(labelled) <= set(recorded)
