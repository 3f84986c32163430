"""Per-label dependencies in the lock: variants of one version may declare different dependencies.

A CUDA build of a package needs the CUDA runtime wheels, its CPU build does not; PEP 825 variant
wheels of one release each carry their own ``Requires-Dist``. PDM resolves once, with one variant
(this machine's, or the first target's) and locks its dependencies on the ``[[package]]`` entry.
After the targets' files are added, :func:`lock_label_dependencies`

* reads the metadata of one wheel of every locked label, never the wheel itself
  (:mod:`pdm_variants.lock.metadata`), and records ``variants.<label>.dependencies`` where it
  differs from the entry's;
* resolves what those labels need beyond the lock against the lock's own pins (shared
  dependencies stay one entry) and adds the new packages as ``[[package]]`` entries, with the
  groups and marker of the package that needs them.

A label needing another version of a package the lock already pins stops the lock with one line.
A ``pylock.toml`` is read like a ``pdm.lock`` (:class:`~pdm_variants.lock.document.LockDocument`;
PDM keeps an entry's dependencies in ``[packages.tool.pdm]``) and gets PEP 751 ``[[packages]]`` entries, as
PDM's own writer formats them. Install side: :mod:`pdm_variants.install.lockedrepo` swaps in the chosen
label's dependencies.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wheel_variants.names import normalize_name

if TYPE_CHECKING:
    from email.message import Message
    from pathlib import Path

    from pdm.models.repositories import Package
    from pdm.models.requirements import Requirement
    from unearth import Link

    from wheel_variants.memofile import MemoFile

    from .document import LockDocument, LockedPackage

__all__ = ["DEPENDENCIES_KEY", "lock_label_dependencies", "normalized_lines"]

#: Inside ``variants.<label>``: the label's own dependency lines, when they differ from the entry's.
DEPENDENCIES_KEY = "dependencies"


def normalized_lines(lines: Iterable[str]) -> list[str]:
    """Dependency lines in PDM's own spelling, sorted (so METADATA and lock lines compare equal)."""
    from pdm.models.requirements import parse_line

    return sorted({parse_line(line).as_line() for line in lines})


def _entry_key(entry: Mapping[str, Any]) -> str:
    """A ``[[package]]`` table's key, as :attr:`LockedPackage.key` (for PDM's own new entries)."""
    extras = entry.get("extras") or []
    name = normalize_name(str(entry.get("name", "")))
    return f"{name}[{','.join(sorted(extras))}]" if extras else name


def lock_label_dependencies(
    project: Any, document: MutableMapping[str, Any], lock: LockDocument, packages: Mapping[str, Any]
) -> None:
    """Record every locked label's differing dependencies in *packages* (the variant table's
    ``packages``) and add what they need to *document* (the ``pdm.lock`` or ``pylock.toml`` being
    written; *lock* is its reading)."""
    from pdm.exceptions import PdmUsageError
    from rich.markup import escape

    from wheel_variants.errors import VariantsError

    from .._pdm.candidates import pdm_lock_entry, pylock_package_tables
    from .document import is_pylock
    from .pylock import add_pylock_packages, pylock_groups

    entries = {package.key: package for package in lock.packages}
    try:
        needs = _label_needs(project, entries, packages)
    except VariantsError as error:
        raise PdmUsageError(escape(f"wheel-variants: {error}")) from None
    if not needs:
        return
    strategies = set(lock.strategy)
    try:
        added = _resolve_needs(project, document, strategies, needs, entries)
    except _Conflict as conflict:
        raise PdmUsageError(escape(f"wheel-variants: {conflict}")) from None
    if is_pylock(document):
        add_pylock_packages(document, pylock_package_tables(project, added, pylock_groups(document)))
    else:
        static, inherit = "static_urls" in strategies, "inherit_metadata" in strategies
        _add_entries(document, [pdm_lock_entry(project, package, static=static, inherit=inherit) for package in added])


_Need = tuple["LockedPackage", str, str, list[str]]


