"""The plugin's lock table as TOML text, without building it out of tomlkit items.

A team lock of many packages and labels holds thousands of small tables; turning them into
tomlkit items and back into text took a quarter of a second, a second part of PDM's own lock time.
:func:`render_table` writes the same text tomlkit writes for ``tomlkit.item(table)`` (the lock's
bytes do not change with the plugin's version), for the shapes the table has: tables, strings,
integers, booleans and arrays of those scalars. Anything else is :class:`Unrendered`, and the
caller falls back to tomlkit. A :class:`LiteralText` is written as a multi-line literal string
(``'''...'''``, verbatim: a JSON document stays readable, and parses in one step); through the
tomlkit fallback it is an ordinary string, the same data.

:func:`add_table_text` places the text in the tomlkit document PDM writes, as an item tomlkit
renders verbatim (a ``Whitespace`` item, the kind that keeps blank lines and comments). Readers of
the in-memory document do not see it; the plugin keeps its own reading (``variants_lock``).
:func:`raw_text_supported` checks once per process that this tomlkit renders it so; if not, the
writer uses ``tomlkit.item``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, MutableMapping
from typing import Any

__all__ = ["LiteralText", "Unrendered", "add_table_text", "raw_text_supported", "remove_table_text", "render_table"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
_NOT_LITERAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # \r too: parsers may change newlines


class LiteralText(str):
    """A string :func:`render_table` writes verbatim between ``'''`` (it must hold no ``'''``,
    no control character but newlines and tabs, and neither start with a newline nor end with ``'``)."""


class Unrendered(Exception):
    """A value of a shape :func:`render_table` does not write (a float, an array of tables, ...)."""


def render_table(path: tuple[str, ...], table: Mapping[str, Any], *, first: bool = False) -> str:
    """The text of *table* at dotted *path* (``("metadata", "wheel-variants")``), as tomlkit
    renders ``tomlkit.item(table)`` set there in a table that already holds items (*first*: in
    an empty one, with no blank line before the header)."""
    return _table(".".join(_key(part) for part in path), table, "" if first else "\n")


def _table(header: str, table: Mapping[str, Any], indent: str) -> str:
    """tomlkit's layout: key/value lines before sub-tables, each in the table's order; a blank
    line before every item but a body's first; no header for a table holding only tables."""
    simple = [(key, value) for key, value in table.items() if not isinstance(value, Mapping)]
    tables = [(key, value) for key, value in table.items() if isinstance(value, Mapping)]
    parts = [indent + (f"[{header}]\n" if simple or not tables else "")]
    parts.extend(f"{_key(key)} = {_value(value)}\n" for key, value in simple)
    for number, (key, value) in enumerate(tables):
        parts.append(_table(f"{header}.{_key(key)}", value, "" if number == 0 and not simple else "\n"))
    return "".join(parts)


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, LiteralText):
        # A newline right after the opening quotes would be dropped; a quote before the closing
        # ones would be read as part of them.
        if "'''" in value or _NOT_LITERAL.search(value) or value.startswith("\n") or value.endswith("'"):
            raise Unrendered("text that a literal string cannot hold")
        return f"'''{value}'''"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list) and not any(isinstance(item, (list, Mapping)) for item in value):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise Unrendered(f"no text form for {type(value).__name__} values")


def _string(text: str) -> str:
    if not _NEEDS_ESCAPE.search(text):
        return f'"{text}"'
    return '"' + _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), text) + '"'


# -- the text in tomlkit's document -------------------------------------------------------------


@functools.cache
def _text_item_class() -> type:
    from tomlkit.items import Whitespace

    class TableText(Whitespace):  # type: ignore[misc]
        """Text tomlkit writes as it is (see the module docstring)."""

    return TableText


def add_table_text(table: MutableMapping[str, Any], text: str) -> None:
    """Append *text* to the tomlkit *table*'s body (after a :func:`remove_table_text`).

    Not "fixed" whitespace: tomlkit then places a key added to the table later before the text,
    where it belongs, not inside the text's last sub-table."""
    table.append(None, _text_item_class()(text, fixed=False))  # type: ignore[attr-defined]


def remove_table_text(table: Any) -> None:
    """Empty any text an earlier write of this document added to *table* (tomlkit cannot remove
    a keyless item from a body; an empty one renders as nothing)."""
    kind = _text_item_class()
    for _, item in table.value.body:
        if isinstance(item, kind):
            item._s = ""


@functools.cache
def raw_text_supported() -> bool:
    """Whether this tomlkit writes :func:`add_table_text`'s text where it was added, as it is."""
    import tomlkit
    from pdm.compat import tomllib

    try:
        document = tomlkit.document()
        document["metadata"] = {"a": 1}
        add_table_text(document["metadata"], render_table(("metadata", "t"), {"old": 1}))
        remove_table_text(document["metadata"])  # as a second write in one command does
        add_table_text(document["metadata"], render_table(("metadata", "t"), {"b": {"c": "d"}}))
        document["metadata"]["late"] = 2  # as PDM may add a key after the plugin wrote
        document["after"] = {"e": True}
        expected = {"metadata": {"a": 1, "late": 2, "t": {"b": {"c": "d"}}}, "after": {"e": True}}
        return tomllib.loads(document.as_string()) == expected
    except Exception:  # noqa: BLE001 - any change in tomlkit's internals means: do not use it
        return False
