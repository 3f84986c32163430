import json

import pytest

from wheel_variants.errors import InvalidMetadataError, UnsupportedSchemaError
from wheel_variants.metadata import (
    SCHEMA_V0_1,
    SCHEMA_V0_2,
    ProviderInfo,
    dump_metadata,
    parse_metadata,
    variants_json_filename,
)
from wheel_variants.variant import Variant

# What variantlib 0.2.2 writes for an index (research brief, section 3.3), keys shuffled.
VARIANTLIB_INDEX = {
    "variants": {
        "cu128": {"fakegpu": {"runtime_lower_bound": ["12.8"], "arch": ["90", "100"]}},
        "null": {},
        "openblas": {"blas_lapack": {"library": ["openblas"]}},
    },
    "providers": {
        "fakegpu": {"requires": ["fake-gpu-provider>=0.1"], "plugin-api": "fake_gpu_provider:Plugin"},
        "blas_lapack": {"static-properties": {"library": ["openblas", "mkl", "accelerate"]}},
    },
    "default-priorities": {"namespace": ["fakegpu", "blas_lapack"]},
    "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
}

PEP825_DOCUMENT = {
    "$schema": "https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json",
    "default-priorities": {"namespace": ["x86_64", "aarch64", "blas_lapack"]},
    "variants": {"x86_64_v3_openblas": {"blas_lapack": {"library": ["openblas"]}, "x86_64": {"level": ["v3"]}}},
}


def document(**changes: object) -> str:
    data = json.loads(json.dumps(VARIANTLIB_INDEX))
    data.update(changes)
    return json.dumps(data)


def test_reads_providers_draft_document() -> None:
    metadata = parse_metadata(json.dumps(VARIANTLIB_INDEX), "six-1.16.0-variants.json")
    assert metadata.namespace_priorities == ("fakegpu", "blas_lapack")
    assert metadata.labels == ("cu128", "null", "openblas")
    assert metadata.provider("fakegpu") == ProviderInfo(
        requires=("fake-gpu-provider>=0.1",), plugin_api="fake_gpu_provider:Plugin"
    )
    blas = metadata.provider("blas_lapack")
    assert blas is not None
    assert blas.static_properties == (("library", ("openblas", "mkl", "accelerate")),)
    cu128 = metadata.variant("cu128")
    assert cu128 is not None
    assert cu128.to_dict() == {"fakegpu": {"arch": ["100", "90"], "runtime_lower_bound": ["12.8"]}}


def test_reads_pep825_document_without_providers() -> None:
    metadata = parse_metadata(json.dumps(PEP825_DOCUMENT), "variant.json")
    assert metadata.providers == ()
    assert metadata.schema == SCHEMA_V0_1
    assert json.loads(dump_metadata(metadata)) == PEP825_DOCUMENT


def test_output_is_deterministic_and_sorted() -> None:
    first = dump_metadata(parse_metadata(json.dumps(VARIANTLIB_INDEX), "a"))
    reordered = json.dumps(dict(reversed(list(VARIANTLIB_INDEX.items()))))
    second = dump_metadata(parse_metadata(reordered, "b"))
    assert first == second
    data = json.loads(first)
    assert list(data) == ["$schema", "default-priorities", "providers", "variants"]
    # Value lists are sets serialized sorted (PEP 825); static-properties keep their preference order.
    assert data["variants"]["cu128"]["fakegpu"]["arch"] == ["100", "90"]
    assert data["providers"]["blas_lapack"]["static-properties"]["library"] == [
        "openblas",
        "mkl",
        "accelerate",
    ]
    assert first.endswith("}\n")


def test_round_trip_through_dump() -> None:
    metadata = parse_metadata(json.dumps(VARIANTLIB_INDEX), "a")
    assert parse_metadata(dump_metadata(metadata), "b") == metadata


def test_only_keeps_one_variant() -> None:
    metadata = parse_metadata(json.dumps(VARIANTLIB_INDEX), "a").only("cu128")
    assert metadata.labels == ("cu128",)
    with pytest.raises(InvalidMetadataError, match="unknown variant label 'cu999'"):
        metadata.only("cu999")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"$schema": "https://variants-schema.wheelnext.dev/v1.0.0.json"}, "major version 1 is unknown"),
        ({"$schema": "https://example.invalid/schema.json"}, "unrecognised schema URL"),
        ({"default-priorities": {"namespace": []}}, "must be a non-empty list"),
        (
            {"default-priorities": {"namespace": ["fakegpu", "blas_lapack"], "feature": {}}},
            "unexpected key 'feature' in 'default-priorities'",
        ),
        ({"extra": 1}, "unexpected key 'extra'"),
        ({"variants": {"null": {"fakegpu": {"arch": ["90"]}}}}, "reserved for the null variant"),
        ({"variants": {"CU": {}}}, "invalid variant label 'CU'"),
        (
            {"variants": {"cu12": {"fakegpu": {"CUDA": ["12"]}}}},
            "invalid variant feature 'CUDA' in 'variants.cu12.fakegpu.CUDA'",
        ),
        (
            {"variants": {"x": {"fakegpu": {"arch": []}}}},
            "non-empty list of values in 'variants.x.fakegpu.arch'",
        ),
        ({"variants": {"x": {"fakegpu": {"arch": ["9", "9"]}}}}, "values repeat"),
        ({"variants": {"x": {"other": {"arch": ["9"]}}}}, "namespace(s) ['other'] in 'variants.x'"),
        ({"providers": {"fakegpu": {"requires": ["p"]}}}, "lacks an entry for namespace(s) ['blas_lapack']"),
        (
            {
                "providers": {
                    "fakegpu": {"requires": ["p"], "enable-if": "x"},
                    "blas_lapack": {"requires": []},
                }
            },
            "unexpected key(s) ['enable-if'] in 'providers.fakegpu'",
        ),
        (
            {
                "providers": {
                    "fakegpu": {"requires": ["p"], "static-properties": {}},
                    "blas_lapack": {"requires": []},
                }
            },
            "exactly one of 'requires', 'static-properties' and 'builtin'",
        ),
    ],
)
def test_invalid_documents_name_the_key(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidMetadataError) as caught:
        parse_metadata(document(**changes), "pkg-1.0-variants.json")
    assert message in str(caught.value)
    assert str(caught.value).startswith("pkg-1.0-variants.json: ")


