from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from _wheels import NVIDIA_PYPROJECT, make_plain_wheel
from wheel_variants.buildconfig import labelling_metadata, parse_variant_table
from wheel_variants.cli import main
from wheel_variants.errors import InvalidFilenameError, MetadataConflictError
from wheel_variants.metadata import VariantsMetadata, parse_metadata
from wheel_variants.properties import VariantProperty
from wheel_variants.variant import Variant
from wheel_variants.wheelfile import make_variant_wheel

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from wheel_variants.indexjson import collect_index_documents, write_index_json

DECLARED = parse_variant_table(tomllib.loads(NVIDIA_PYPROJECT))


def _release(directory: Path) -> None:
    plain = make_plain_wheel(directory)
    for label in ("cu126", "cu128", "null"):
        make_variant_wheel(plain, labelling_metadata(DECLARED, label, None), directory)
    other = make_plain_wheel(directory, version="2.0")
    make_variant_wheel(other, DECLARED.only("cu126"), directory)


def test_writes_one_merged_document_per_release(tmp_path: Path) -> None:
    _release(tmp_path)
    written = write_index_json(tmp_path)
    assert [p.name for p in written] == ["demo-1.0-variants.json", "demo-2.0-variants.json"]
    document = json.loads((tmp_path / "demo-1.0-variants.json").read_text())
    assert document["variants"] == {
        "cu126": {"nvidia": {"cuda_version_lower_bound": ["12.6"]}},
        "cu128": {"nvidia": {"cuda_version_lower_bound": ["12.8"]}},
        "null": {},
    }
    assert document["default-priorities"] == {"namespace": ["nvidia"]}
    assert set(document["providers"]) == {"nvidia"}
    assert list(json.loads((tmp_path / "demo-2.0-variants.json").read_text())["variants"]) == ["cu126"]
    parse_metadata((tmp_path / "demo-1.0-variants.json").read_bytes(), "index")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_output_is_deterministic(tmp_path: Path) -> None:
    _release(tmp_path / "a")
    first = (write_index_json(tmp_path / "a")[0]).read_bytes()
    second = (write_index_json(tmp_path / "a")[0]).read_bytes()
    shuffled = collect_index_documents(sorted((tmp_path / "a").glob("*.whl"), reverse=True))
    assert first == second
    assert shuffled[0].metadata == parse_metadata(first, "index")


def test_conflicting_wheels_write_nothing(tmp_path: Path) -> None:
    _release(tmp_path)
    other_tag = make_plain_wheel(tmp_path / "src", tag="cp311-cp311-linux_x86_64")
    lying = VariantsMetadata(
        schema=DECLARED.schema,
        namespace_priorities=DECLARED.namespace_priorities,
        providers=DECLARED.providers,
        variants=(Variant.of("cu126", [VariantProperty.parse("nvidia :: cuda_version_lower_bound :: 12.4")]),),
    )
    make_variant_wheel(other_tag, lying, tmp_path)
    with pytest.raises(MetadataConflictError, match="variant label 'cu126' means"):
        write_index_json(tmp_path)
    assert not list(tmp_path.glob("*.json"))


def test_cli_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _release(tmp_path)
    assert main(["index", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        str(tmp_path / "demo-1.0-variants.json"),
        str(tmp_path / "demo-2.0-variants.json"),
    ]
    assert main(["index", str(tmp_path / "missing")]) == 1
    assert "not a directory" in capsys.readouterr().err
    with pytest.raises(InvalidFilenameError):
        write_index_json(tmp_path / "missing")


def test_ignores_non_variant_wheels(tmp_path: Path) -> None:
    make_plain_wheel(tmp_path)
    assert write_index_json(tmp_path) == []
