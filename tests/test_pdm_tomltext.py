"""``pdm_variants.lock.tomltext``: the lock table's text is tomlkit's, byte for byte, and lands in place.

tomlkit is the oracle: whatever tables hypothesis draws (of the shapes the plugin writes), the text
must equal what ``tomlkit.item`` renders at the same place, and parse back to the same data. Literal
text ('''...''') has no tomlkit oracle: it must read back verbatim.
"""

from __future__ import annotations

import string

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from pdm_variants.lock.tomltext import (
    LiteralText,
    Unrendered,
    add_table_text,
    raw_text_supported,
    remove_table_text,
    render_table,
)

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

KEYS = st.one_of(
    st.text(string.ascii_lowercase + string.digits + "-_", min_size=1, max_size=8),
    st.text(min_size=0, max_size=6),  # dots, "$schema", spaces, quotes, control characters
)
SCALARS = st.one_of(st.text(max_size=12), st.integers(-(2**40), 2**40), st.booleans())
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=4))
TABLES = st.recursive(
    st.dictionaries(KEYS, VALUES, max_size=4),
    lambda children: st.dictionaries(KEYS, st.one_of(VALUES, children), max_size=4),
    max_leaves=30,
)


def _document() -> tomlkit.TOMLDocument:
    document = tomlkit.document()
    document["metadata"] = {"groups": ["default"], "lock_version": "4.5.0"}
    return document


def _tomlkit_text(table: dict) -> str:
    document = _document()
    before = document.as_string()
    document["metadata"]["wheel-variants"] = tomlkit.item(table)
    return document.as_string()[len(before) :]


@settings(max_examples=300, deadline=None)
@given(TABLES)
def test_the_text_is_what_tomlkit_writes(table: dict) -> None:
    assert render_table(("metadata", "wheel-variants"), table) == _tomlkit_text(table)


@settings(max_examples=100, deadline=None)
@given(TABLES)
def test_the_text_in_a_document_reads_back_as_the_table(table: dict) -> None:
    document = _document()
    add_table_text(document["metadata"], render_table(("metadata", "wheel-variants"), table))
    document["package"] = tomlkit.aot()
    document["package"].append({"name": "plainlib"})
    data = tomllib.loads(document.as_string())
    assert data["metadata"]["wheel-variants"] == table
    assert data["package"] == [{"name": "plainlib"}]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="\r"), max_size=40))
def test_literal_text_reads_back_verbatim_or_is_left_to_tomlkit(text: str) -> None:
    try:
        rendered = render_table(("metadata", "wheel-variants"), {"document": LiteralText(text)})
    except Unrendered:
        unsafe = "'''" in text or text.startswith("\n") or text.endswith("'")
        assert unsafe or any((ord(c) < 32 and c not in "\t\n") or c == "\x7f" for c in text)
        return
    assert rendered.endswith("\ndocument = '''" + text + "'''\n")
    assert tomllib.loads("[metadata]\n" + rendered)["metadata"]["wheel-variants"] == {"document": text}


def test_a_key_pdm_adds_later_goes_before_the_text_and_a_second_write_replaces_it() -> None:
    assert raw_text_supported()
    document = _document()
    add_table_text(document["metadata"], render_table(("metadata", "wheel-variants"), {"schema": 1}))
    document["metadata"]["content_hash"] = "sha256:0"
    remove_table_text(document["metadata"])
    add_table_text(document["metadata"], render_table(("metadata", "wheel-variants"), {"schema": 2, "t": {}}))
    data = tomllib.loads(document.as_string())
    assert data["metadata"] == {
        "groups": ["default"],
        "lock_version": "4.5.0",
        "content_hash": "sha256:0",
        "wheel-variants": {"schema": 2, "t": {}},
    }
    assert "wheel-variants" not in document["metadata"]  # readers of the document do not see it


@pytest.mark.parametrize("value", [1.5, [{"a": 1}], [[1]], None])
def test_other_shapes_are_left_to_tomlkit(value: object) -> None:
    with pytest.raises(Unrendered):
        render_table(("metadata", "wheel-variants"), {"key": value})