def test_plugin_api_needs_requires() -> None:
    providers = {
        "fakegpu": {"plugin-api": "m:o", "static-properties": {"a": ["1"]}},
        "blas_lapack": {"requires": ["p"]},
    }
    with pytest.raises(InvalidMetadataError) as caught:
        parse_metadata(document(providers=providers), "x")
    assert str(caught.value) == "x: 'plugin-api' is only valid with 'requires' in 'providers.fakegpu'"


def test_unknown_major_is_its_own_error() -> None:
    with pytest.raises(UnsupportedSchemaError):
        parse_metadata(document(**{"$schema": "https://variants-schema.wheelnext.dev/v2.0.0.json"}), "x")


def test_providers_are_not_allowed_in_pep825_schema() -> None:
    data = dict(VARIANTLIB_INDEX, **{"$schema": SCHEMA_V0_1})
    with pytest.raises(InvalidMetadataError, match=r"use schema 0\.2"):
        parse_metadata(json.dumps(data), "x")


def test_several_problems_are_reported_together() -> None:
    bad = document(variants={"A": {}, "b": {"fakegpu": {"X": ["1"]}}})
    with pytest.raises(InvalidMetadataError) as caught:
        parse_metadata(bad, "f.json")
    assert "'A'" in str(caught.value)
    assert "'X'" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe", "not UTF-8"),
        ("{", "invalid JSON at line 1"),
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("[]", "expected a JSON object"),
        (" " * (17 * 1024 * 1024), "refusing"),
    ],
)
def test_hostile_json_is_refused_with_a_message(data: str | bytes, message: str) -> None:
    with pytest.raises(InvalidMetadataError, match=message):
        parse_metadata(data, "x.json")


def test_variantlib_feature_order_extension() -> None:
    providers = {
        "fakegpu": {"requires": ["p"]},
        "blas_lapack": {"static-properties": {"b": ["1"], "a": ["2"]}, "feature-order": ["a", "b"]},
    }
    metadata = parse_metadata(document(providers=providers), "x")
    blas = metadata.provider("blas_lapack")
    assert blas is not None and blas.static_properties == (("a", ("2",)), ("b", ("1",)))
    assert blas.to_dict()["feature-order"] == ["a", "b"]


def test_default_schema_is_providers_draft() -> None:
    metadata = parse_metadata(document(), "x")
    assert metadata.schema == SCHEMA_V0_2
    assert Variant(label="null") in metadata.variants


@pytest.mark.parametrize(
    ("name", "version", "expected"),
    [
        ("llama-cpp-python", "0.3.35", "llama_cpp_python-0.3.35-variants.json"),
        ("Foo.Bar", "1.0.0", "foo_bar-1.0.0-variants.json"),
        ("torch", "2.13.0+cu126", "torch-2.13.0+cu126-variants.json"),
        ("pkg", "01.0", "pkg-1.0-variants.json"),
    ],
)
def test_variants_json_filename(name: str, version: str, expected: str) -> None:
    assert variants_json_filename(name, version) == expected


# -- conformance with variantlib 0.2.2 and uv 0.13.9 (issue 15) ---------------------------------


def test_builtin_providers_are_read_and_written() -> None:
    providers = {"fakegpu": {"builtin": "fakegpu"}, "blas_lapack": {"static-properties": {"library": ["mkl"]}}}
    metadata = parse_metadata(document(providers=providers), "x")
    info = metadata.provider("fakegpu")
    assert info is not None and info.builtin == "fakegpu" and not info.is_static
    assert metadata.to_dict()["providers"]["fakegpu"] == {"builtin": "fakegpu"}


@pytest.mark.parametrize(
    ("blas", "message"),
    [
        ({"requires": []}, "empty list in 'providers.blas_lapack.requires'"),
        ({"static-properties": {}}, "empty object in 'providers.blas_lapack.static-properties'"),
        ({"static-properties": {"level": []}}, "expected a non-empty list of values in 'providers.blas_lapack"),
        (
            {"static-properties": {"library": ["mkl"], "threads": ["omp"]}},
            "'feature-order' in 'providers.blas_lapack' is needed with several static features ['library', 'threads']",
        ),
        ({"requires": ["p"], "feature-order": ["a"]}, "'feature-order' is only valid with 'static-properties'"),
        ({"builtin": ""}, "expected a provider name string in 'providers.blas_lapack.builtin'"),
        ({"builtin": "x", "requires": ["p"]}, "exactly one of 'requires', 'static-properties' and 'builtin'"),
    ],
)
def test_provider_entries_variantlib_refuses_are_refused(blas: dict[str, object], message: str) -> None:
    providers = {"fakegpu": {"requires": ["p"]}, "blas_lapack": blas}
    with pytest.raises(InvalidMetadataError) as caught:
        parse_metadata(document(providers=providers), "x")
    assert message in str(caught.value)
