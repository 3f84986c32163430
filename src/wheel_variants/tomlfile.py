"""Parse TOML into plain dicts on every supported Python (tomllib from 3.11, tomlkit before)."""

from __future__ import annotations

import sys
from typing import Any

from .errors import InvalidTomlError

__all__ = ["parse_toml"]


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse *text*; a syntax error raises InvalidTomlError naming *source*."""
    if sys.version_info >= (3, 11):
        import tomllib

        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise InvalidTomlError(f"{source}: invalid TOML: {error}") from None
    import tomlkit
    from tomlkit.exceptions import ParseError

    try:
        document: dict[str, Any] = tomlkit.parse(text).unwrap()
    except ParseError as error:
        raise InvalidTomlError(f"{source}: invalid TOML: {error}") from None
    return document
