"""Ordering 1,000 candidate variants over 3 namespaces: wheel-variants vs variantlib.

Run: python benchmarks/bench_ordering.py [--repeat N]
variantlib (a test-only dependency) is timed twice: as shipped, and with its per-call
`abi_dependency` injection (which reads every installed distribution) switched off, which is the
fair comparison of the ordering work itself.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from wheel_variants.ordering import order_variants
from wheel_variants.supported import SupportedProperties
from wheel_variants.variant import Variant

NAMESPACES = ["nvidia", "x86_64", "blas_lapack"]
FEATURES = {
    "nvidia": {
        "cuda_version_lower_bound": [f"12.{m}" for m in range(9, -1, -1)],
        "sm_arch": ["90_real", "90_virtual"],
    },
    "x86_64": {"level": ["v4", "v3", "v2", "v1"], "avx512_bf16": ["on"], "avx2": ["on"]},
    "blas_lapack": {"library": ["mkl", "openblas", "accelerate"]},
}
EXTRA_VALUES = ["13.0", "80_real", "100_real", "v5", "off", "atlas"]


def make_case(count: int, seed: int = 1) -> tuple[SupportedProperties, list[Variant]]:
    rng = random.Random(seed)
    supported = SupportedProperties.from_dict(FEATURES)
    variants = []
    for index in range(count):
        properties = set()
        for namespace in rng.sample(NAMESPACES, rng.randint(1, 3)):
            feature = rng.choice(list(FEATURES[namespace]))
            pool = FEATURES[namespace][feature] + EXTRA_VALUES
            for value in rng.sample(pool, rng.randint(1, 2)):
                properties.add(f"{namespace} :: {feature} :: {value}")
        variants.append(Variant.of(f"v{index:04d}", properties))
    return supported, variants


def median_seconds(function: object, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()

    supported, variants = make_case(args.count)
    ours = median_seconds(lambda: order_variants(variants, supported, NAMESPACES), args.repeat)
    print(f"wheel-variants order_variants, {args.count} candidates: median {ours * 1000:.2f} ms")

    try:
        from variantlib.models.variant import VariantDescription, VariantProperty
        from variantlib.resolver import lib as variantlib_resolver
    except ImportError:
        print("variantlib not installed: no comparison (pip install variantlib==0.2.2)")
        return
    descriptions = [
        VariantDescription(
            properties=[VariantProperty(namespace=p.namespace, feature=p.feature, value=p.value) for p in v.properties],
            label=v.label,
        )
        for v in variants
    ]
    supported_props = [
        VariantProperty(namespace=f.namespace, feature=f.feature, value=value)
        for f in supported.features
        for value in f.values
    ]

    def theirs() -> None:
        variantlib_resolver.sort_and_filter_supported_variants(list(descriptions), supported_props, NAMESPACES)

    shipped = median_seconds(theirs, args.repeat)
    original = variantlib_resolver.inject_abi_dependency
    variantlib_resolver.inject_abi_dependency = lambda *a: None  # type: ignore[assignment]
    try:
        bare = median_seconds(theirs, args.repeat)
    finally:
        variantlib_resolver.inject_abi_dependency = original
    print(f"variantlib sort_and_filter_supported_variants (as shipped): median {shipped * 1000:.2f} ms")
    print(f"variantlib sort_and_filter_supported_variants (no abi injection): median {bare * 1000:.2f} ms")
    print(f"speed-up: {shipped / ours:.1f}x vs as shipped, {bare / ours:.1f}x vs no abi injection")


if __name__ == "__main__":
    main()
