"""``[metadata.wheel-variants]`` on disk: schema 2 is written, schemas 1 and 2 are read.

In memory every record has the whole shape of :mod:`pdm_variants.lock.table`: each label lists its
properties and its files. Schema 1 wrote that shape as it is. For PEP 825 packages it repeats
itself, and a team lock of 40 packages x 24 labels spent two thirds of its 480 KB, and most of
PDM's parse of it on every command, on the plugin's table. Schema 2 leaves out of a PEP 825 record
what it holds already:

* a label's ``properties``: the record's variants JSON document lists them;
* a label's ``files``: the lock's ``[[package]]`` files whose names carry the label.

A PEP 825 label's table stays only for what it adds (its own ``dependencies``). Index-variant
records are written whole: their files have the same names on every index. A record is compacted
only when reading it back gives the same record (:func:`compact_table`); otherwise it is written
whole, which schema 2 reads as well.

The variants JSON document itself (``variants-json.document``) is kept as JSON text, one label per
line, in a multi-line literal string: it is the JSON the release was judged by, a diff shows the
labels that changed, and a TOML parser reads it in one step (at 40 x 24, 2 ms for the plugin's
whole table, where the same documents as one-line TOML tables took 16 ms, and schema 1 55 ms).
A document that does not read back as the same data from JSON stays a TOML table.

A label the document does not list and whose properties are not written (a merge can leave one)
is not read: it cannot be ranked; the next ``pdm lock`` records it again.

A schema 1 lock is read as it is and is written as schema 2 by the next ``pdm lock``. A schema this
version does not know (written by a newer wheel-variants) is refused with one line, never guessed at.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from wheel_variants.errors import InvalidMetadataError, UnsupportedSchemaError
from wheel_variants.filename import split_label

from .table import KEY, PEP825_ORIGIN
from .tomltext import LiteralText

__all__ = ["READ_SCHEMAS", "SCHEMA", "compact_table", "expand_table", "table_schema"]

SCHEMA = 2
READ_SCHEMAS = (1, 2)
_DERIVED = ("properties", "files")

#: ``{name: [(filename, hash), ...]}``: a lock's files, per package.
Files = Mapping[str, Iterable[tuple[str, str]]]


def table_schema(table: Mapping[str, Any]) -> int:
    """The schema of a table read from a lock (1 when it names none); a schema this version does
    not read raises :class:`UnsupportedSchemaError`."""
    schema = table.get("schema", 1)
    if schema not in READ_SCHEMAS or isinstance(schema, bool):
        raise UnsupportedSchemaError(
            f"[metadata.{KEY}] has schema {schema!r}; this wheel-variants reads schemas "
            f"{', '.join(map(str, READ_SCHEMAS))}: upgrade wheel-variants to the version that wrote the lock"
        )
    return int(schema)


def expand_table(table: Mapping[str, Any], files: Files) -> dict[str, Any]:
    """The whole shape of a table read from a lock (*files*: the lock's files, per package)."""
    packages = table.get("packages")
    if table_schema(table) == 1 or not isinstance(packages, Mapping):
        return dict(table)
    expanded = {name: _expand(_parsed_document(name, record), files.get(name, ())) for name, record in packages.items()}
    return {**table, "packages": expanded}


def compact_table(table: Mapping[str, Any], files: Files) -> dict[str, Any]:
    """*table* (the whole shape) as schema 2 writes it; *files* as for :func:`expand_table`."""
    packages = {}
    for name, record in table.get("packages", {}).items():
        compact = _compact(record)
        packages[name] = _document_text(compact if _expand(compact, files.get(name, ())) == record else record)
    rest = {key: value for key, value in table.items() if key != "schema"}
    return {"schema": SCHEMA, **rest, "packages": packages}


def _expand(record: Any, files: Iterable[tuple[str, str]]) -> Any:
    if not isinstance(record, Mapping) or record.get("origin") != PEP825_ORIGIN:
        return record
    listed = _document_variants(record)
    stored = record.get("variants")
    stored = stored if isinstance(stored, Mapping) else {}
    by_label: dict[str, list[str]] = {}
    for filename, digest in files:
        split = split_label(filename)
        if split is not None:
            by_label.setdefault(split[1], []).append(digest)
    variants = {}
    for label in sorted({*listed, *stored}):
        body = stored.get(label)
        body = body if isinstance(body, Mapping) else {}
        if "properties" not in body and label not in listed:
            continue  # properties unknown (a merge dropped its document line): not a label to rank
        properties = body["properties"] if "properties" in body else _properties(listed[label])
        hashes = body["files"] if "files" in body else sorted(by_label.get(label, ()))
        if hashes or "files" in body:
            rest = {key: value for key, value in body.items() if key not in _DERIVED}
            variants[label] = {"properties": properties, "files": hashes, **rest}
    return {**record, "variants": variants}


def _compact(record: Any) -> Any:
    if not isinstance(record, Mapping) or record.get("origin") != PEP825_ORIGIN:
        return record
    variants = record.get("variants")
    kept = {}
    for label, body in variants.items() if isinstance(variants, Mapping) else ():
        rest = {key: value for key, value in body.items() if key not in _DERIVED} if isinstance(body, Mapping) else body
        if rest:
            kept[label] = rest
    compact = {key: value for key, value in record.items() if key != "variants"}
    return {**compact, "variants": kept} if kept else compact


def _document_text(record: Any) -> Any:
    """*record* with its variants JSON document as JSON text: a key per line, a label per line. No
    apostrophe and no control character is left unescaped, so the literal string can hold it."""
    reference = record.get("variants-json") if isinstance(record, Mapping) else None
    document = reference.get("document") if isinstance(reference, Mapping) else None
    if not isinstance(document, Mapping):
        return record

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=True).replace("'", "\\u0027")

    lines = [f" {dump(key)}: {dump(value)}" for key, value in document.items() if key != "variants"]
    listed = document.get("variants")
    if isinstance(listed, Mapping):
        labels = ",\n".join(f"  {dump(label)}: {dump(body)}" for label, body in listed.items())
        lines.append(f' "variants": {{\n{labels}\n }}' if labels else ' "variants": {}')
    text = LiteralText("{\n" + ",\n".join(lines) + "\n}\n")
    if json.loads(text) != document:  # not JSON data (a key that is not a string, ...): kept as TOML
        return record
    return {**record, "variants-json": {**reference, "document": text}}


