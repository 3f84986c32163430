"""Locked candidates and their metadata: ``FileHash`` lists, the candidate-info cache, PDM's lock entries.

Internal names used here are named in each helper's docstring, with the PDM releases they were
verified on (2.26.0, 2.29.3, 2.29.4).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdm.models.candidates import Candidate
    from pdm.models.repositories import Package

__all__ = [
    "file_name",
    "filter_hashes",
    "link_keyed_info_cache",
    "locked_file_names",
    "pdm_lock_entry",
    "pylock_package_tables",
]


def filter_hashes(candidate: Candidate, keep: frozenset[str]) -> int:
    """Keep only the locked files whose hash is in *keep*; return how many remain.

    Internal: ``Candidate.hashes`` is a list of ``{"url"|"file", "hash"}`` dicts (``FileHash``);
    ``PreparedCandidate._obtain`` picks the link among them.
    """
    candidate.hashes = [entry for entry in candidate.hashes if entry.get("hash") in keep]
    return len(candidate.hashes)


def file_name(item: Mapping[str, Any]) -> str:
    """The file name of a locked file: a ``pdm.lock`` ``files`` entry or a candidate's ``FileHash``,
    which have ``file`` or, in a ``static_urls`` lock, ``url``."""
    return str(item.get("file") or str(item.get("url", "")).rsplit("/", 1)[-1].split("#", 1)[0])


def locked_file_names(candidate: Candidate) -> list[tuple[str, str]]:
    """``(filename, hash)`` of a locked candidate's files (Internal: ``Candidate.hashes``)."""
    files = []
    for entry in candidate.hashes:
        name = file_name(entry)
        if name and entry.get("hash"):
            files.append((name, entry["hash"]))
    return files


def pylock_package_tables(project: Any, packages: Iterable[Package], groups: list[str]) -> list[Any]:
    """``pylock.toml`` ``[[packages]]`` tables for resolved *packages*, exactly as PDM writes them
    (name, version, requires-python, wheels/sdist, the marker of their groups and marker,
    ``[packages.tool.pdm] dependencies``); *groups*: the lock's groups and extras.

    Internal: ``pdm.formats.pylock.PyLockConverter.convert`` (its ``make_package`` and marker
    rule) run on a ``LockedRepository`` holding only *packages*; the tables are tomlkit items.
    """
    from pdm.formats.pylock import PyLockConverter
    from pdm.models.repositories.lock import LockedRepository

    repository = LockedRepository({}, project.sources, project.environment)
    for package in packages:
        repository.add_package(package)
    return list(PyLockConverter(project, repository).convert(groups)["packages"])


def link_keyed_info_cache(cache: Any) -> Any:
    """*cache* (what ``Project.make_candidate_info_cache`` returned) re-keyed by the file each
    candidate's metadata came from, and written atomically under a lock.

    Internal: ``CandidateInfoCache._get_key`` (name, extras, version), ``_cache``, ``_write_cache``
    and ``cache_file``; ``EmptyCandidateInfoCache`` (``--no-cache``) is returned unchanged.
    """
    from pdm.models.caches import EmptyCandidateInfoCache

    if isinstance(cache, EmptyCandidateInfoCache):
        return cache
    return _link_keyed_info_cache_class()(cache.cache_file)


@functools.cache
def _link_keyed_info_cache_class() -> type:
    import json

    from filelock import FileLock, Timeout
    from pdm.models.caches import CandidateInfoCache

    from wheel_variants.cachekeys import metadata_key
    from wheel_variants.fileio import atomic_write_text

    class LinkKeyedCandidateInfoCache(CandidateInfoCache):
        @classmethod
        def _get_key(cls, obj: Candidate) -> str:
            base: str = super()._get_key(obj)
            link = obj.link
            if link is None:
                return base
            file_hash = f"{link.hash_name}:{link.hash}" if link.hash and link.hash_name else None
            return metadata_key(base, link.url_without_fragment, file_hash)

        def _write_cache(self) -> None:
            # Merge with what other processes wrote meanwhile, then replace the file atomically.
            try:
                with FileLock(f"{self.cache_file}.lock", timeout=60):
                    on_disk: dict[str, Any] = {}
                    try:
                        loaded = json.loads(self.cache_file.read_text(encoding="utf-8"))
                        on_disk = loaded if isinstance(loaded, dict) else {}
                    except (OSError, ValueError):
                        pass
                    self._cache = {**on_disk, **self._cache}
                    atomic_write_text(self.cache_file, json.dumps(self._cache))
            except (Timeout, OSError):
                pass  # a cache that cannot be written is skipped, as PDM does

    return LinkKeyedCandidateInfoCache


def pdm_lock_entry(project: Any, package: Package, *, static: bool, inherit: bool) -> Any:
    """A ``pdm.lock`` ``[[package]]`` table for resolved *package*, in the shape (and TOML layout)
    PDM writes (*static*: ``static_urls`` files by URL; *inherit*: ``inherit_metadata`` groups and
    marker). Internal: ``Candidate.as_lockfile_entry``, ``Candidate.hashes`` (``FileHash``: ``url``,
    ``file``, ``hash``) and ``pdm.formats.base.make_array``/``make_inline_table``."""
    import tomlkit
    from pdm.formats.base import make_array, make_inline_table

    candidate: Candidate = package.candidate
    entry = tomlkit.table()
    entry.update(candidate.as_lockfile_entry(project.root))
    entry["summary"] = package.summary or ""
    if inherit:
        entry["groups"] = sorted(candidate.req.groups, key=lambda group: (group != "default", group))
        if candidate.req.marker is not None:
            entry["marker"] = str(candidate.req.marker)
    if package.dependencies:
        entry["dependencies"] = make_array(sorted(package.dependencies), True)
    rows = {}
    for item in candidate.hashes:
        row = {"url": item["url"], "hash": item["hash"]} if static else {"file": item["file"], "hash": item["hash"]}
        rows[tuple(row.values())] = make_inline_table(row)
    if rows:
        entry["files"] = make_array([rows[key] for key in sorted(rows)], True)
    return entry
