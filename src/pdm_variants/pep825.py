"""PEP 825 variant wheels in the lock: what is recorded, and which locked file a machine takes.

A package whose locked files carry variant labels is recorded next to the index variants, as
``origin = "pep825"``: the variants JSON it was judged by (URL, hash, and the document pruned to
the locked labels) and, per label, its properties and file hashes. Every label whose tags fit is
locked, so the same lock serves machines with other hardware: each one orders the locked labels
with its own supported properties at install time (pure functions; no network).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wheel_variants.packages import normalize_name

from .finder import split_label

if TYPE_CHECKING:
    from collections.abc import Callable

    from wheel_variants.supported import SupportedProperties

    from .finder import ReleaseVariants

__all__ = ["ORIGIN", "Pep825Choice", "choose_locked_file", "pep825_records"]

ORIGIN = "pep825"


def _locked_files(entry: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(filename, hash)`` of one ``[[package]]`` entry's files."""
    files = []
    for item in entry.get("files", []) or []:
        if isinstance(item, Mapping) and isinstance(item.get("file"), str) and isinstance(item.get("hash"), str):
            files.append((item["file"], item["hash"]))
    return files


def pep825_records(
    packages: Iterable[Mapping[str, Any]],
    releases: Mapping[tuple[str, str], ReleaseVariants],
    previous: Mapping[str, Any],
) -> dict[str, dict[str, Any]]:
    """Lock records for every locked package with variant-labelled files.

    *releases* are the variants JSON documents the finder judged files by in this run;
    *previous* holds the records of the lock before this write (a release not fetched again,
    e.g. with ``--update-reuse``, keeps its record while its files are still locked).
    """
    records: dict[str, dict[str, Any]] = {}
    for entry in packages:
        name, version = entry.get("name"), entry.get("version")
        if not isinstance(name, str) or not isinstance(version, str):
            continue
        name = normalize_name(name)
        labelled: dict[str, list[str]] = {}
        for filename, digest in _locked_files(entry):
            split = split_label(filename)
            if split is not None:
                labelled.setdefault(split[1], []).append(digest)
        if not labelled:
            continue
        release = releases.get((name, version))
        if release is not None:
            records[name] = _record(release, labelled)
        elif _still_locked(previous.get(name), version, labelled):
            records[name] = dict(previous[name])
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
        "origin": ORIGIN,
        "version": release.version,
        "variants-json": {"url": release.url, "hash": release.hash, "document": document},
        "variants": variants,
    }


def _still_locked(record: object, version: str, labelled: Mapping[str, list[str]]) -> bool:
    if not isinstance(record, Mapping) or record.get("origin") != ORIGIN or record.get("version") != version:
        return False
    recorded = record.get("variants")
    return isinstance(recorded, Mapping) and set(labelled) <= set(recorded)


@dataclass(frozen=True, slots=True)
class Pep825Choice:
    """Which locked files of one package this machine may install, and the label it should get."""

    allowed: frozenset[str]
    label: str | None
    supported_labels: tuple[str, ...]


def choose_locked_file(
    record: Mapping[str, Any],
    files: Iterable[tuple[str, str]],
    supported: SupportedProperties,
    compatible: Callable[[str], bool],
) -> Pep825Choice:
    """Order the locked labels for this machine (PEP 825), from the lock alone.

    *files* are the candidate's ``(filename, hash)``; *compatible* tells whether a (base) wheel
    filename fits this environment's tags. Allowed: every supported label's files and the
    non-variant files (the finder ranks them); the expected label is the best supported one
    with a tag-compatible file, None when a non-variant file is what fits.
    """
    from wheel_variants.ordering import order_variants
    from wheel_variants.variant import Variant

    body = record.get("variants", {})
    variants = [
        Variant.of(label, entry.get("properties", []))
        for label, entry in (body.items() if isinstance(body, Mapping) else ())
        if isinstance(entry, Mapping)
    ]
    document = record.get("variants-json", {}).get("document", {})
    priorities = document.get("default-priorities", {}).get("namespace", []) if isinstance(document, Mapping) else []
    ordering = order_variants(variants, supported, list(priorities))
    ranked = set(ordering.ordered)
    allowed: set[str] = set()
    fitting: set[str] = set()
    for filename, digest in files:
        split = split_label(filename)
        if split is None:
            allowed.add(digest)
        elif split[1] in ranked:
            allowed.add(digest)
            if compatible(split[0]):
                fitting.add(split[1])
    label = next((label for label in ordering.ordered if label in fitting), None)
    return Pep825Choice(frozenset(allowed), label, ordering.ordered)
