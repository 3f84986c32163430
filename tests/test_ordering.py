import pytest

from wheel_variants.ordering import order_variants
from wheel_variants.supported import SupportedProperties
from wheel_variants.variant import Variant

PRIORITIES = ["fakegpu", "blas_lapack"]
VARIANTS = [
    Variant.of("cu128", ["fakegpu :: arch :: 90", "fakegpu :: arch :: 100", "fakegpu :: runtime_lower_bound :: 12.8"]),
    Variant.of(
        "cu130",
        ["fakegpu :: arch :: 100", "fakegpu :: arch :: 120", "fakegpu :: runtime_lower_bound :: 13.0"],
    ),
    Variant.of("openblas", ["blas_lapack :: library :: openblas"]),
    Variant.of("ccb37300", ["blas_lapack :: library :: mkl"]),
    Variant(label="null"),
]
BLAS = {"library": ["openblas", "mkl", "accelerate"]}


def runtime(newest: str) -> list[str]:
    versions = ["13.1", "13.0", "12.9", "12.8", "12.7"]
    return versions[versions.index(newest) :]


# The worked result of the research brief (section 5.3), which variantlib 0.2.2 also gives.
@pytest.mark.parametrize(
    ("gpu", "expected"),
    [
        ({}, ["openblas", "ccb37300", "null"]),
        ({"runtime_lower_bound": runtime("12.8"), "arch": ["90"]}, ["cu128", "openblas", "ccb37300", "null"]),
        (
            {"runtime_lower_bound": runtime("13.1"), "arch": ["100"]},
            ["cu130", "cu128", "openblas", "ccb37300", "null"],
        ),
        ({"runtime_lower_bound": runtime("13.1")}, ["openblas", "ccb37300", "null"]),
    ],
)
def test_worked_examples(gpu: dict[str, list[str]], expected: list[str]) -> None:
    supported = SupportedProperties.from_dict({"fakegpu": gpu, "blas_lapack": BLAS} if gpu else {"blas_lapack": BLAS})
    assert list(order_variants(VARIANTS, supported, PRIORITIES).ordered) == expected


def test_rejections_explain_what_the_machine_has() -> None:
    supported = SupportedProperties.from_dict({"fakegpu": {"runtime_lower_bound": runtime("12.8"), "arch": ["90"]}})
    ordering = order_variants(VARIANTS, supported, PRIORITIES)
    assert ordering.reason("cu130") == ("needs fakegpu :: arch :: 100 or 120, but this machine supports only 90")
    assert ordering.reason("openblas") == (
        "needs blas_lapack :: library :: openblas, but this machine supports nothing in namespace 'blas_lapack'"
    )
    assert ordering.reason("cu128") is None
    assert ordering.best == "cu128"


def test_unlisted_namespace_is_rejected_with_reason() -> None:
    supported = SupportedProperties.from_dict({"other": {"f": ["1"]}})
    ordering = order_variants([Variant.of("x", ["other :: f :: 1"])], supported, ["fakegpu"])
    assert ordering.ordered == ()
    assert "not listed in default-priorities.namespace" in (ordering.reason("x") or "")


def test_more_keys_win_when_one_is_a_prefix() -> None:
    supported = SupportedProperties.from_dict({"x86_64": {"level": ["v3", "v2"], "avx512_bf16": ["on"]}})
    short = Variant.of("a_short", ["x86_64 :: level :: v3"])
    longer = Variant.of("z_long", ["x86_64 :: level :: v3", "x86_64 :: avx512_bf16 :: on"])
    assert order_variants([short, longer], supported, ["x86_64"]).ordered == ("z_long", "a_short")


def test_first_difference_decides_and_labels_break_ties() -> None:
    supported = SupportedProperties.from_dict({"x86_64": {"level": ["v3", "v2", "v1"]}})
    variants = [
        Variant.of("b", ["x86_64 :: level :: v2"]),
        Variant.of("a", ["x86_64 :: level :: v2"]),
        Variant.of("c", ["x86_64 :: level :: v1", "x86_64 :: level :: v3"]),  # best value v3
    ]
    assert order_variants(variants, supported, ["x86_64"]).ordered == ("c", "a", "b")


def test_namespace_priority_beats_feature_and_value() -> None:
    supported = SupportedProperties.from_dict({"a": {"f": ["1", "2"]}, "b": {"f": ["1"]}})
    variants = [Variant.of("in_b", ["b :: f :: 1"]), Variant.of("in_a", ["a :: f :: 2"])]
    assert order_variants(variants, supported, ["a", "b"]).ordered == ("in_a", "in_b")
    assert order_variants(variants, supported, ["b", "a"]).ordered == ("in_b", "in_a")


def test_rank_places_non_variant_after_null() -> None:
    supported = SupportedProperties.from_dict({"x86_64": {"level": ["v3"]}})
    ordering = order_variants(
        [Variant(label="null"), Variant.of("v3", ["x86_64 :: level :: v3"])], supported, ["x86_64"]
    )
    assert [ordering.rank("v3"), ordering.rank("null"), ordering.rank(None)] == [0, 1, 2]
    assert ordering.rank("v4") is None


@pytest.mark.parametrize(
    ("other", "expected"),
    [("zzz", ["v3", "null", "zzz"]), ("cpu", ["v3", "cpu", "null"])],
)
def test_null_ties_with_other_variants_without_properties_by_label(other: str, expected: list[str]) -> None:
    # PEP 825 step 7: equal key lists are ordered by label ascending; uv 0.13.9 puts 'null' before
    # 'zzz'. The null variant still follows every variant with properties.
    supported = SupportedProperties.from_dict({"x86_64": {"level": ["v3", "v2", "v1"]}})
    variants = [Variant(label=other), Variant(label="null"), Variant.of("v3", ["x86_64 :: level :: v3"])]
    assert list(order_variants(variants, supported, ["x86_64"]).ordered) == expected
