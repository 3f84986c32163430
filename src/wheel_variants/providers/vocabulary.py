"""The feature names each built-in namespace knows: data, in one place.

A property a user declares (``[tool.wheel-variants.packages]``, the producer's ``[variant]``
table, ``wheel-variants label -p``, a target) with a feature its built-in namespace does not know
can never be supported: ``nvidia :: cuda_verison_lower_bound :: 12.6`` would silently give the
CPU build. :func:`check_features` makes that an error with a did-you-mean; for a namespace
answered by a trusted plugin, whose vocabulary is whatever the plugin reported, a warning.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from ..errors import InvalidPropertyError
from ..properties import VariantProperty
from . import aarch64, x86_64

__all__ = ["BUILTIN_FEATURES", "check_features", "unknown_feature"]

#: Every feature the built-in providers can answer, per namespace (test_vocabulary.py checks
#: that the probes never answer a feature missing here).
BUILTIN_FEATURES: Mapping[str, tuple[str, ...]] = {
    "nvidia": ("cuda_version_lower_bound", "cuda_version_upper_bound", "sm_arch"),
    "amd": ("gfx_arch", "rocm_version"),
    "intel": ("device_ip",),
    "x86_64": ("level", *x86_64.ISA_FEATURES),
    "aarch64": ("version", *aarch64.FEATURES),
    "apple": ("metal", "gpu_family", "chip"),
}

_SHOWN = 6


def unknown_feature(namespace: str, feature: str, known: Collection[str], where: str, kind: str) -> str:
    """``unknown feature 'x' of the built-in namespace 'nvidia' in 'where'; did you mean ...? (known: ...)``."""
    from ..errors import located
    from ..suggest import did_you_mean

    names = list(known)
    shown = ", ".join(names[:_SHOWN]) + (f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else "")
    return (
        f"unknown feature {feature!r} of the {kind} namespace {namespace!r}{located(where)}"
        f"{did_you_mean(feature, names)} (known: {shown})"
    )


def check_features(
    properties: Iterable[VariantProperty],
    where: str,
    *,
    plugin_features: Mapping[str, Collection[str]] | None = None,
) -> tuple[str, ...]:
    """Raise InvalidPropertyError for a feature a built-in namespace does not know (every such
    property, one per line); return warnings for features missing from what a trusted plugin
    reported (*plugin_features*: namespace -> the features its plugin answered)."""
    errors: list[str] = []
    warnings: list[str] = []
    for prop in properties:
        known = BUILTIN_FEATURES.get(prop.namespace)
        if known is not None:
            if prop.feature not in known:
                errors.append(unknown_feature(prop.namespace, prop.feature, known, where, "built-in"))
            continue
        reported = (plugin_features or {}).get(prop.namespace)
        if reported is not None and prop.feature not in reported:
            warnings.append(unknown_feature(prop.namespace, prop.feature, sorted(reported), where, "plugin-provided"))
    if errors:
        raise InvalidPropertyError("\n".join(dict.fromkeys(errors)))
    return tuple(dict.fromkeys(warnings))
