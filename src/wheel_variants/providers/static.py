"""Providers whose metadata carries ``static-properties``: their answer is exactly that table,
on every machine (e.g. ``blas_lapack :: provider :: openblas`` chosen by the package itself)."""

from __future__ import annotations

from ..metadata import ProviderInfo
from ._result import ProbeResult, make_features

__all__ = ["static_answer"]


def static_answer(namespace: str, info: ProviderInfo) -> ProbeResult:
    if info.static_properties is None:
        return ProbeResult.empty(namespace)
    features = make_features(namespace, [(feature, list(values)) for feature, values in info.static_properties])
    return ProbeResult(namespace=namespace, source="static-properties", features=features)
