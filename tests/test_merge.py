import itertools

import pytest

from wheel_variants.errors import MetadataConflictError
from wheel_variants.merge import merge_metadata
from wheel_variants.metadata import SCHEMA_V0_1, SCHEMA_V0_2, ProviderInfo, VariantsMetadata
from wheel_variants.variant import Variant

NVIDIA = ProviderInfo(requires=("nvidia-variant-provider",))
CU126 = Variant.of("cu126", ["nvidia :: cuda_version_lower_bound :: 12.6"])
CU128 = Variant.of("cu128", ["nvidia :: cuda_version_lower_bound :: 12.8"])
V3 = Variant.of("v3", ["x86_64 :: level :: v3"])


def doc(namespaces: tuple[str, ...], *variants: Variant, providers: bool = True) -> VariantsMetadata:
    return VariantsMetadata(
        schema=SCHEMA_V0_2 if providers else SCHEMA_V0_1,
        namespace_priorities=namespaces,
        providers=tuple((ns, NVIDIA) for ns in namespaces) if providers else (),
        variants=variants,
    )


def test_union_with_prefix_namespaces_is_order_independent() -> None:
    docs = [
        ("a.whl", doc(("nvidia",), CU126)),
        ("b.whl", doc(("nvidia", "x86_64"), V3)),
        ("c.whl", doc(("nvidia",), CU128, Variant(label="null"))),
    ]
    results = {merge_metadata(order) for order in itertools.permutations(docs)}
    assert len(results) == 1
    merged = results.pop()
    assert merged.namespace_priorities == ("nvidia", "x86_64")
    assert merged.labels == ("cu126", "cu128", "null", "v3")


def test_pep825_and_providers_documents_merge_to_newest_schema() -> None:
    merged = merge_metadata([("a", doc(("nvidia",), CU126, providers=False)), ("b", doc(("nvidia",), CU128))])
    assert merged.schema == SCHEMA_V0_2
    assert merged.provider("nvidia") == NVIDIA


def test_disagreeing_namespace_order_names_both_sources() -> None:
    with pytest.raises(MetadataConflictError) as caught:
        merge_metadata([("a.whl", doc(("nvidia", "x86_64"))), ("b.whl", doc(("x86_64",)))])
    assert "a.whl" in str(caught.value)
    assert "b.whl" in str(caught.value)


def test_same_label_different_properties_is_a_conflict() -> None:
    other = Variant.of("cu126", ["nvidia :: cuda_version_lower_bound :: 12.4"])
    with pytest.raises(MetadataConflictError) as caught:
        merge_metadata([("x-cu126.whl", doc(("nvidia",), CU126)), ("y.json", doc(("nvidia",), other))])
    message = str(caught.value)
    assert "'cu126'" in message
    assert "12.4" in message and "12.6" in message
    assert "x-cu126.whl" in message and "y.json" in message


def test_different_providers_for_one_namespace_is_a_conflict() -> None:
    changed = VariantsMetadata(
        namespace_priorities=("nvidia",), providers=(("nvidia", ProviderInfo(requires=("other",))),)
    )
    with pytest.raises(MetadataConflictError, match="provider for namespace 'nvidia' differs"):
        merge_metadata([("a", doc(("nvidia",))), ("b", changed)])
