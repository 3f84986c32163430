import pytest

from wheel_variants.errors import InvalidTomlError
from wheel_variants.tomlfile import parse_toml


def test_parses_to_plain_dicts() -> None:
    assert parse_toml('[tool.x]\na = ["b"]\n', "p.toml") == {"tool": {"x": {"a": ["b"]}}}


def test_syntax_error_names_the_file() -> None:
    with pytest.raises(InvalidTomlError, match=r"^pyproject\.toml: invalid TOML: "):
        parse_toml("[tool\n", "pyproject.toml")
