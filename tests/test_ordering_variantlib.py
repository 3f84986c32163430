"""Differential test: our PEP 825 ordering against variantlib 0.2.2 (a test-only oracle)."""

from __future__ import annotations

import random

import pytest

from wheel_variants.ordering import order_variants
from wheel_variants.supported import SupportedProperties
from wheel_variants.variant import Variant

variantlib_resolver = pytest.importorskip("variantlib.resolver.lib")
variantlib_models = pytest.importorskip("variantlib.models.variant")

CASES = 2000
NAMESPACES = ["alpha", "beta", "gamma", "nvidia", "x86_64"]
FEATURES = ["f1", "f2", "f3", "level", "sm_arch"]
VALUES = ["0", "1", "2", "3", "4", "5", "12.8", "v3"]


def random_case(rng: random.Random) -> tuple[list[str], dict[str, dict[str, list[str]]], list[Variant]]:
    namespaces = rng.sample(NAMESPACES, rng.randint(1, len(NAMESPACES)))
    supported: dict[str, dict[str, list[str]]] = {}
    for namespace in namespaces:
        if rng.random() < 0.8:
            features = rng.sample(FEATURES, rng.randint(1, len(FEATURES)))
            supported[namespace] = {f: rng.sample(VALUES, rng.randint(1, len(VALUES))) for f in features}
    variants = []
    for index in range(rng.randint(1, 15)):
        properties = set()
        for _ in range(rng.randint(1, 4)):
            namespace, feature = rng.choice(namespaces), rng.choice(FEATURES)
            # Multi-value features: several values of one feature are alternatives.
            for value in rng.sample(VALUES, rng.choice([1, 1, 1, 2, 3])):
                properties.add(f"{namespace} :: {feature} :: {value}")
        variants.append(Variant.of(f"v{index:02d}", properties))
    if rng.random() < 0.3:
        variants.append(Variant(label="null"))
    return namespaces, supported, variants


def variantlib_order(
    namespaces: list[str], supported: dict[str, dict[str, list[str]]], variants: list[Variant]
) -> list[str]:
    vprop = variantlib_models.VariantProperty
    descriptions = [
        variantlib_models.VariantDescription(
            properties=[vprop(namespace=p.namespace, feature=p.feature, value=p.value) for p in v.properties],
            label=v.label,
        )
        for v in variants
    ]
    supported_props = [
        vprop(namespace=ns, feature=f, value=value)
        for ns, features in supported.items()
        for f, values in features.items()
        for value in values
    ]
    result = variantlib_resolver.sort_and_filter_supported_variants(descriptions, supported_props, list(namespaces))
    labels = [d.label for d in result]
    # variantlib always appends a null entry, even when the release publishes none.
    if not any(v.is_null for v in variants):
        labels.remove("null")
    return labels


def test_same_order_as_variantlib_on_random_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    # variantlib injects `abi_dependency` properties read from every distribution installed in the
    # running interpreter on each call: slow, and irrelevant here (no case uses that namespace).
    monkeypatch.setattr(variantlib_resolver, "inject_abi_dependency", lambda *args: None)
    rng = random.Random(825)
    mismatches = []
    interesting = 0
    for case in range(CASES):
        namespaces, supported, variants = random_case(rng)
        ours = list(order_variants(variants, SupportedProperties.from_dict(supported), namespaces).ordered)
        theirs = variantlib_order(namespaces, supported, variants)
        interesting += len([label for label in ours if label != "null"]) >= 2
        if ours != theirs:
            mismatches.append((case, ours, theirs))
    assert mismatches == []
    # The generator must exercise real ordering decisions, not mostly empty results.
    assert interesting > CASES // 4
