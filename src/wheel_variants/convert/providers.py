"""The ``providers`` table of a converted release: who detects each namespace on a user's machine.

The entries are those a Hatch producer declares in ``[variant.providers]`` (docs/guide-maintainers.md);
a project's own ``[variant.providers]`` table wins over them. uv 0.13.9 runs no provider plugins
but needs an entry per namespace, and skips ``nvidia`` without ``plugin-api`` (research: hatch_uv.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import InvalidMetadataError
from ..metadata import SCHEMA_V0_2, ProviderInfo, metadata_from_dict

__all__ = ["KNOWN_PROVIDERS", "declared_providers", "providers_for"]

# Upstream provider packages (research: pep817_variantlib.md, section 7). `apple` is ours and has
# no upstream provider, so a release using it must declare one.
KNOWN_PROVIDERS: Mapping[str, ProviderInfo] = {
    "nvidia": ProviderInfo(
        requires=("nvidia-variant-provider",), plugin_api="nvidia_variant_provider.plugin:NvidiaVariantPlugin"
    ),
    "x86_64": ProviderInfo(
        requires=("provider-variant-x86-64",), plugin_api="provider_variant_x86_64.plugin:X8664Plugin"
    ),
    "aarch64": ProviderInfo(requires=("provider-variant-aarch64",)),
    "amd": ProviderInfo(requires=("amd-variant-provider",), plugin_api="amd_variant_provider.plugin:AMDVariantPlugin"),
    "intel": ProviderInfo(
        requires=("intel-variant-provider",), plugin_api="intel_variant_provider.plugin:IntelVariantPlugin"
    ),
}


def declared_providers(pyproject: Mapping[str, Any], source: str) -> dict[str, ProviderInfo]:
    """The ``[variant.providers]`` table of a decoded pyproject (empty when absent), validated."""
    variant = pyproject.get("variant")
    table = variant.get("providers") if isinstance(variant, Mapping) else None
    if not table:
        return {}
    if not isinstance(table, Mapping):
        raise InvalidMetadataError(f"{source}: [variant.providers] must be a table")
    document = {
        "$schema": SCHEMA_V0_2,
        "default-priorities": {"namespace": list(table)},
        "providers": dict(table),
        "variants": {},
    }
    return dict(metadata_from_dict(document, f"{source} [variant]").providers)


def providers_for(
    namespaces: Iterable[str], declared: Mapping[str, ProviderInfo], labels_of: Mapping[str, list[str]]
) -> tuple[tuple[str, ProviderInfo], ...]:
    """One entry per namespace: the declared one, else the known one; an unknown namespace is an
    error naming the labels that use it (*labels_of*)."""
    result = []
    for namespace in namespaces:
        info = declared.get(namespace) or KNOWN_PROVIDERS.get(namespace)
        if info is None:
            raise InvalidMetadataError(
                f"namespace {namespace!r} (label(s) {labels_of.get(namespace, [])}) has no known provider package; "
                f"declare [variant.providers.{namespace}] in the --project pyproject.toml, or leave the label(s) "
                "out with --label"
            )
        result.append((namespace, info))
    return tuple(sorted(result))
