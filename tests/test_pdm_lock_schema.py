"""``[metadata.wheel-variants]`` schema 2 (:mod:`pdm_variants.lock.schema`): what a PEP 825 record
leaves out on disk comes back the same when read; schema 1 still reads; a newer schema is refused."""

from __future__ import annotations

import copy
import json

import pytest

pytest.importorskip("pdm")

from pdm_variants.lock.document import LockDocument
from pdm_variants.lock.schema import compact_table, expand_table
from pdm_variants.lock.tomltext import render_table
from wheel_variants.errors import InvalidMetadataError, UnsupportedSchemaError

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

PROVIDERS = {
    "nvidia": {"plugin-api": "nvidia_variant_provider.plugin:NvidiaVariantPlugin", "requires": ["nv"]},
    "x86_64": {"plugin-api": "provider_variant_x86_64.plugin:X8664Plugin", "requires": ["provider-variant-x86-64"]},
}
DOCUMENT = {
    "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
    "default-priorities": {"namespace": ["nvidia", "x86_64"]},
    "providers": PROVIDERS,
    "variants": {
        "cu126": {"nvidia": {"cuda_version_lower_bound": ["12.6"]}},
        "cu128": {"x86_64": {"level": ["v3"]}, "nvidia": {"sm_arch": ["90_real", "100_real"]}},
    },
}
FILES = [
    ("gpulib-1.0-py3-none-any.whl", "sha256:plain"),
    ("gpulib-1.0-py3-none-any-cu126.whl", "sha256:b126"),
    ("gpulib-1.0-py3-none-manylinux_2_28_x86_64-cu128.whl", "sha256:b128"),
    ("gpulib-1.0-py3-none-any-cu128.whl", "sha256:a128"),
]
PEP825 = {
    "origin": "pep825",
    "version": "1.0",
    "variants-json": {"url": "https://x/gpulib-1.0-variants.json", "hash": "sha256:j", "document": DOCUMENT},
    "variants": {
        "cu126": {"properties": ["nvidia :: cuda_version_lower_bound :: 12.6"], "files": ["sha256:b126"]},
        "cu128": {
            "properties": [
                "nvidia :: sm_arch :: 100_real",
                "nvidia :: sm_arch :: 90_real",
                "x86_64 :: level :: v3",
            ],
            "files": ["sha256:a128", "sha256:b128"],
            "dependencies": ["cuda-runtime>=12.8"],
        },
    },
}
INDEX = {
    "origin": "catalog",
    "variants": {
        "cu124": {"index": "https://x/cu124", "properties": ["nvidia :: cuda :: 12.4"], "files": ["sha256:w"]}
    },
}
TABLE = {
    "packages": {"gpulib": PEP825, "llama-cpp-python": INDEX},
    "targets": {"ci": {"packages": {"gpulib": "cu126"}}},
}


def _on_disk(table: dict) -> dict:
    """The table as a lock file holds it: rendered, then parsed by tomllib (as PDM reads it)."""
    text = "[metadata]\n" + render_table(("metadata", "wheel-variants"), table)
    return tomllib.loads(text)["metadata"]["wheel-variants"]


def test_a_pep825_record_keeps_only_what_its_document_and_file_names_do_not_say() -> None:
    written = _on_disk(compact_table(TABLE, {"gpulib": FILES}))
    assert written["schema"] == 2
    record = written["packages"]["gpulib"]
    assert record["variants"] == {"cu128": {"dependencies": ["cuda-runtime>=12.8"]}}  # cu126 adds nothing
    reference = record["variants-json"]
    assert (reference["url"], reference["hash"]) == ("https://x/gpulib-1.0-variants.json", "sha256:j")
    assert json.loads(reference["document"]) == DOCUMENT  # the JSON it was judged by, as JSON
    assert written["packages"]["llama-cpp-python"] == INDEX  # index variants: files share names across indexes
    assert written["targets"] == TABLE["targets"]
    assert list(written) == ["schema", "packages", "targets"]


def test_the_compact_table_reads_back_as_the_whole_one() -> None:
    written = _on_disk(compact_table(TABLE, {"gpulib": FILES}))
    assert expand_table(written, {"gpulib": FILES}) == {"schema": 2, **TABLE}


def test_the_document_is_json_text_a_label_per_line() -> None:
    text = render_table(("metadata", "wheel-variants"), compact_table(TABLE, {"gpulib": FILES}))
    assert "\ndocument = '''{\n" in text
    assert '\n  "cu126": {"nvidia": {"cuda_version_lower_bound": ["12.6"]}},\n' in text
    assert ".variants.cu126" not in text and ".document" not in text


