"""Load untrusted JSON safely: bounded size, bounded nesting, duplicate keys refused.

Nesting is bounded by the decoder's recursion guard; callers then walk the result against a
fixed schema shape, so no deeper structure is ever recursed into.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .errors import InvalidMetadataError

__all__ = ["MAX_JSON_BYTES", "load_json", "load_json_stream"]

MAX_JSON_BYTES = 16 * 1024 * 1024


def load_json(data: str | bytes, source: str) -> Any:
    """Parse *data*; every failure becomes an InvalidMetadataError naming *source*."""
    if len(data) > MAX_JSON_BYTES:
        raise InvalidMetadataError(f"{source}: refusing {len(data)} bytes of JSON (limit {MAX_JSON_BYTES})")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidMetadataError(f"{source}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    try:
        return json.loads(data, object_pairs_hook=_refuse_duplicates)
    except json.JSONDecodeError as error:
        raise InvalidMetadataError(
            f"{source}: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise InvalidMetadataError(f"{source}: JSON nested too deeply") from None
    except _DuplicateKeyError as error:
        raise InvalidMetadataError(f"{source}: duplicate key {error.args[0]!r} in a JSON object") from None


def load_json_stream(chunks: Iterable[bytes], source: str, limit: int = MAX_JSON_BYTES) -> Any:
    """:func:`load_json` of a stream of byte chunks (an HTTP response's ``iter_content()``), read
    with *limit*: a body that never ends fails once *limit* bytes arrived, not after."""
    from .boundedio import read_limited

    return load_json(read_limited(chunks, limit, source), source)


class _DuplicateKeyError(Exception):
    pass


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result
