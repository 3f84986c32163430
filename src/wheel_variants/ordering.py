"""Filter and order variants for a machine, exactly as PEP 825 "Variant ordering" says.

A variant is compatible when, for every feature it lists, at least one of its values is
supported (AND across features, OR within one). The null variant is always compatible. Every
incompatible candidate keeps a reason that an explain command can print.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .filename import NULL_LABEL
from .supported import SupportedProperties
from .variant import Variant

__all__ = ["Ordering", "Rejection", "order_variants"]

# Closes every sort-key list so that, of two lists where one is a prefix of the other, the longer
# one sorts first (PEP 825 step 7: "the group with more keys wins").
_END = (1 << 62, 0, 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejection:
    """A candidate that cannot be used on this machine, and why."""

    label: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Ordering:
    """Compatible labels best first (the null variant last of them), plus every rejection."""

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
    has_null = False
    for variant in variants:
        if variant.label == NULL_LABEL:
            has_null = True  # always compatible; placed after every other variant (step 8)
            continue
        keys: list[tuple[int, int, int]] = []
        problem: str | None = None
        for (namespace, feature), values in sorted(_group_by_feature(variant).items()):
            ns_index = namespace_index.get(namespace)
            if ns_index is None:
                problem = f"namespace {namespace!r} is not listed in default-priorities.namespace"
                break
            # Steps 2-3: the machine's ordered features and values for this namespace.
            rank = supported.feature_rank(namespace, feature)
            if rank is None:
                problem = _unsupported_feature(supported, namespace, feature, values)
                break
            feature_index, value_index = rank
            # Step 4: the best value of this feature that the variant lists.
            best = min((value_index[v] for v in values if v in value_index), default=None)
            if best is None:
                problem = _unsupported_values(supported, namespace, feature, values)
                break
            # Step 5: one sort key per feature.
            keys.append((ns_index, feature_index, best))
        if problem is not None:
            rejected.append(Rejection(label=variant.label, reason=problem))
            continue
        # Step 6: sort each variant's keys ascending.
        keys.sort()
        keys.append(_END)
        keyed.append((keys, variant.label))
    # Step 7: compare key lists lexicographically; the first difference decides, a prefix loses to
    # the longer list (the _END sentinel), and equal lists fall back to labels ascending.
    keyed.sort()
    ordered = [label for _, label in keyed]
    if has_null:
        ordered.append(NULL_LABEL)
    return Ordering(ordered=tuple(ordered), rejected=tuple(sorted(rejected, key=lambda r: r.label)))


def _group_by_feature(variant: Variant) -> dict[tuple[str, str], list[str]]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for prop in variant.properties:
        grouped.setdefault((prop.namespace, prop.feature), []).append(prop.value)
    return grouped


def _unsupported_feature(
    supported: SupportedProperties, namespace: str, feature: str, values: Iterable[str]
) -> str:
    wanted = ", ".join(f"{namespace} :: {feature} :: {v}" for v in sorted(values))
    if namespace not in supported.namespaces:
        return f"needs {wanted}, but this machine supports nothing in namespace {namespace!r}"
    return f"needs {wanted}, but this machine supports no {namespace} :: {feature}"


def _unsupported_values(
    supported: SupportedProperties, namespace: str, feature: str, values: Iterable[str]
) -> str:
    wanted = " or ".join(sorted(values))
    have = ", ".join(supported.values_for(namespace, feature))
    if not have:
        return f"needs {namespace} :: {feature} :: {wanted}, but this machine supports no value of it"
    return f"needs {namespace} :: {feature} :: {wanted}, but this machine supports only {have}"
