"""What one provider's probe returns: ordered features for one namespace, where they came from,
and warnings about sources that were present but unusable."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..supported import SupportedFeature

__all__ = ["ProbeResult", "make_features"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeResult:
    """One namespace's answer. ``features`` empty means "nothing supported here"."""

    namespace: str
    source: str = ""
    features: tuple[SupportedFeature, ...] = ()
    warnings: tuple[str, ...] = ()

    @classmethod
    def empty(cls, namespace: str, warnings: Iterable[str] = ()) -> ProbeResult:
        return cls(namespace=namespace, warnings=tuple(warnings))


def make_features(
    namespace: str, items: Iterable[tuple[str, Sequence[str]]], multi_value: Iterable[str] = ()
) -> tuple[SupportedFeature, ...]:
    """Build features from ``(feature, values best first)`` pairs, skipping empty value lists."""
    multi = set(multi_value)
    return tuple(
        SupportedFeature(namespace=namespace, feature=name, values=tuple(values), multi_value=name in multi)
        for name, values in items
        if values
    )
