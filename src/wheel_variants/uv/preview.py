"""Where uv's preview wheel-variants support will choose differently from ``explain``.

Facts measured with uv 0.13.9 (``--preview-features wheel-variants``; research notes
``hatch_uv.md`` §1.2 and ``anchors.md`` §1):

* a PEP 825 schema 0.1 file has no ``providers``: uv finds no provider for any namespace, so
  every variant with properties is unsupported there;
* uv's built-in providers are ``nvidia``, ``x86_64``, ``aarch64`` and ``tpu``; a plugin provider
  (``requires``) of another namespace is skipped, and so is ``nvidia`` without ``plugin-api``;
  static providers work;
* uv's built-in ``x86_64`` provider knows only the ``level`` feature.

Pure: the metadata in, one line per difference out.
"""

from __future__ import annotations

from ..metadata import VariantsMetadata

__all__ = ["UV_BUILTIN_PROVIDERS", "UV_VERSION", "uv_differences"]

UV_VERSION = "0.13.9"
UV_BUILTIN_PROVIDERS = frozenset({"nvidia", "x86_64", "aarch64", "tpu"})


def uv_differences(metadata: VariantsMetadata) -> tuple[str, ...]:
    """One line for each namespace or feature uv will not support although we may."""
    used: dict[str, list[str]] = {}  # namespace -> labels using it
    x86_features: dict[str, list[str]] = {}  # x86_64 feature other than level -> labels
    for variant in metadata.variants:
        for namespace in sorted(variant.namespaces):
            used.setdefault(namespace, []).append(variant.label)
        for prop in variant.properties:
            if prop.namespace == "x86_64" and prop.feature != "level":
                labels = x86_features.setdefault(prop.feature, [])
                if variant.label not in labels:
                    labels.append(variant.label)
    if not used:
        return ()
    prefix = f"uv {UV_VERSION} will differ:"
    if not metadata.providers:
        labels = sorted({label for names in used.values() for label in names})
        return (
            f"{prefix} this file has no 'providers' (PEP 825 schema 0.1), so uv finds no provider and "
            f"treats {labels} as unsupported",
        )
    lines = []
    for namespace, labels in used.items():
        info = metadata.provider(namespace)
        if info is None or info.is_static:
            continue
        name = info.builtin if info.builtin is not None else namespace
        if name not in UV_BUILTIN_PROVIDERS:
            lines.append(
                f"{prefix} uv has no provider for namespace {namespace!r} (it runs no provider plugins), "
                f"so it treats {sorted(set(labels))} as unsupported"
            )
        elif namespace == "nvidia" and info.builtin is None and info.plugin_api is None:
            lines.append(
                f"{prefix} uv skips the nvidia provider without an explicit 'plugin-api', "
                f"so it treats {sorted(set(labels))} as unsupported"
            )
    info = metadata.provider("x86_64")
    if x86_features and not (info is not None and info.is_static):
        labels = sorted({label for names in x86_features.values() for label in names})
        lines.append(
            f"{prefix} uv's built-in x86_64 provider knows only 'level', so it treats {labels} "
            f"(using x86_64 :: {', '.join(sorted(x86_features))}) as unsupported"
        )
    return tuple(lines)