def test_apostrophes_and_control_characters_stay_inside_the_literal_string() -> None:
    odd = copy.deepcopy(PEP825)
    odd["variants-json"]["document"]["providers"]["nvidia"]["enable-if"] = "os_name == 'posix'\n\x01" + "'" * 3
    table = {"packages": {"gpulib": odd}}
    assert expand_table(_on_disk(compact_table(table, {"gpulib": FILES})), {"gpulib": FILES}) == {"schema": 2, **table}


def test_a_document_that_is_not_json_names_its_package() -> None:
    broken = {"schema": 2, "packages": {"gpulib": {**PEP825, "variants-json": {"document": '{"variants": '}}}}
    with pytest.raises(InvalidMetadataError, match=r"packages\.gpulib\.variants-json\.document is not valid JSON"):
        expand_table(broken, {"gpulib": FILES})


def test_a_record_that_would_not_read_back_the_same_is_written_whole() -> None:
    odd = copy.deepcopy(PEP825)
    odd["variants"]["cu126"]["properties"] = ["nvidia :: cuda_version_lower_bound :: 12.5"]  # not the document's
    written = _on_disk(compact_table({"packages": {"gpulib": odd}}, {"gpulib": FILES}))
    assert written["packages"]["gpulib"]["variants"] == odd["variants"]
    assert expand_table(written, {"gpulib": FILES})["packages"]["gpulib"] == odd


def test_a_label_without_locked_files_is_not_read_into_the_record() -> None:
    written = _on_disk(compact_table(TABLE, {"gpulib": FILES}))
    without_cu126 = [pair for pair in FILES if not pair[0].endswith("-cu126.whl")]
    assert list(expand_table(written, {"gpulib": without_cu126})["packages"]["gpulib"]["variants"]) == ["cu128"]


def test_schema_1_reads_as_it_is() -> None:
    old = {"schema": 1, **TABLE}
    data = {"metadata": {"wheel-variants": old}, "package": [{"name": "gpulib", "version": "1.0", "files": []}]}
    assert LockDocument.from_data(data).records["gpulib"] == PEP825


def test_lock_document_reads_schema_2_from_the_lock_s_files() -> None:
    files = [{"file": name, "hash": digest} for name, digest in FILES]
    package = {"name": "gpulib", "version": "1.0", "files": files}
    data = {"metadata": {"wheel-variants": _on_disk(compact_table(TABLE, {"gpulib": FILES}))}, "package": [package]}
    lock = LockDocument.from_data(data)
    assert lock.records["gpulib"] == PEP825
    assert lock.variant_files("gpulib", "cu128") == {"sha256:a128", "sha256:b128"}
    assert lock.targets == TABLE["targets"]


def test_a_label_the_document_lost_is_not_read_as_fitting_every_machine() -> None:
    written = _on_disk(compact_table(TABLE, {"gpulib": FILES}))
    record = written["packages"]["gpulib"]
    document = json.loads(record["variants-json"]["document"])
    del document["variants"]["cu128"]  # as a merge may leave it: cu128's own table stays
    record["variants-json"]["document"] = json.dumps(document)
    assert list(expand_table(written, {"gpulib": FILES})["packages"]["gpulib"]["variants"]) == ["cu126"]


def test_a_record_written_whole_reads_back_whole_empty_file_lists_included() -> None:
    odd = copy.deepcopy(PEP825)
    odd["variants"]["cu126"] = {"properties": ["nvidia :: cuda_version_lower_bound :: 12.6"], "files": []}
    written = _on_disk(compact_table({"packages": {"gpulib": odd}}, {"gpulib": FILES}))
    assert expand_table(written, {"gpulib": FILES})["packages"]["gpulib"] == odd


def test_a_document_that_is_not_json_data_stays_a_toml_table() -> None:
    odd = copy.deepcopy(PEP825)
    odd["variants-json"]["document"]["providers"] = {"nvidia": {"flag": {1: "a"}}}  # a key that is not a string
    compact = compact_table({"packages": {"gpulib": odd}}, {"gpulib": FILES})
    assert compact["packages"]["gpulib"]["variants-json"]["document"]["providers"] == {"nvidia": {"flag": {1: "a"}}}


@pytest.mark.parametrize("schema", [3, "2", True, 0])
def test_a_schema_this_version_does_not_read_is_refused(schema: object) -> None:
    with pytest.raises(UnsupportedSchemaError) as raised:
        LockDocument.from_data({"metadata": {"wheel-variants": {"schema": schema, "packages": {}}}})
    assert str(raised.value).startswith(f"[metadata.wheel-variants] has schema {schema!r}; this wheel-variants reads")
    assert "upgrade wheel-variants" in str(raised.value)


def test_the_test_document_is_a_valid_variants_json() -> None:
    from wheel_variants.metadata import metadata_from_dict

    assert sorted(v.label for v in metadata_from_dict(DOCUMENT, "test").variants) == ["cu126", "cu128"]
