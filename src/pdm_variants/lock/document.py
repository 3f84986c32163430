"""One typed reading of a lock, ``pdm.lock`` or PEP 751 ``pylock.toml``: every reader uses it.

:meth:`LockDocument.from_data` reads the plain data of either format once into packages (name,
version, files, and what the per-label dependency pass needs) plus the plugin's own tables: the
variant records (``[metadata.wheel-variants] packages``, or the ``[packages.tool.wheel-variants]``
tables of a ``pylock.toml``) and the team targets. The project reads the lock file into one
:class:`LockDocument` per command (``Project.variants_lock``); the lock writer builds one from the
document it is about to write. The variant records stay the table's own plain data (their shape
is the file format, :mod:`pdm_variants.lock.table`); only well-formed entries get in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wheel_variants.names import normalize_name

from .._pdm.candidates import file_name
from .table import KEY

__all__ = ["LockDocument", "LockedFile", "LockedPackage", "is_pylock"]


def is_pylock(document: Mapping[str, Any]) -> bool:
    """Whether *document* is a PEP 751 lock (PDM tells them apart the same way)."""
    return "lock-version" in document and "metadata" not in document


@dataclass(frozen=True, slots=True, kw_only=True)
class LockedFile:
    """One locked file: its name (``""`` when the lock gives none), hash (``algo:value``) and URL."""

    name: str
    hash: str
    url: str = ""

    @property
    def is_wheel(self) -> bool:
        return self.name.endswith(".whl")

    def to_dict(self) -> dict[str, str]:
        """As ``pdm variants show --json`` reports a file."""
        return {"file": self.name, "hash": self.hash}


@dataclass(frozen=True, slots=True, kw_only=True)
class LockedPackage:
    """One locked package entry (``[[package]]`` / ``[[packages]]``)."""

    name: str  # normalised
    version: str | None = None
    extras: tuple[str, ...] = ()
    files: tuple[LockedFile, ...] = ()
    #: PDM's dependency lines of the entry (None: the lock does not say).
    dependencies: tuple[str, ...] | None = None
    groups: tuple[str, ...] = ()
    marker: str | None = None

    @property
    def key(self) -> str:
        """``name`` or ``name[extra,...]``, as PDM identifies a locked candidate."""
        return f"{self.name}[{','.join(sorted(self.extras))}]" if self.extras else self.name

    def hashes(self) -> list[str]:
        return [item.hash for item in self.files]


@dataclass(frozen=True, slots=True, kw_only=True)
class LockDocument:
    """A lock as the plugin reads it; see the module docstring."""

    pylock: bool = False
    packages: tuple[LockedPackage, ...] = ()
    #: ``{normalised name: record}``: the variant records (plain data in the table's shape; read only).
    records: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: ``{target: {"packages": {name: label}, "source"?, "platform"?}}`` of a team lock.
    targets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: PDM's lock strategy flags (``static_urls``, ``inherit_metadata``, ...).
    strategy: tuple[str, ...] = ()

    @classmethod
    def from_data(cls, data: Mapping[str, Any], written: Mapping[str, Any] | None = None) -> LockDocument:
        """Read the plain data of a ``pdm.lock`` or a ``pylock.toml``; *written*: a ``pdm.lock``'s
        ``[metadata.wheel-variants]`` as the plugin just wrote it (the whole shape), when *data*
        holds it as text. A table of a schema this version does not read raises
        :class:`~wheel_variants.errors.UnsupportedSchemaError`."""
        if is_pylock(data):
            return _from_pylock(data)
        metadata = data.get("metadata")
        metadata = metadata if isinstance(metadata, Mapping) else {}
        packages = tuple(_pdm_lock_package(entry) for entry in _entries(data.get("package")))
        table = written if written is not None else metadata.get(KEY)
        table = table if isinstance(table, Mapping) else {}
        if written is None and table:
            from .schema import expand_table

            table = expand_table(table, cls(packages=packages).named_files())
        strategy = metadata.get("strategy")
        return cls(
            packages=packages,
            records=_mappings(table.get("packages")),
            targets=_mappings(table.get("targets")),
            strategy=tuple(str(flag) for flag in strategy) if isinstance(strategy, list) else (),
        )

    @classmethod
    def read(cls, path: Path) -> LockDocument:
        """The lock file at *path* as it is on disk; empty when there is none or it is broken
        (PDM reports a broken lock itself)."""
        from pdm.compat import tomllib  # tomllib, or tomli before Python 3.11

        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        try:
            return cls.from_data(tomllib.loads(text))
        except tomllib.TOMLDecodeError:
            return cls()

    def names(self) -> set[str]:
        """The normalised names of every locked package."""
        return {package.name for package in self.packages}

    def package(self, name: str) -> LockedPackage | None:
        """The first entry of *name* (normalised or not)."""
        wanted = normalize_name(name)
        return next((package for package in self.packages if package.name == wanted), None)

    def hashes_by_package(self) -> dict[str, list[str]]:
        """``{name: [hash, ...]}`` over every entry of each name (extras entries included)."""
        result: dict[str, list[str]] = {}
        for package in self.packages:
            result.setdefault(package.name, []).extend(package.hashes())
        return result

    def files_by_package(self) -> dict[str, list[LockedFile]]:
        """``{name: [file, ...]}`` of every locked file with a name; entries of one name with other
        extras list the same files, which are listed once."""
        result: dict[str, dict[LockedFile, None]] = {}  # an ordered set per name
        for package in self.packages:
            result.setdefault(package.name, {}).update(dict.fromkeys(f for f in package.files if f.name))
        return {name: list(files) for name, files in result.items()}

    def named_files(self) -> dict[str, list[tuple[str, str]]]:
        """``{name: [(filename, hash), ...]}``: :meth:`files_by_package` as pairs."""
        return {name: [(f.name, f.hash) for f in files] for name, files in self.files_by_package().items()}

    def shared_files(self) -> set[str]:
        """Hashes of locked sdists. An index variant's sdist comes from the ordinary sources and is
        the same file for every label (only the build settings differ), so no label owns it."""
        return {f.hash for package in self.packages for f in package.files if f.name and not f.is_wheel}

    def labels(self, name: str) -> tuple[str, ...]:
        """Labels recorded for package *name*."""
        variants = self.records.get(normalize_name(name), {}).get("variants", {})
        return tuple(variants) if isinstance(variants, Mapping) else ()

    def variant_files(self, name: str, label: str) -> frozenset[str] | None:
        """Hashes of *name*'s locked files that are variant *label*; None if the label is not recorded."""
        variants = self.records.get(normalize_name(name), {}).get("variants", {})
        variant = variants.get(label) if isinstance(variants, Mapping) else None
        if not isinstance(variant, Mapping):
            return None
        return frozenset(h for h in variant.get("files", []) if isinstance(h, str))


