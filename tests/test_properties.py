import pytest

from wheel_variants.errors import InvalidPropertyError, VariantsError
from wheel_variants.properties import VariantFeature, VariantProperty


@pytest.mark.parametrize(
    "text",
    ["nvidia :: sm_arch :: 90_real", "nvidia::sm_arch::90_real", "  nvidia  ::sm_arch::   90_real "],
)
def test_whitespace_around_separator_is_insignificant(text: str) -> None:
    prop = VariantProperty.parse(text)
    assert (prop.namespace, prop.feature, prop.value) == ("nvidia", "sm_arch", "90_real")
    assert str(prop) == "nvidia :: sm_arch :: 90_real"


def test_value_may_contain_dots_but_names_may_not() -> None:
    assert VariantProperty.parse("nvidia :: cuda_version_lower_bound :: 12.8").value == "12.8"
    with pytest.raises(InvalidPropertyError, match="namespaces are lowercase"):
        VariantProperty.parse("nv.idia :: f :: v")


def test_error_names_location_and_value() -> None:
    with pytest.raises(InvalidPropertyError) as caught:
        VariantProperty.parse("nvidia :: CUDA :: 12", where="variants.cu12.nvidia")
    assert str(caught.value) == (
        "invalid variant property 'nvidia :: CUDA :: 12' in 'variants.cu12.nvidia': "
        "feature names are lowercase [a-z0-9_]"
    )


@pytest.mark.parametrize(
    "text",
    ["", "a :: b", "a :: b :: c :: d", "a :: b :: C", "a :: b :: 1+2", "a :: :: c", "a :: b :: ", 42],
)
def test_bad_properties_raise_our_error(text: object) -> None:
    with pytest.raises(VariantsError):
        VariantProperty.parse(text)  # type: ignore[arg-type]


def test_constructor_validates() -> None:
    with pytest.raises(InvalidPropertyError, match="'X86'"):
        VariantProperty(namespace="X86", feature="level", value="v3")


def test_feature_round_trip_and_sorting() -> None:
    feature = VariantFeature.parse("x86_64::level")
    assert str(feature) == "x86_64 :: level"
    props = [VariantProperty.parse(p) for p in ["b :: a :: 1", "a :: z :: 2", "a :: z :: 10"]]
    assert [str(p) for p in sorted(props)] == ["a :: z :: 10", "a :: z :: 2", "b :: a :: 1"]
    assert props[0].feature_key == VariantFeature(namespace="b", feature="a")