@dataclass(slots=True)
class _Label:
    """One locked label of a package entry, and its wheel's dependency lines once known."""

    entry: LockedPackage
    name: str
    label: str
    body: dict[str, Any]
    lines: list[str] | None


def _label_needs(project: Any, entries: Mapping[str, LockedPackage], packages: Mapping[str, Any]) -> list[_Need]:
    """Set ``dependencies`` on every label that differs from its entry; per such label, the
    ``(entry, name, label, lines)`` it needs beyond the entry's own dependencies."""
    from .metadata import CACHE_DIR

    cache_dir = project.cache(CACHE_DIR)
    memo = _dependency_memo(cache_dir)
    sources = project.sources  # asked once: each ask rebuilds the project's routes
    labels: list[_Label] = []
    unread: list[tuple[_Label, Link, str | None]] = []  # missing from the memo: read together
    for name, record in packages.items():
        entry = entries.get(name)
        if entry is None:
            continue
        for label, body in record.get("variants", {}).items():
            body.pop(DEPENDENCIES_KEY, None)
            found = _label_link(project, sources, name, str(entry.version), record, label, entry)
            if found is None:
                continue  # no wheel of it (an sdist's metadata would need a build): the entry's stand
            link, sha256 = found
            item = _Label(entry, name, label, body, _lines(memo.get(sha256)) if sha256 else None)
            labels.append(item)
            if item.lines is None:
                unread.append((item, link, sha256))
    if unread:
        from .metadata import LabelMetadata

        reader = LabelMetadata(project.environment.session, cache_dir, project.core.ui)
        read = reader.read_many([(link, sha256) for _, link, sha256 in unread])
        for (item, _, sha256), metadata in zip(unread, read, strict=True):
            item.lines = _dependencies(metadata)
            if sha256:
                memo.put(sha256, item.lines)
        memo.save()
    needs: list[_Need] = []
    entry_lines: dict[str, list[str]] = {}  # each entry's own lines, normalized once
    for item in labels:
        locked = entry_lines.get(item.entry.key)
        if locked is None:
            locked = entry_lines[item.entry.key] = normalized_lines(item.entry.dependencies or ())
        if item.lines is not None and item.lines != locked:
            item.body[DEPENDENCIES_KEY] = item.lines
            extra = [line for line in item.lines if line not in locked]
            if extra:
                needs.append((item.entry, item.name, item.label, extra))
    return needs


def _lines(value: object) -> list[str] | None:
    """A memo entry, when it is a list of lines (anything else is a miss)."""
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return value
    return None


def _dependency_memo(cache_dir: Path) -> MemoFile:
    """Each wheel's normalized dependency lines by its sha256, in one file read once per lock:
    a warm lock of many labels reads no per-wheel cache entry and parses no METADATA. Stamped
    with PDM's version, whose parser spells the lines."""
    from pdm.__version__ import __version__

    from wheel_variants.memofile import MemoFile

    # 20,000 wheels: about 2 MB, read in milliseconds, and room for many projects' labels. The
    # oldest entries go first; a dropped one is drawn again from the per-wheel metadata cache.
    return MemoFile(cache_dir / "dependencies.json", f"pdm {__version__}", max_entries=20_000)


class _Conflict(Exception):
    """A label needs a version of a package other than the one the lock pins for everyone."""


def _label_link(
    project: Any,
    sources: list[Any],
    name: str,
    version: str,
    record: Mapping[str, Any],
    label: str,
    entry: LockedPackage,
) -> tuple[Link, str | None] | None:
    """One locked wheel of *label* (the first the finder lists), found on the source it is locked
    from, and its locked sha256."""
    from .._pdm.sources import make_source
    from ..plan import source_name

    body = record["variants"][label]
    hashes = set(body.get("files", []))
    wheels = {item.name: item.hash for item in entry.files if item.hash in hashes and item.is_wheel}
    if not wheels:
        return None
    index = body.get("index")
    if index:
        sources = [make_source(source_name(name, label), index, [name])]
    else:  # a PEP 825 wheel: the finder kept its link while PDM collected the files to lock
        for filename, link in project.variant_wheels().locked_links.get((name, version), {}).items():
            if filename in wheels:
                algorithm, _, value = wheels[filename].partition(":")
                return link, value if algorithm == "sha256" else None
    for link in project.variants_release_files().links(sources, name, version):
        if link.filename in wheels:
            algorithm, _, digest = wheels[link.filename].partition(":")
            return link, digest if algorithm == "sha256" else None
    return None


