from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from _wheels import NVIDIA_PYPROJECT, check_record, make_plain_wheel
from wheel_variants.buildconfig import labelling_metadata, parse_variant_table
from wheel_variants.cli import main
from wheel_variants.errors import InvalidFilenameError, InvalidLabelError, InvalidMetadataError
from wheel_variants.metadata import parse_metadata
from wheel_variants.properties import VariantProperty
from wheel_variants.wheelfile import make_variant_wheel, read_variant_json

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DECLARED = parse_variant_table(tomllib.loads(NVIDIA_PYPROJECT))
VARIANTLIB = shutil.which("variantlib") or str(Path(sys.executable).with_name("variantlib"))


def test_labels_a_wheel_with_variant_json_and_a_valid_record(tmp_path: Path) -> None:
    plain = make_plain_wheel(tmp_path / "in")
    before = plain.read_bytes()
    out = make_variant_wheel(plain, DECLARED.only("cu126"), tmp_path / "out")

    assert out.name == "demo-1.0-py3-none-any-cu126.whl"
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
    assert plain.read_bytes() == before
    contents = check_record(out)
    document = json.loads(contents["demo-1.0.dist-info/variant.json"])
    assert document["variants"] == {"cu126": {"nvidia": {"cuda_version_lower_bound": ["12.6"]}}}
    assert document["$schema"] == "https://variants-schema.wheelnext.dev/v0.2.0.json"
    assert set(document["providers"]) == {"nvidia"}
    assert contents["demo-1.0.dist-info/WHEEL"].endswith(b"Tag: py3-none-any\n")
    with zipfile.ZipFile(plain) as original:
        for name in original.namelist():
            if not name.endswith("RECORD"):
                assert contents[name] == original.read(name)
    names = zipfile.ZipFile(out).namelist()
    assert names[-2:] == ["demo-1.0.dist-info/variant.json", "demo-1.0.dist-info/RECORD"]
    assert read_variant_json(out) == DECLARED.only("cu126")


def test_null_variant_and_labelling_metadata(tmp_path: Path) -> None:
    plain = make_plain_wheel(tmp_path)
    metadata = labelling_metadata(DECLARED, "null", None)
    out = make_variant_wheel(plain, metadata, tmp_path / "out")
    assert out.name == "demo-1.0-py3-none-any-null.whl"
    assert json.loads(check_record(out)["demo-1.0.dist-info/variant.json"])["variants"] == {"null": {}}


@pytest.mark.parametrize(
    ("label", "properties", "message"),
    [
        ("cu999", None, "unknown variant label 'cu999'"),
        ("x3", ["x86_64 :: level :: v3"], "namespace 'x86_64' in 'variants.x3.x86_64' is not declared"),
        (
            "two",
            ["nvidia :: cuda_version_lower_bound :: 12.6", "nvidia :: cuda_version_lower_bound :: 12.8"],
            "several values ['12.6', '12.8'] for the single-value feature 'nvidia :: cuda_version_lower_bound'",
        ),
        ("cu126", ["nvidia :: cuda_version_lower_bound :: 12.8"], "is declared in pyproject.toml as cu126"),
        ("null", ["nvidia :: sm_arch :: 90_real"], "reserved for the null variant"),
        ("Bad", None, "invalid variant label 'Bad'"),
    ],
)
def test_labelling_metadata_refuses_bad_input(label: str, properties: list[str] | None, message: str) -> None:
    parsed = None if properties is None else [VariantProperty.parse(p) for p in properties]
    with pytest.raises((InvalidLabelError, InvalidMetadataError)) as caught:
        labelling_metadata(DECLARED, label, parsed)
    assert message in str(caught.value)


def test_bad_wheels_leave_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "out"
    plain = make_plain_wheel(tmp_path / "in")
    labelled = make_variant_wheel(plain, DECLARED.only("cu126"), tmp_path / "labelled")
    with pytest.raises(InvalidFilenameError, match="already carries the variant label 'cu126'"):
        make_variant_wheel(labelled, DECLARED.only("cu128"), out)

    broken = tmp_path / "in" / "broken-1.0-py3-none-any.whl"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("broken/__init__.py", "")
        archive.writestr("broken-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n")
    with pytest.raises(InvalidMetadataError, match=re.escape("no 'broken-1.0.dist-info/RECORD'")):
        make_variant_wheel(broken, DECLARED.only("cu126"), out)

    garbage = tmp_path / "in" / "junk-1.0-py3-none-any.whl"
    garbage.write_bytes(b"not a zip")
    with pytest.raises(InvalidMetadataError, match="not a zip archive"):
        make_variant_wheel(garbage, DECLARED.only("cu126"), out)
    assert list(out.iterdir()) == []


def test_read_variant_json_checks_the_label(tmp_path: Path) -> None:
    plain = make_plain_wheel(tmp_path)
    assert read_variant_json(plain) is None
    out = make_variant_wheel(plain, DECLARED.only("cu126"), tmp_path / "out")
    renamed = out.with_name("demo-1.0-py3-none-any-cu128.whl")
    out.rename(renamed)
    with pytest.raises(InvalidMetadataError, match="expected exactly the variant 'cu128'"):
        read_variant_json(renamed)


def test_read_variant_json_stops_inflating_at_the_json_limit(tmp_path: Path) -> None:
    from wheel_variants.errors import InputLimitError
    from wheel_variants.jsonload import MAX_JSON_BYTES

    bomb = tmp_path / "demo-1.0-py3-none-any-cu126.whl"
    member = "demo-1.0.dist-info/variant.json"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n")
        with archive.open(member, "w") as stream:  # 64 MiB of spaces: a few kB compressed
            for _ in range(1024):
                stream.write(b" " * 65536)
    with pytest.raises(InputLimitError, match=re.escape(f"{bomb.name}:{member}: more than {MAX_JSON_BYTES} bytes")):
        read_variant_json(bomb)


def test_cli_label(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(NVIDIA_PYPROJECT)
    plain = make_plain_wheel(tmp_path / "in")
    out = tmp_path / "out"
    common = ["--pyproject", str(pyproject), "-o", str(out)]

    assert main(["label", str(plain), "--label", "cu128", *common]) == 0
    assert main(["label", str(plain), "--null", *common]) == 0
    assert main(["label", str(plain), "-l", "fat", "-p", "nvidia :: sm_arch :: 90_real", *common]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "demo-1.0-py3-none-any-cu128.whl",
        "demo-1.0-py3-none-any-fat.whl",
        "demo-1.0-py3-none-any-null.whl",
    ]
    capsys.readouterr()
    assert main(["label", str(plain), "-l", "v3", "-p", "x86_64 :: level :: v3", *common]) == 1
    error = capsys.readouterr().err
    assert error.startswith("wheel-variants: error: namespace 'x86_64'")
    assert error.count("\n") == 1
    assert len(list(out.iterdir())) == 3


def test_variantlib_reads_our_variant_wheels(tmp_path: Path) -> None:
    if not Path(VARIANTLIB).exists():
        pytest.skip("variantlib (test oracle) is not installed")
    plain = make_plain_wheel(tmp_path)
    for label in ("cu126", "null"):
        out = make_variant_wheel(plain, labelling_metadata(DECLARED, label, None), tmp_path / "out")
        result = subprocess.run(
            [VARIANTLIB, "analyze-wheel", "-i", str(out)], capture_output=True, text=True, check=True
        )
        assert f"Variant: `{label}`" in result.stdout
        parse_metadata(zipfile.ZipFile(out).read("demo-1.0.dist-info/variant.json"), out.name)
