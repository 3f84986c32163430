"""Rank a release's variants for this machine (or a target) and say why each loser lost."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .detection.answer import Detection
from .errors import VariantsError
from .metadata import VariantsMetadata, parse_metadata
from .ordering import order_variants

__all__ = ["Explanation", "collect_releases", "explain", "explain_release"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Explanation:
    """One release: candidate labels best first, the winner, and every rejection's reason."""

    source: str
    ordered: tuple[str, ...]
    rejected: tuple[tuple[str, str], ...]
    wheels: tuple[str, ...] = ()
    # What was left out while reading (a label made only of dots) and where uv will differ.
    warnings: tuple[str, ...] = ()

    @property
    def winner(self) -> str | None:
        return self.ordered[0] if self.ordered else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "winner": self.winner,
            "ordered": list(self.ordered),
            "rejected": [{"label": label, "reason": reason} for label, reason in self.rejected],
            "warnings": list(self.warnings),
        }


def collect_releases(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[str, VariantsMetadata, tuple[str, ...]]]:
    """``(source, metadata, wheel names)`` per release found in directories, wheels and JSON files."""
    from .indexjson import collect_index_documents

    wheels: list[Path] = []
    documents: list[tuple[str, VariantsMetadata, tuple[str, ...]]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            wheels.extend(sorted(path.glob("*.whl")))
            documents.extend(_json_document(item) for item in sorted(path.glob("*-variants.json")))
        elif path.suffix == ".whl":
            wheels.append(path)
        elif path.name.endswith(".json"):
            documents.append(_json_document(path))
        else:
            raise VariantsError(f"{path}: expected a directory, a .whl file or a *-variants.json file")
    if wheels:
        # A published directory holds the wheels *and* their variants JSON: one release each.
        listed = {source for source, _, _ in documents}
        for document in collect_index_documents(wheels):
            if document.skipped:
                skipped = (*document.metadata.skipped, *document.skipped)
                document = replace(document, metadata=replace(document.metadata, skipped=skipped))
            if document.filename in listed:
                documents = [
                    entry if entry[0] != document.filename else (entry[0], entry[1], document.wheels)
                    for entry in documents
                ]
            else:
                documents.append((document.filename, document.metadata, document.wheels))
    if not documents:
        raise VariantsError("no variant wheels or *-variants.json files found in the given paths")
    return documents


def _json_document(path: Path) -> tuple[str, VariantsMetadata, tuple[str, ...]]:
    from .boundedio import read_regular_file
    from .jsonload import MAX_JSON_BYTES

    try:
        data = read_regular_file(path, MAX_JSON_BYTES)
    except OSError as error:
        raise VariantsError(f"cannot read {path}: {error.strerror}") from None
    return path.name, parse_metadata(data, path.name), ()


def explain_release(
    source: str, metadata: VariantsMetadata, detection: Detection, wheels: tuple[str, ...] = ()
) -> Explanation:
    """Order *metadata*'s variants for *detection*; reasons mention untrusted providers."""
    ordering = order_variants(metadata.variants, detection.supported, metadata.namespace_priorities)
    why_unsupported = dict(detection.unsupported)
    rejected = []
    for rejection in ordering.rejected:
        reason = rejection.reason
        extra = why_unsupported.get(rejection.cause.namespace)
        if extra is not None and rejection.cause.available is None:
            reason = f"{reason} ({extra})"
        rejected.append((rejection.label, reason))
    from .uv.preview import uv_differences

    return Explanation(
        source=source,
        ordered=ordering.ordered,
        rejected=tuple(rejected),
        wheels=wheels,
        warnings=(*metadata.skipped, *uv_differences(metadata)),
    )


def explain(
    paths: Iterable[str | os.PathLike[str]],
    *,
    target: str | None = None,
    root: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
) -> list[Explanation]:
    """Detect (with each release's providers) and rank every release found in *paths*."""
    from .detection import detect

    explanations = []
    for source, metadata, wheels in collect_releases(paths):
        detection = detect(root, target=target, providers=metadata.providers, use_cache=use_cache)
        explanations.append(explain_release(source, metadata, detection, wheels))
    return explanations