def _dependencies(metadata: Message) -> list[str]:
    """The dependency lines of a wheel's *metadata*.

    Read from its metadata alone (:class:`~pdm_variants.lock.metadata.LabelMetadata`), not through
    PDM's candidate preparation: that re-picks the best file for *this* machine when the link is a
    variant wheel of another label, and downloads it whole.
    """
    from pdm.models.requirements import filter_requirements_with_extras

    requirements = filter_requirements_with_extras(metadata.get_all("Requires-Dist") or [], ())
    return normalized_lines(requirement.as_line() for requirement in requirements)


def _resolve_needs(
    project: Any,
    document: Mapping[str, Any],
    strategies: set[str],
    needs: list[_Need],
    entries: Mapping[str, LockedPackage],
) -> list[Package]:
    """Resolve the labels' extra requirements against the lock's pins; the new packages to add."""
    from pdm.models.repositories.lock import LockedRepository

    requirements = [_requirement(line, entry) for entry, _, _, extra in needs for line in extra]
    wanted_by = {
        normalize_name(_requirement(line, entry).identify()): f"{name} variant {label!r}"
        for entry, name, label, extra in needs
        for line in extra
    }
    locked = LockedRepository(copy.deepcopy(_plain(document)), project.sources, project.environment)
    resolver_class = project.get_resolver(allow_uv=False)
    new: dict[str, Package] = {}
    for target in locked.targets or [project.environment.allow_all_spec]:
        wanted = [r for r in requirements if not r.marker or r.marker.matches(target)]
        if not wanted:
            continue
        resolver = resolver_class(
            environment=project.environment,
            requirements=wanted,
            update_strategy="reuse",
            strategies=strategies,
            target=target,
            locked_repository=locked,
        )
        resolved = resolver.resolve()
        for package in resolved.packages if hasattr(resolved, "packages") else resolved[0]:
            key = package.candidate.identify()
            pinned = entries.get(key)
            if pinned is None:
                new.setdefault(key, package)
            elif str(pinned.version) != str(package.candidate.version):
                who = wanted_by.get(key, "a variant")
                raise _Conflict(
                    f"{who} needs {key} {package.candidate.version}, but the lock pins {key} "
                    f"{pinned.version} for every target; align the variants' requirements"
                )
    return [new[key] for key in sorted(new)]


def _add_entries(document: MutableMapping[str, Any], added: list[Any]) -> None:
    """Add *added* to the document's ``[[package]]`` array, kept in PDM's order (by key)."""
    import tomlkit

    packages = tomlkit.aot()
    for entry in sorted([*document["package"], *added], key=_entry_key):
        packages.append(entry)
    document["package"] = packages


def _plain(document: Mapping[str, Any]) -> Mapping[str, Any]:
    return document.unwrap() if hasattr(document, "unwrap") else document


def _requirement(line: str, entry: LockedPackage) -> Requirement:
    """*line* as needed by *entry*'s package: its groups, and its marker joined with the line's."""
    import dataclasses

    from pdm.models.markers import get_marker
    from pdm.models.requirements import parse_line

    requirement = parse_line(line)
    groups = list(entry.groups) or ["default"]
    marker = requirement.marker
    if entry.marker:
        outer = get_marker(entry.marker)
        marker = outer if marker is None else outer & marker
    return dataclasses.replace(requirement, groups=groups, marker=marker)
