"""Property-based tests: round-trips hold, and arbitrary input raises only our error family."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from wheel_variants.errors import VariantsError
from wheel_variants.filename import WheelFilename, validate_label
from wheel_variants.metadata import VariantsMetadata, dump_metadata, parse_metadata
from wheel_variants.properties import VariantFeature, VariantProperty
from wheel_variants.supported import SupportedProperties
from wheel_variants.variant import Variant

names = st.from_regex(r"[a-z0-9_]{1,12}", fullmatch=True)
values = st.from_regex(r"[a-z0-9_.]{1,12}", fullmatch=True)
labels = st.from_regex(r"[0-9a-z_.]{1,16}", fullmatch=True).filter(lambda label: label.strip("."))
spaces = st.sampled_from(["", " ", "  ", "\t"])
tag_parts = st.from_regex(r"[A-Za-z0-9_.]{1,10}", fullmatch=True)
python_tags = st.from_regex(r"[A-Za-z_.][A-Za-z0-9_.]{0,9}", fullmatch=True)
versions = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,3}(rc[0-9])?", fullmatch=True)  # PEP 440 only
builds = st.none() | st.from_regex(r"[0-9][A-Za-z0-9_.]{0,5}", fullmatch=True)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


def raises_only_our_errors(call: object, *args: object) -> None:
    try:
        call(*args)  # type: ignore[operator]
    except VariantsError:
        pass


@given(names, names, values, spaces, spaces)
def test_property_round_trip(namespace: str, feature: str, value: str, left: str, right: str) -> None:
    text = f"{namespace}{left}::{right}{feature}{right}::{left}{value}"
    prop = VariantProperty.parse(text)
    assert (prop.namespace, prop.feature, prop.value) == (namespace, feature, value)
    assert VariantProperty.parse(str(prop)) == prop
    assert VariantFeature.parse(str(prop.feature_key)) == prop.feature_key


@given(st.text(max_size=40))
def test_property_parser_on_arbitrary_text(text: str) -> None:
    raises_only_our_errors(VariantProperty.parse, text)
    raises_only_our_errors(VariantFeature.parse, text)
    raises_only_our_errors(validate_label, text)


@given(tag_parts, versions, builds, python_tags, tag_parts, tag_parts, st.none() | labels)
def test_filename_round_trip(
    name: str, version: str, build: str | None, python: str, abi: str, platform: str, label: str | None
) -> None:
    wheel = WheelFilename(
        name=name, version=version, build=build, python=python, abi=abi, platform=platform, label=label
    )
    parsed = WheelFilename.parse(wheel.filename)
    assert parsed == wheel
    assert parsed.filename == wheel.filename
    assert WheelFilename.parse(parsed.base_filename).label is None


@given(st.text(max_size=60))
def test_filename_parser_on_arbitrary_text(text: str) -> None:
    raises_only_our_errors(WheelFilename.parse, text)
    raises_only_our_errors(WheelFilename.parse, text + ".whl")


variant_dicts = st.dictionaries(
    names,
    st.dictionaries(names, st.lists(values, min_size=1, max_size=3, unique=True), min_size=1, max_size=3),
    min_size=1,
    max_size=3,
)


@settings(max_examples=150)
@given(st.dictionaries(labels.filter(lambda label: label != "null"), variant_dicts, max_size=4), st.booleans())
def test_metadata_round_trip(variants: dict[str, dict[str, dict[str, list[str]]]], with_null: bool) -> None:
    namespaces = sorted({ns for properties in variants.values() for ns in properties}) or ["x"]
    document = {
        "$schema": "https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json",
        "default-priorities": {"namespace": namespaces},
        "variants": {**variants, **({"null": {}} if with_null else {})},
    }
    metadata = parse_metadata(json.dumps(document), "x.json")
    text = dump_metadata(metadata)
    again = parse_metadata(text, "y.json")
    assert again == metadata
    assert dump_metadata(again) == text
    assert isinstance(metadata, VariantsMetadata)
    assert {v.label for v in metadata.variants} == set(document["variants"])


@given(json_values)
def test_metadata_parser_on_arbitrary_json(value: object) -> None:
    raises_only_our_errors(parse_metadata, json.dumps(value), "x.json")
    wrapped = {"$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json", "default-priorities": value}
    raises_only_our_errors(parse_metadata, json.dumps(wrapped), "x.json")
    for key in ("variants", "providers"):
        document = {
            "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
            "default-priorities": {"namespace": ["a"]},
            key: value,
        }
        raises_only_our_errors(parse_metadata, json.dumps(document), "x.json")


@given(st.binary(max_size=64))
def test_metadata_parser_on_arbitrary_bytes(data: bytes) -> None:
    raises_only_our_errors(parse_metadata, data, "x.json")


@given(json_values, labels)
def test_variant_and_supported_parsers_on_arbitrary_json(value: object, label: str) -> None:
    raises_only_our_errors(Variant.from_dict, label, value)
    raises_only_our_errors(SupportedProperties.from_dict, value)
