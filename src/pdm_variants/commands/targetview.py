"""What each team target gets from the lock, for ``pdm variants show`` (pure functions).

A team lock records, per target, the label each managed package gets
(``[metadata.wheel-variants.targets.<name>] packages``); per package and label, the hashes of the
label's locked files and, when that build declares other dependencies than the ``[[package]]``
entry, its own list (``variants.<label>.dependencies``). :func:`target_packages` joins the two
into, per target and package, the label, its files by name and hash, and the packages its dependency list
adds, drops or changes; :func:`target_lines` renders a report of them one line per target and
package::

    bob: teamlib=metal  <- this machine
      teamlib: teamlib-1.0-py3-none-any.whl (sha256:3f2a9c1e07b4)
    gpu: gpulib=cu12
      gpulib: gpulib-1.0-py3-none-any.whl  +cuda-runtime -cpu-extra

Per-backend indexes serve one filename with different contents, so a filename two targets get
with different hashes is followed by the start of its hash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wheel_variants.names import normalize_name

if TYPE_CHECKING:
    from ..lock.document import LockDocument, LockedFile

__all__ = ["TargetPackage", "dependency_changes", "target_lines", "target_packages"]

#: Filenames shown per package and target before the rest is counted.
SHOWN_FILES = 3
#: Hex digits of a hash shown where a filename alone does not tell two files apart.
SHORT_HASH = 12
_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetPackage:
    """One package as one target gets it: the label, where that label comes from (an index
    variant's index), the label's locked files, and its own dependency lines (None: the entry's)
    with the package names they add to, drop from or pin otherwise than the entry's list."""

    label: str
    index: str | None = None
    files: tuple[LockedFile, ...] = ()
    dependencies: tuple[str, ...] | None = None
    added: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "index": self.index,
            "files": [f.to_dict() for f in self.files],
            "dependencies": list(self.dependencies) if self.dependencies is not None else None,
            "added": list(self.added),
            "dropped": list(self.dropped),
            "changed": list(self.changed),
        }


def _entry_dependencies(lock: LockDocument) -> dict[str, list[str]]:
    """``{normalised name: dependency lines}`` of the entries without extras (the ones a label's
    own list replaces)."""
    return {package.name: list(package.dependencies or ()) for package in lock.packages if not package.extras}


def _names(lines: Iterable[str]) -> dict[str, set[str]]:
    """``{normalised name: lines}``: a package may be listed more than once (other markers).
    Lines are compared with the name normalised and without whitespace."""
    result: dict[str, set[str]] = {}
    for line in lines:
        match = _NAME.match(line)
        if match:
            name = normalize_name(match.group(1))
            result.setdefault(name, set()).add(name + re.sub(r"\s+", "", line[match.end() :]))
    return result


def dependency_changes(
    entry: Iterable[str], label: Iterable[str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """``(added, dropped, changed)`` package names of the *label*'s dependency lines compared with
    the *entry*'s: names only the label lists, names only the entry lists, names both list with
    other lines (another specifier, marker or extras)."""
    before, after = _names(entry), _names(label)
    added = tuple(sorted(set(after) - set(before)))
    dropped = tuple(sorted(set(before) - set(after)))
    changed = tuple(sorted(name for name in set(before) & set(after) if before[name] != after[name]))
    return added, dropped, changed


def target_packages(
    lock: LockDocument, targets: Mapping[str, Mapping[str, str]]
) -> dict[str, dict[str, TargetPackage]]:
    """What each target gets: per target of *targets* (``{target: {package: label}}``, each
    target's ``packages`` table), per package the label with its locked files and dependency
    changes, from *lock*."""
    from ..lock.labeldeps import DEPENDENCIES_KEY

    records = lock.records
    files = lock.files_by_package()
    entry_lines = _entry_dependencies(lock)
    result: dict[str, dict[str, TargetPackage]] = {}
    for target, labels in targets.items():
        packages = result[target] = {}
        for name, label in sorted(labels.items()):
            key = normalize_name(name)
            record = records.get(key, {})
            variants = record.get("variants", {}) if isinstance(record, Mapping) else {}
            body = variants.get(label) if isinstance(variants, Mapping) else None
            body = body if isinstance(body, Mapping) else {}
            hashes = {h for h in body.get("files", []) if isinstance(h, str)}
            lines = body.get(DEPENDENCIES_KEY)
            own = tuple(str(line) for line in lines) if isinstance(lines, list) else None
            changes = dependency_changes(entry_lines.get(key, []), own) if own is not None else ((), (), ())
            index = body.get("index")
            packages[name] = TargetPackage(
                label=str(label),
                index=index if isinstance(index, str) else None,
                files=tuple(
                    sorted((f for f in files.get(key, []) if f.hash in hashes), key=lambda f: (f.name, f.hash))
                ),
                dependencies=own,
                added=changes[0],
                dropped=changes[1],
                changed=changes[2],
            )
    return result


def _ambiguous(targets: Mapping[str, Any]) -> set[tuple[str, str]]:
    """``(package, filename)`` pairs that the targets get with more than one hash."""
    seen: dict[tuple[str, str], set[str]] = {}
    for body in targets.values():
        for name, package in (body.get("installs") or {}).items():
            for item in package.get("files", []):
                seen.setdefault((name, item["file"]), set()).add(item["hash"])
    return {key for key, hashes in seen.items() if len(hashes) > 1}


def _file_text(name: str, item: Mapping[str, str], ambiguous: set[tuple[str, str]]) -> str:
    if (name, item["file"]) not in ambiguous:
        return item["file"]
    algorithm, _, digest = item["hash"].partition(":")
    return f"{item['file']} ({algorithm}:{digest[:SHORT_HASH]})"


def _package_line(name: str, package: Mapping[str, Any], ambiguous: set[tuple[str, str]]) -> str:
    items = list(package.get("files", []))
    shown = ", ".join(_file_text(name, item, ambiguous) for item in items[:SHOWN_FILES])
    if len(items) > SHOWN_FILES:
        shown += f", ... ({len(items)} files)"
    changes = [
        *(f"+{n}" for n in package.get("added", [])),
        *(f"-{n}" for n in package.get("dropped", [])),
        *(f"~{n}" for n in package.get("changed", [])),
    ]
    return f"    {name}: {shown or 'no locked file'}" + (f"  {' '.join(changes)}" if changes else "")


def target_lines(targets: Mapping[str, Any]) -> list[str]:
    """The team section of ``pdm variants show``, from the report's ``locked.targets``
    (``{target: {packages, matches, installs}}``): per target its labels (and whether this
    machine matches it), then one line per package with the files it gets and the packages its
    label's dependencies add (``+``), drop (``-``) or pin otherwise (``~``)."""
    ambiguous = _ambiguous(targets)
    lines = []
    for target, body in targets.items():
        labels = ", ".join(f"{name}={label}" for name, label in body["packages"].items()) or "-"
        mark = "  <- this machine" if body["matches"] else ""
        lines.append(f"  {target}: {labels}{mark}")
        for name, package in (body.get("installs") or {}).items():
            lines.append(_package_line(name, package, ambiguous))
    return lines
