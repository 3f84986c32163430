"""Write ``{name}-{version}-variants.json`` for a directory of wheels (PEP 825 index-level metadata).

Every variant wheel's ``variant.json`` is read and merged per name and version; the result is
deterministic (it depends on the set of wheels, not on their order) and written atomically. Two
wheels that disagree (one label, two property sets; different providers) are an error and
nothing is written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import InvalidFilenameError
from .fileio import atomic_write_text
from .filename import WheelFilename, is_dots_label
from .merge import merge_metadata
from .metadata import VariantsMetadata, dump_metadata, variants_json_filename
from .wheelfile import read_variant_json

__all__ = ["IndexDocument", "collect_index_documents", "write_index_json"]


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexDocument:
    """The merged metadata of one release and the wheels it came from."""

    filename: str
    metadata: VariantsMetadata
    wheels: tuple[str, ...]
    # Wheels left out, with the reason (a label made only of dots).
    skipped: tuple[str, ...] = ()


def _release_key(wheel: WheelFilename) -> tuple[str, str]:
    return re.sub(r"[-_.]+", "_", wheel.name).lower(), wheel.version


def collect_index_documents(wheels: Iterable[str | os.PathLike[str]]) -> list[IndexDocument]:
    """Merge the variant wheels among *wheels*, one document per name and version.

    Non-variant wheels are skipped, and so is (with a line in ``skipped``) a wheel whose label is
    made only of dots; a wheel whose name cannot be parsed is an error.
    """
    groups: dict[tuple[str, str], list[tuple[str, VariantsMetadata]]] = {}
    skipped: dict[tuple[str, str], list[str]] = {}
    for item in sorted(Path(w) for w in wheels):
        parsed = WheelFilename.parse(item.name)
        if is_dots_label(parsed.label):
            reason = (
                f"{item.name}: skipped: the label {parsed.label!r} is made only of dots and cannot name a file here"
            )
            skipped.setdefault(_release_key(parsed), []).append(reason)
            continue
        metadata = read_variant_json(item)
        if metadata is None:
            continue
        groups.setdefault(_release_key(parsed), []).append((item.name, metadata))
    documents = []
    for (name, version), members in sorted(groups.items()):
        documents.append(
            IndexDocument(
                filename=variants_json_filename(name, version),
                metadata=merge_metadata(members),
                wheels=tuple(source for source, _ in members),
                skipped=tuple(skipped.get((name, version), ())),
            )
        )
    return documents


def write_index_json(directory: str | os.PathLike[str]) -> list[Path]:
    """(Re)write ``{name}-{version}-variants.json`` in *directory* for every release with variants.

    Every document is merged before the first one is written, so a conflict writes nothing.
    Returns the paths written, sorted.
    """
    root = Path(directory)
    if not root.is_dir():
        raise InvalidFilenameError(f"not a directory: {str(root)!r}")
    documents = collect_index_documents(path for path in root.iterdir() if path.suffix == ".whl")
    written = []
    for document in documents:
        target = root / document.filename
        atomic_write_text(target, dump_metadata(document.metadata))
        written.append(target)
    return written