def _parsed_document(name: str, record: Any) -> Any:
    """*record* with its document read from JSON text (a schema 2 table holds it so)."""
    reference = record.get("variants-json") if isinstance(record, Mapping) else None
    text = reference.get("document") if isinstance(reference, Mapping) else None
    if not isinstance(text, str):
        return record
    try:
        document = json.loads(text)
    except ValueError as error:
        raise InvalidMetadataError(
            f"[metadata.{KEY}] packages.{name}.variants-json.document is not valid JSON: {error}"
        ) from None
    return {**record, "variants-json": {**reference, "document": document}}


def _document_variants(record: Mapping[str, Any]) -> Mapping[str, Any]:
    reference = record.get("variants-json")
    document = reference.get("document") if isinstance(reference, Mapping) else None
    listed = document.get("variants") if isinstance(document, Mapping) else None
    return listed if isinstance(listed, Mapping) else {}


def _properties(listed: object) -> list[str]:
    """``["ns :: feature :: value", ...]`` sorted, from a document's ``{ns: {feature: [values]}}``."""
    if not isinstance(listed, Mapping):
        return []
    triples = [
        (str(namespace), str(feature), str(value))
        for namespace, features in listed.items()
        if isinstance(features, Mapping)
        for feature, values in features.items()
        if isinstance(values, list)
        for value in values
    ]
    return [f"{namespace} :: {feature} :: {value}" for namespace, feature, value in sorted(triples)]
