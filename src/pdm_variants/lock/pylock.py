"""Variant data in a PEP 751 ``pylock.toml`` (PDM's ``lock.format = "pylock"``), pure functions.

PDM writes ``pylock.toml`` from scratch on every lock, like ``pdm.lock``; the plugin then adds,
per ``[[packages]]`` entry of a variant-managed package:

* ``[packages.tool.wheel-variants]``: the package's record from :mod:`pdm_variants.lock.table`
  (``origin`` and, per label, ``index``/``properties``/``marker``/``files``), verbatim apart from
  the PEP 825 document below. PEP 751 reserves ``[packages.tool]`` for tools; other readers
  ignore it.
* ``[packages.variants-json]``, for packages whose record carries the combined PEP 825
  ``{name}-{version}-variants.json`` document (``variants-json.document``): that document
  inlined as TOML, pruned to the locked labels, ``$schema`` and ``default-priorities`` kept, as
  PEP 825 "Integration with pylock.toml" specifies, so that other PEP 751 readers see the
  variants. Index variants (one index per backend) have no such document and get only the tool
  table.

A top-level ``[tool.wheel-variants] schema = 1`` marks the layout; a team lock keeps its
per-target labels there too (``[tool.wheel-variants.targets.<name>]``, the ``targets`` table of
:mod:`pdm_variants.lock.targets`). The files a team target adds (:func:`add_pylock_files`) are
ordinary ``wheels`` (or ``sdist``) entries, written as PDM writes them: ``name``, ``url``,
``hashes``. :class:`pdm_variants.lock.document.LockDocument` reads a ``pylock.toml`` back through
this module's readers, so every reader of the lock works on both formats.

Per-label dependencies (:mod:`pdm_variants.lock.labeldeps`) are ``variants.<label>.dependencies`` in
the tool table; they are compared with PDM's own list of the entry (``[packages.tool.pdm]
dependencies``), and the packages only other labels need are added by
:func:`add_pylock_packages` as PDM formats a ``[[packages]]`` entry.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

__all__ = [
    "TOOL_KEY",
    "VARIANTS_JSON_KEY",
    "add_pylock_files",
    "add_pylock_packages",
    "artifact_files",
    "dependency_keys",
    "pdm_table",
    "pruned_variants_json",
    "pylock_artifact",
    "pylock_entries",
    "pylock_groups",
    "pylock_package_records",
    "pylock_targets",
    "record_in_pylock",
    "split_pylock_marker",
]

#: The per-package and top-level ``[tool]`` key this plugin owns in ``pylock.toml``.
TOOL_KEY = "wheel-variants"
#: The layout of the plugin's tables in a ``pylock.toml`` (``pdm.lock``'s has its own, :mod:`.schema`).
PYLOCK_SCHEMA = 1
#: The per-package table PEP 825 adds to ``pylock.toml`` (its "Integration with pylock.toml").
VARIANTS_JSON_KEY = "variants-json"
#: Inside a variant record's ``variants-json`` table: the merged PEP 825 document, if stored.
DOCUMENT_KEY = "document"
#: In the top-level ``[tool.wheel-variants]`` table (and ``[metadata.wheel-variants]``): a team
#: lock's labels per target.
TARGETS_KEY = "targets"


def _entries(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    packages = document.get("packages", [])
    if not isinstance(packages, list):
        return []
    return [p for p in packages if isinstance(p, Mapping) and isinstance(p.get("name"), str)]


def artifact_files(entry: Mapping[str, Any]) -> list[dict[str, str]]:
    """``{file, hash, url?}`` (``hash`` as ``algo:value``) of every wheel and sdist of one ``[[packages]]`` entry."""
    artifacts = list(entry.get("wheels", []) or [])
    if isinstance(entry.get("sdist"), Mapping):
        artifacts.append(entry["sdist"])
    files = []
    for artifact in artifacts:
        table = artifact.get("hashes") if isinstance(artifact, Mapping) else None
        if not isinstance(table, Mapping):
            continue
        name = artifact.get("name") or str(artifact.get("url") or artifact.get("path") or "").rsplit("/", 1)[-1]
        url = artifact.get("url")
        for algo, value in table.items():
            if isinstance(value, str):
                item = {"file": name, "hash": f"{algo}:{value}"} if name else {"hash": f"{algo}:{value}"}
                if isinstance(url, str):
                    item["url"] = url
                files.append(item)
    return files


def pylock_entries(document: Mapping[str, Any]) -> dict[str, MutableMapping[str, Any]]:
    """``{normalised name: [[packages]] entry}`` of *document*, the entries themselves (to add files to)."""
    from wheel_variants.packages import normalize_name

    return {normalize_name(entry["name"]): entry for entry in _entries(document) if isinstance(entry, MutableMapping)}


def pylock_artifact(item: Mapping[str, str]) -> dict[str, Any]:
    """A ``{url, file, hash}`` file (``hash`` as ``algo:value``) as a PEP 751 ``wheels``/``sdist``
    entry, the way PDM writes one: ``name``, ``url``, ``hashes = {algo = value}``."""
    algo, _, value = item["hash"].partition(":")
    artifact: dict[str, Any] = {}
    if item.get("file"):
        artifact["name"] = item["file"]
    if item.get("url"):
        artifact["url"] = item["url"]
    artifact["hashes"] = {algo: value}
    return artifact


def _is_wheel(item: Mapping[str, str]) -> bool:
    return str(item.get("file") or item.get("url", "")).endswith(".whl")


def add_pylock_files(entry: MutableMapping[str, Any], files: list[dict[str, str]]) -> list[dict[str, str]]:
    """Add *files* (``{url, file, hash}``) to the ``[[packages]]`` *entry* that lacks them; return
    those of *files* the entry now holds.

    Wheels go to ``wheels``; an sdist becomes the ``sdist`` unless the entry has one already:
    PEP 751 allows one sdist per package, so a second (other hash) is left out, and the locked one
    serves every variant (an index variant's sdist is the same source for every label).
    """
    import tomlkit

    known = {item["hash"] for item in artifact_files(entry)}
    kept = []
    for item in files:
        if item["hash"] in known:
            kept.append(item)
            continue
        # Built as PDM's `PyLockConverter.make_package` builds them, so that the text is the same
        # when PDM rewrites the entry (a wheel: a plain table in a multiline array).
        artifact = pylock_artifact(item)
        artifact["hashes"] = _inline(artifact["hashes"])
        if _is_wheel(item):
            wheels = entry.get("wheels")
            if wheels is None:
                wheels = entry["wheels"] = tomlkit.array().multiline(True)
            wheels.append(artifact)
        elif "sdist" not in entry:
            entry["sdist"] = _inline(artifact)
        else:
            continue
        known.add(item["hash"])
        kept.append(item)
    return kept


def _inline(data: Mapping[str, Any]) -> Any:
    import tomlkit

    table = tomlkit.inline_table()
    table.update(data)
    return table


def pylock_targets(document: Mapping[str, Any]) -> dict[str, Any]:
    """The team targets (``{name: {packages, source?, platform?}}``) of ``[tool.wheel-variants.targets]``."""
    tool = document.get("tool")
    top = tool.get(TOOL_KEY) if isinstance(tool, Mapping) else None
    targets = top.get(TARGETS_KEY) if isinstance(top, Mapping) else None
    return dict(targets) if isinstance(targets, Mapping) else {}


def pylock_package_records(document: Mapping[str, Any]) -> dict[str, Any]:
    """``{name: variant record}`` read back from the ``[packages.tool.wheel-variants]`` tables
    (with ``[packages.variants-json]`` as ``variants-json.document``: the inverse of :func:`record_in_pylock`)."""
    from wheel_variants.packages import normalize_name

    records: dict[str, Any] = {}
    for entry in _entries(document):
        tool = entry.get("tool")
        record = tool.get(TOOL_KEY) if isinstance(tool, Mapping) else None
        if not isinstance(record, Mapping):
            continue
        record = dict(record)
        inline = entry.get(VARIANTS_JSON_KEY)
        if isinstance(inline, Mapping):  # the (pruned) PEP 825 document goes back into the record
            reference = record.get(VARIANTS_JSON_KEY)
            record[VARIANTS_JSON_KEY] = {
                **(reference if isinstance(reference, Mapping) else {}),
                DOCUMENT_KEY: inline,
            }
        records[normalize_name(entry["name"])] = record
    return records


def pdm_table(table: Mapping[str, Any]) -> Mapping[str, Any]:
    """The ``[tool.pdm]`` table of *table* (the document or one ``[[packages]]`` entry), or ``{}``."""
    tool = table.get("tool")
    pdm = tool.get("pdm") if isinstance(tool, Mapping) else None
    return pdm if isinstance(pdm, Mapping) else {}


def dependency_keys(entry: Mapping[str, Any]) -> dict[str, Any]:
    """``dependencies``, ``groups`` and ``marker`` of one ``[[packages]]`` entry, as in ``pdm.lock``."""
    keys: dict[str, Any] = {}
    dependencies = pdm_table(entry).get("dependencies")
    if isinstance(dependencies, list):
        keys["dependencies"] = [str(line) for line in dependencies]
    if isinstance(entry.get("marker"), str):
        groups, marker = split_pylock_marker(entry["marker"])
        if groups:
            keys["groups"] = groups
        if marker is not None:
            keys["marker"] = marker
    return keys


def split_pylock_marker(marker: str) -> tuple[list[str], str | None]:
    """A ``[[packages]]`` *marker* as PDM writes it, split as PDM's reader splits it: the groups
    and extras of its ``"<name>" in dependency_groups``/``"<name>" in extras`` terms (``default``
    first), and the environment marker that is left (None when nothing is)."""
    import re

    from pdm.models.markers import exclude_multi, get_marker

    parsed = get_marker(marker)
    environment = exclude_multi(parsed, "extras", "dependency_groups")
    selection = str(parsed.inner.only("extras", "dependency_groups"))
    names = set(re.findall(r"""["']([^"']+)["']\s+in\s+(?:extras|dependency_groups)\b""", selection))
    groups = sorted(names, key=lambda group: (group != "default", group))
    return groups, None if environment.is_any() else str(environment)


def pylock_groups(document: Mapping[str, Any]) -> list[str]:
    """The dependency groups and extras *document* is locked for (as PDM's ``PyLock.groups`` reads them)."""
    names: list[str] = []
    for key in ("dependency-groups", "extras"):
        value = document.get(key)
        names.extend(str(name) for name in (value if isinstance(value, list) else []))
    return names


def add_pylock_packages(document: MutableMapping[str, Any], tables: list[Any]) -> None:
    """Append the ``[[packages]]`` *tables* (formatted by PDM's writer) to the tomlkit *document*;
    an entry of a name the document already holds is left out (its pin serves)."""
    import tomlkit

    from wheel_variants.packages import normalize_name

    packages = document.get("packages")
    if packages is None:
        packages = document["packages"] = tomlkit.aot()
    known = {normalize_name(str(entry.get("name", ""))) for entry in packages}
    for table in tables:
        name = normalize_name(str(table.get("name", "")))
        if name not in known:
            packages.append(table)
            known.add(name)


def pruned_variants_json(document: Mapping[str, Any], labels: set[str]) -> dict[str, Any]:
    """The PEP 825 *document* with only *labels* under ``variants`` (PEP 825 allows pruning
    entries of labels not in the lock); every other key, ``$schema`` first, is kept."""
    pruned = {key: value for key, value in document.items() if key != "variants"}
    variants = document.get("variants", {})
    pruned["variants"] = {
        label: body
        for label, body in sorted(variants.items() if isinstance(variants, Mapping) else ())
        if label in labels
    }
    return pruned


def _split_record(record: Mapping[str, Any]) -> tuple[dict[str, Any], Mapping[str, Any] | None]:
    """The record for the tool table (without the document), and the PEP 825 document if any."""
    reference = record.get(VARIANTS_JSON_KEY)
    if not isinstance(reference, Mapping):
        return dict(record), None
    if "variants" in reference:  # the record holds the document itself
        return {k: v for k, v in record.items() if k != VARIANTS_JSON_KEY}, reference
    if not isinstance(reference.get(DOCUMENT_KEY), Mapping):
        return dict(record), None
    slim = {key: value for key, value in reference.items() if key != DOCUMENT_KEY}
    tool_record = (
        {**record, VARIANTS_JSON_KEY: slim} if slim else {k: v for k, v in record.items() if k != VARIANTS_JSON_KEY}
    )
    return tool_record, reference[DOCUMENT_KEY]


def _variants_json_item(document: Mapping[str, Any]) -> Any:
    """*document* as a TOML table, one inline table per label (as in PEP 825's example)."""
    import tomlkit

    table = tomlkit.table()
    for key, value in document.items():
        if key != "variants":
            table[key] = tomlkit.item(value)
    variants = tomlkit.table()
    for label, body in document.get("variants", {}).items():
        inline = tomlkit.inline_table()
        inline.update(body)
        variants[label] = inline
    table["variants"] = variants
    return table


def record_in_pylock(document: Any, table: Mapping[str, Any] | None) -> None:
    """Write *table* (``lock.table.lock_variants_table``'s result, or None) into the tomlkit
    ``pylock.toml`` *document*, replacing whatever the plugin wrote there before."""
    import tomlkit

    from wheel_variants.packages import normalize_name

    records: Mapping[str, Any] = (table or {}).get("packages", {})
    for entry in document.get("packages", []):
        name = normalize_name(str(entry.get("name", "")))
        tool = entry.get("tool")
        if tool is not None and TOOL_KEY in tool:
            del tool[TOOL_KEY]
        if VARIANTS_JSON_KEY in entry:
            del entry[VARIANTS_JSON_KEY]
        record = records.get(name)
        if record is None:
            continue
        tool_record, variants_json = _split_record(record)
        if variants_json is not None:
            labels = set(record.get("variants", {}))
            entry[VARIANTS_JSON_KEY] = _variants_json_item(pruned_variants_json(variants_json, labels))
        if tool is None:
            tool = entry["tool"] = tomlkit.table()
        tool[TOOL_KEY] = tomlkit.item(tool_record)
    top = document.get("tool")
    if top is not None and TOOL_KEY in top:
        del top[TOOL_KEY]
    if records:
        if top is None:
            top = document["tool"] = tomlkit.table()
        top[TOOL_KEY] = {"schema": PYLOCK_SCHEMA}
        targets = (table or {}).get(TARGETS_KEY)
        if targets:
            top[TOOL_KEY][TARGETS_KEY] = _targets_item(targets)


def _targets_item(targets: Mapping[str, Any]) -> Any:
    """``[tool.wheel-variants.targets.<name>]`` tables, each target's ``packages`` one inline table."""
    import tomlkit

    table = tomlkit.table(is_super_table=True)
    for name, body in targets.items():
        target = tomlkit.table()
        for key, value in body.items():
            if isinstance(value, Mapping):
                target[key] = _inline(value)
            else:
                target[key] = tomlkit.item(value)
        table[name] = target
    return table