def _entries(value: object) -> list[Mapping[str, Any]]:
    items = value if isinstance(value, list) else []
    return [item for item in items if isinstance(item, Mapping) and isinstance(item.get("name"), str)]


def _mappings(value: object) -> dict[str, Mapping[str, Any]]:
    """The tables of *value* (the plugin's records or targets). Not copied: they may be the data
    PDM holds (a schema 1 table, targets), which no reader changes (the writer copies what it
    edits); a schema 2 table's records are new ones, expanded on reading."""
    if not isinstance(value, Mapping):
        return {}
    return {str(name): body for name, body in value.items() if isinstance(body, Mapping)}


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def _pdm_lock_package(entry: Mapping[str, Any]) -> LockedPackage:
    files = tuple(
        LockedFile(name=file_name(item), hash=item["hash"], url=str(item.get("url", "")))
        for item in entry.get("files", []) or []
        if isinstance(item, Mapping) and isinstance(item.get("hash"), str)
    )
    dependencies = entry.get("dependencies")
    return LockedPackage(
        name=normalize_name(entry["name"]),
        version=entry["version"] if isinstance(entry.get("version"), str) else None,
        extras=_strings(entry.get("extras")),
        files=files,
        dependencies=_strings(dependencies) if isinstance(dependencies, list) else None,
        groups=_strings(entry.get("groups")),
        marker=str(entry["marker"]) if entry.get("marker") else None,
    )


def _from_pylock(data: Mapping[str, Any]) -> LockDocument:
    from .pylock import artifact_files, dependency_keys, pdm_table, pylock_package_records, pylock_targets

    packages = []
    for entry in _entries(data.get("packages")):
        keys = dependency_keys(entry)
        packages.append(
            LockedPackage(
                name=normalize_name(entry["name"]),
                version=entry["version"] if isinstance(entry.get("version"), str) else None,
                files=tuple(
                    LockedFile(name=item.get("file", ""), hash=item["hash"], url=item.get("url", ""))
                    for item in artifact_files(entry)
                ),
                dependencies=tuple(keys["dependencies"]) if "dependencies" in keys else None,
                groups=tuple(keys.get("groups", ())),
                marker=keys.get("marker"),
            )
        )
    strategy = pdm_table(data).get("strategy")
    return LockDocument(
        pylock=True,
        packages=tuple(packages),
        records=_mappings(pylock_package_records(data)),
        targets=_mappings(pylock_targets(data)),
        strategy=tuple(str(flag) for flag in strategy) if isinstance(strategy, list) else (),
    )
