"""Combine several metadata documents of one release (PEP 825 "Metadata consistency").

* ``default-priorities.namespace`` lists must be equal, or one a prefix of the other; the longer wins.
* ``variants`` are united; a label must map to identical properties everywhere.
* ``providers`` are united; a namespace must have an identical provider entry everywhere.
* The result does not depend on the order of the inputs.
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import MetadataConflictError
from .metadata import ProviderInfo, VariantsMetadata, schema_version
from .variant import Variant

__all__ = ["merge_metadata"]


def merge_metadata(documents: Iterable[tuple[str, VariantsMetadata]]) -> VariantsMetadata:
    """Merge ``(source name, metadata)`` pairs; a conflict names both sources."""
    items = sorted(documents, key=lambda item: item[0])
    if not items:
        raise ValueError("merge_metadata needs at least one document")

    longest_source, longest = max(items, key=lambda item: len(item[1].namespace_priorities))
    for source, metadata in items:
        order = metadata.namespace_priorities
        if longest.namespace_priorities[: len(order)] != order:
            raise MetadataConflictError(
                f"namespace priorities disagree: {list(order)} in {source} vs "
                f"{list(longest.namespace_priorities)} in {longest_source} (one must be a prefix of the other)"
            )

    providers: dict[str, tuple[str, ProviderInfo]] = {}
    variants: dict[str, tuple[str, Variant]] = {}
    for source, metadata in items:
        for namespace, info in metadata.providers:
            seen = providers.setdefault(namespace, (source, info))
            if seen[1] != info:
                raise MetadataConflictError(
                    f"provider for namespace {namespace!r} differs between {seen[0]} and {source}"
                )
        for variant in metadata.variants:
            seen_variant = variants.setdefault(variant.label, (source, variant))
            if seen_variant[1] != variant:
                raise MetadataConflictError(
                    f"variant label {variant.label!r} means {seen_variant[1].describe()} in {seen_variant[0]} "
                    f"but {variant.describe()} in {source}"
                )

    schema = max((m.schema for _, m in items), key=lambda url: (schema_version(url), url))
    return VariantsMetadata(
        schema=schema,
        namespace_priorities=longest.namespace_priorities,
        providers=tuple(sorted((ns, info) for ns, (_, info) in providers.items())),
        variants=tuple(sorted((v for _, v in variants.values()), key=lambda v: v.label)),
    )
