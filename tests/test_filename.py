import pytest
from packaging.utils import parse_wheel_filename

from wheel_variants.errors import InvalidFilenameError, InvalidLabelError
from wheel_variants.filename import WheelFilename, validate_label


@pytest.mark.parametrize(
    ("filename", "build", "label", "base"),
    [
        ("six-1.16.0-py2.py3-none-any.whl", None, None, "six-1.16.0-py2.py3-none-any.whl"),
        ("six-1.16.0-py2.py3-none-any-null.whl", None, "null", "six-1.16.0-py2.py3-none-any.whl"),
        (
            "numpy-2.3.2-cp313-cp313t-musllinux_1_2_x86_64-x86_64_v3.whl",
            None,
            "x86_64_v3",
            "numpy-2.3.2-cp313-cp313t-musllinux_1_2_x86_64.whl",
        ),
        (
            "torch-2.13.0-1-cp311-cp311-linux_x86_64.whl",
            "1",
            None,
            "torch-2.13.0-1-cp311-cp311-linux_x86_64.whl",
        ),
        (
            "torch-2.13.0-1abc-cp311-cp311-linux_x86_64-cuda12.6.whl",
            "1abc",
            "cuda12.6",
            "torch-2.13.0-1abc-cp311-cp311-linux_x86_64.whl",
        ),
    ],
)
def test_parse_round_trip(filename: str, build: str | None, label: str | None, base: str) -> None:
    parsed = WheelFilename.parse(filename)
    assert parsed.build == build
    assert parsed.label == label
    assert parsed.base_filename == base
    assert parsed.filename == filename
    assert parsed.is_variant == (label is not None)
    # The base name is exactly what pre-PEP 825 tools accept.
    parse_wheel_filename(parsed.base_filename)


def test_labelled_names_are_rejected_by_packaging_but_not_by_us() -> None:
    name = "vdemo-1.0-cp311-cp311-linux_x86_64-cu126.whl"
    with pytest.raises(ValueError):
        parse_wheel_filename(name)
    assert WheelFilename.parse(name).label == "cu126"


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        ("six-1.16.0-py3-none.whl", "expected 'name-version"),
        ("six-1.16.0-py3-none-any-CU.whl", "variant label 'CU'"),
        ("six-1.16.0-1-3py-none-any-cu.whl", "must not start with a digit"),
        ("six-1.16.0-x-py3-none-any-cu-extra.whl", "expected 'name-version"),
        ("six-1.16.0-b1-py3-none-any-cu.whl", "build tag"),
        ("six-1.16.0-py3-none-any.zip", "must end in '.whl'"),
        ("six-1.16.0-py3-none--cu.whl", "platform tag"),
    ],
)
def test_bad_filenames(filename: str, message: str) -> None:
    with pytest.raises(InvalidFilenameError, match=message):
        WheelFilename.parse(filename)


def test_seven_parts_need_a_build_tag() -> None:
    # A seven-part name whose third part is not a build tag is not a wheel name.
    with pytest.raises(InvalidFilenameError, match="build tag"):
        WheelFilename.parse("six-1.0-py3-py3-none-any-cu.whl")


def test_with_label_validates() -> None:
    plain = WheelFilename.parse("six-1.16.0-py3-none-any.whl")
    assert plain.with_label("cu126").filename == "six-1.16.0-py3-none-any-cu126.whl"
    assert plain.with_label("cu126").with_label(None) == plain
    with pytest.raises(InvalidLabelError):
        plain.with_label("../x")


@pytest.mark.parametrize("label", ["", "CU", "a-b", "a/b", " a", None])
def test_invalid_labels(label: object) -> None:
    with pytest.raises(InvalidLabelError):
        validate_label(label)


@pytest.mark.parametrize("label", [".", "..", "..."])
def test_all_dot_labels_are_refused_before_they_can_name_a_path(label: str) -> None:
    with pytest.raises(InvalidLabelError, match="not only dots"):
        validate_label(label)


def test_a_version_that_is_not_pep_440_is_refused() -> None:
    # uv 0.13.9 refuses such a file; so do we.
    with pytest.raises(InvalidFilenameError, match=r"version 'x\.y\.z' is not a PEP 440 version"):
        WheelFilename.parse("foo-x.y.z-py3-none-any-cu126.whl")
    assert WheelFilename.parse("foo-1.0_rc1-py3-none-any.whl").version == "1.0_rc1"


def test_a_label_made_only_of_dots_parses_but_is_never_a_valid_label_here() -> None:
    from wheel_variants.filename import is_dots_label

    parsed = WheelFilename.parse("foo-1.0-py3-none-any-...whl")
    assert parsed.label == ".." and is_dots_label(parsed.label)
    assert not is_dots_label("cu12.6") and not is_dots_label(None)
