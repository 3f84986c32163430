"""Filter and order variants for a machine, exactly as PEP 825 "Variant ordering" says.

A variant is compatible when, for every feature it lists, at least one of its values is
supported (AND across features, OR within one). The null variant is always compatible. Every
incompatible candidate keeps a reason that an explain command can print.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .supported import SupportedProperties
from .variant import Variant

__all__ = ["Ordering", "Rejection", "UnsupportedFeature", "order_variants"]

# Closes every sort-key list so that, of two lists where one is a prefix of the other, the longer
# one sorts first (PEP 825 step 7: "the group with more keys wins").
_END = (1 << 62, 0, 0)

_FeatureGroup = tuple[str, str, frozenset[str]]


@dataclass(frozen=True, slots=True, kw_only=True)
class UnsupportedFeature:
    """Why one feature of a variant fails on this machine."""

    namespace: str
    feature: str
    wanted: frozenset[str]
    # What the machine supports for that feature; None when it supports nothing in the namespace.
    available: tuple[str, ...] | None
    # False when the package's default-priorities.namespace does not list the namespace.
    namespace_listed: bool = True

    @property
    def reason(self) -> str:
        namespace, feature = self.namespace, self.feature
        if not self.namespace_listed:
            return f"namespace {namespace!r} is not listed in default-priorities.namespace"
        if self.available is None:
            wanted = ", ".join(f"{namespace} :: {feature} :: {v}" for v in sorted(self.wanted))
            return f"needs {wanted}, but this machine supports nothing in namespace {namespace!r}"
        wanted = " or ".join(sorted(self.wanted))
        if not self.available:
            return f"needs {namespace} :: {feature} :: {wanted}, but this machine supports no value of it"
        return f"needs {namespace} :: {feature} :: {wanted}, but this machine supports only {', '.join(self.available)}"


class Rejection(NamedTuple):
    """A candidate that cannot be used on this machine, with the first feature that failed."""

    label: str
    cause: UnsupportedFeature

    @property
    def reason(self) -> str:
        return self.cause.reason


@dataclass(frozen=True, slots=True, kw_only=True)
class Ordering:
    """Compatible labels best first (the null variant after every variant with properties), plus
    every rejection."""

    ordered: tuple[str, ...]
    rejected: tuple[Rejection, ...] = ()

    @property
    def best(self) -> str | None:
        return self.ordered[0] if self.ordered else None

    def rank(self, label: str | None) -> int | None:
        """Sort position of a wheel: by label, then non-variant wheels (``None``) after all
        variants. Returns None for a rejected or unknown label."""
        if label is None:
            return len(self.ordered)
        try:
            return self.ordered.index(label)
        except ValueError:
            return None

    def reason(self, label: str) -> str | None:
        for rejection in self.rejected:
            if rejection.label == label:
                return rejection.reason
        return None


def order_variants(
    variants: Iterable[Variant],
    supported: SupportedProperties,
    namespace_priorities: Sequence[str],
) -> Ordering:
    """Keep the compatible *variants* and order them best first (PEP 825 steps 1-8)."""
    # Step 1: namespace order comes from default-priorities.namespace (or a user override).
    namespace_index = {namespace: i for i, namespace in enumerate(namespace_priorities)}
    keyed: list[tuple[list[tuple[int, int, int]], str]] = []
    rejected: list[Rejection] = []
    # Variants of one release share feature groups, so each distinct group is judged once.
    judged: dict[_FeatureGroup, tuple[int, int, int] | UnsupportedFeature] = {}
    for variant in variants:
        # The null variant has no properties: always compatible, and its key list holds only the
        # sentinel, so it sorts after every variant with properties ("the algorithm sorts the null
        # variant after all the other variants") and, among variants without properties, by label
        # (step 7's tie-break; uv 0.13.9 does the same).
        keys: list[tuple[int, int, int]] = []
        for group in variant.grouped:
            try:
                verdict = judged[group]
            except KeyError:
                verdict = judged[group] = _judge(group, namespace_index, supported)
            if isinstance(verdict, UnsupportedFeature):
                rejected.append(Rejection(variant.label, verdict))
                break
            keys.append(verdict)
        else:
            # Step 6: sort each variant's keys ascending.
            keys.sort()
            keys.append(_END)
            keyed.append((keys, variant.label))
    # Step 7: compare key lists lexicographically; the first difference decides, a prefix loses to
    # the longer list (the _END sentinel), and equal lists fall back to labels ascending.
    keyed.sort()
    ordered = [label for _, label in keyed]
    rejected.sort(key=lambda rejection: rejection.label)
    return Ordering(ordered=tuple(ordered), rejected=tuple(rejected))


def _judge(
    group: _FeatureGroup, namespace_index: dict[str, int], supported: SupportedProperties
) -> tuple[int, int, int] | UnsupportedFeature:
    """Step 5's ``(namespace index, feature index, best value index)``, or why there is none."""
    namespace, feature, values = group
    ns_index = namespace_index.get(namespace)
    # Steps 2-3: the machine's ordered features and values for this namespace.
    rank = supported.feature_rank(namespace, feature)
    if ns_index is not None and rank is not None:
        feature_index, value_index = rank
        # Step 4: the best value of this feature that the variant lists.
        best = min((value_index[v] for v in values if v in value_index), default=None)
        if best is not None:
            return (ns_index, feature_index, best)
    return UnsupportedFeature(
        namespace=namespace,
        feature=feature,
        wanted=values,
        available=supported.values_for(namespace, feature) if supported.supports_namespace(namespace) else None,
        namespace_listed=ns_index is not None,
    )
