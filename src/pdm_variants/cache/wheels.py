"""Variant-keyed caches for PDM: built wheels, unpacked wheels (``install.cache``), and the store.

PDM keys a wheel built from an sdist by the sdist's URL, hash and target interpreter only, so a
build with other ``CMAKE_ARGS`` or ``-C`` settings silently reuses the old one (pip has the same
bug). Here:

* :class:`VariantWheelCache` (what ``Project.make_wheel_cache`` returns) files each build under
  ``<cache>/wheels/variants/<package>/<label>/<digest>/``, where the digest covers the sdist, the
  interpreter, the variant label, the effective config settings and the build environment
  (``wheel_variants.cachekeys``). PDM builds into a private *staging* directory; the wheel is
  moved into its entry only after PDM installed it (:func:`commit_built_wheel`), by a rename under
  the store lock, so a killed or failed build never leaves a partial entry.
* :class:`ContentPackageCache` (``Project.package_cache``) unpacks each wheel once per *content*
  hash into a staging directory and renames it into place, instead of once per file name.

Concurrency: entries appear by ``rename`` (atomic on one file system), so readers need no lock;
writers and ``pdm variants cache clear`` take ``<store>/.lock``. Each staging directory is held
by a lock of its own while its owner lives; a later run removes staging whose owner is gone.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pdm.models.cached_package import CachedPackage
from pdm.models.caches import PackageCache, WheelCache

from wheel_variants.cachekeys import (
    BuildKey,
    build_entry_digest,
    build_environment,
    content_key,
    normalize_config_settings,
)
from wheel_variants.fileio import atomic_write_text
from wheel_variants.packages import normalize_name

if TYPE_CHECKING:
    from filelock import BaseFileLock
    from pdm.models.candidates import Candidate
    from pdm.models.markers import EnvSpec
    from pdm.project import Project
    from unearth import Link

    from ..plan import VariantPlan

__all__ = [
    "BuildStore",
    "ContentPackageCache",
    "StoredBuild",
    "VariantWheelCache",
    "commit_built_wheel",
    "content_package_cache",
    "variant_wheel_cache",
]

STORE_DIR = "variants"
ENTRY_FILE = "entry.json"
NO_LABEL = "no-label"  # labels are [0-9a-z_.]: a dash never clashes with one
ENTRY_SCHEMA = 1
LOCK_TIMEOUT = 120.0
STALE_UNLOCKED = 3600.0  # a staging directory without a lock file is abandoned after an hour
_CACHE_ATTR = "_wv_wheel_cache"
_STAGING = ".staging"
_TRASH = ".trash"


def _file_lock(path: Path, timeout: float) -> BaseFileLock:
    from filelock import FileLock

    return FileLock(str(path), timeout=timeout)


def _label_dir(label: str | None) -> str:
    return label if label and label.strip(".") else NO_LABEL


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


@dataclass(slots=True)
class Staging:
    """A private directory under the store, held by a lock while its owner is alive."""

    directory: Path
    lock: BaseFileLock

    def discard(self) -> None:
        _remove_tree(self.directory)
        self.release()

    def release(self) -> None:
        with suppress(OSError):
            self.lock.release()
        with suppress(OSError):
            Path(self.lock.lock_file).unlink()


def open_staging(root: Path) -> Staging:
    """A new staging directory under ``root/.staging`` (lock file taken first, then the directory)."""
    area = root / _STAGING
    area.mkdir(parents=True, exist_ok=True)
    token = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    lock = _file_lock(area / f"{token}.lock", timeout=0)
    lock.acquire()
    directory = area / token
    directory.mkdir()
    return Staging(directory=directory, lock=lock)


def sweep_staging(root: Path, now: float | None = None) -> int:
    """Remove staging directories whose owner is gone (its lock is free); return how many."""
    from filelock import Timeout

    area = root / _STAGING
    if not area.is_dir():
        return 0
    removed = 0
    current = time.time() if now is None else now
    for entry in sorted(area.iterdir()):
        if entry.suffix == ".lock":
            lock = _file_lock(entry, timeout=0)
            try:
                lock.acquire()
            except (Timeout, OSError):
                continue  # its owner is still building
            try:
                if (area / entry.stem).exists():
                    _remove_tree(area / entry.stem)
                    removed += 1
            finally:
                Staging(directory=area / entry.stem, lock=lock).release()
        elif entry.is_dir() and not (area / f"{entry.name}.lock").exists():
            with suppress(OSError):
                if current - entry.stat().st_mtime > STALE_UNLOCKED:
                    _remove_tree(entry)
                    removed += 1
    return removed


# -- the built-wheel store ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredBuild:
    """One entry of the store: the wheels one build produced, and how they were built."""

    package: str
    label: str | None
    path: Path
    wheels: tuple[str, ...]
    size: int
    record: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "label": self.label,
            "wheels": list(self.wheels),
            "size": self.size,
            "digest": self.path.name,
            "build": self.record.get("build", {}),
            "source": self.record.get("source", {}),
            "created": self.record.get("created"),
        }


class BuildStore:
    """Built wheels on disk: ``<root>/<package>/<label>/<digest>/{*.whl, entry.json}``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def entry_dir(self, key: BuildKey, digest: str) -> Path:
        return self.root / normalize_name(key.package) / _label_dir(key.label) / digest

    @contextmanager
    def locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with _file_lock(self.root / ".lock", timeout=LOCK_TIMEOUT):
            yield

    def stage(self) -> Staging:
        return open_staging(self.root)

    def sweep(self) -> int:
        return sweep_staging(self.root)

    def commit(self, staging: Staging, entry: Path, record: dict[str, Any]) -> Path | None:
        """Move the wheel(s) built in *staging* into *entry*; None (and nothing stored) when the
        staging holds no complete wheel. The staging directory is removed either way."""
        try:
            wheels = [path for path in staging.directory.glob("*.whl") if _complete_wheel(path)]
            if not wheels:
                return None
            with self.locked():
                entry.mkdir(parents=True, exist_ok=True)
                for wheel in wheels:
                    wheel.replace(entry / wheel.name)
                names = sorted(path.name for path in entry.glob("*.whl"))
                document = {**record, "schema": ENTRY_SCHEMA, "wheels": names, "created": _now()}
                atomic_write_text(entry / ENTRY_FILE, json.dumps(document, indent=2, sort_keys=True) + "\n")
            return entry
        finally:
            staging.discard()

    def entries(self, package: str | None = None, label: str | None = None) -> list[StoredBuild]:
        """Stored builds, by package then label, optionally only those of *package* / *label*."""
        if not self.root.is_dir():
            return []
        wanted = normalize_name(package) if package else None
        found = []
        for package_dir in sorted(self.root.iterdir()):
            if package_dir.name.startswith(".") or not package_dir.is_dir():
                continue
            if wanted is not None and package_dir.name != wanted:
                continue
            for label_dir in sorted(p for p in package_dir.iterdir() if p.is_dir()):
                if label is not None and label_dir.name != _label_dir(label):
                    continue
                for entry in sorted(p for p in label_dir.iterdir() if p.is_dir()):
                    stored = _read_entry(package_dir.name, label_dir.name, entry)
                    if stored is not None:
                        found.append(stored)
        return found

    def remove(self, package: str | None = None, label: str | None = None) -> list[StoredBuild]:
        """Delete the matching entries (all of them without filters); return what was removed."""
        with self.locked():
            removed = self.entries(package, label)
            trash = self.root / _TRASH
            for stored in removed:
                trash.mkdir(exist_ok=True)
                target = trash / uuid.uuid4().hex
                try:
                    stored.path.rename(target)  # readers now miss it at once
                except OSError:
                    continue
                _remove_tree(target)
                for parent in (stored.path.parent, stored.path.parent.parent):
                    with suppress(OSError):
                        parent.rmdir()  # only when empty
            _remove_tree(trash)
        return removed


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _complete_wheel(path: Path) -> bool:
    """Whether *path* is a whole zip archive (its central directory is written last)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return bool(archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def _read_entry(package: str, label_dir: str, entry: Path) -> StoredBuild | None:
    wheels = tuple(sorted(path.name for path in entry.glob("*.whl")))
    if not wheels:
        return None
    record: dict[str, Any] = {}
    with suppress(OSError, ValueError):
        loaded = json.loads((entry / ENTRY_FILE).read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            record = loaded
    label = record.get("build", {}).get("label") if isinstance(record.get("build"), dict) else None
    if label is None and label_dir != NO_LABEL:
        label = label_dir
    size = sum((entry / name).stat().st_size for name in wheels)
    return StoredBuild(package=package, label=label, path=entry, wheels=wheels, size=size, record=record)


# -- PDM's WheelCache, keyed by variant ---------------------------------------------------------


def _name_from_link(link: Link) -> str | None:
    from packaging.utils import InvalidSdistFilename, parse_sdist_filename

    try:
        return str(parse_sdist_filename(link.filename)[0])
    except InvalidSdistFilename:
        return None


class VariantWheelCache(WheelCache):
    """PDM's wheel cache with variant-aware keys, staged writes and :meth:`commit`.

    *key_for* gives the :class:`BuildKey` of a package name (None when PDM does not know it) as
    things are *now*: it is asked at every lookup, after the plugin applied the build settings.
    """

    def __init__(self, directory: Path, key_for: Callable[[str | None], BuildKey]) -> None:
        super().__init__(directory)
        self.store = BuildStore(Path(directory) / STORE_DIR)
        self._key_for = key_for
        self._names: dict[str, str] = {}
        self._staged: dict[str, tuple[Staging, Path, dict[str, Any]]] = {}
        self._mutex = threading.Lock()

    def _entry(self, link: Link, env_spec: EnvSpec) -> tuple[BuildKey, str, dict[str, Any]]:
        url = link.url_without_fragment
        key = self._key_for(self._names.get(url) or _name_from_link(link))
        source: dict[str, Any] = {"url": url, "env_spec": env_spec.as_dict()}
        if link.subdirectory:
            source["subdirectory"] = link.subdirectory
        if link.hash and link.hash_name:
            source[link.hash_name] = link.hash
        return key, build_entry_digest(key, source), source

    def get(self, link: Link, project_name: str | None, env_spec: EnvSpec) -> Path | None:
        if not project_name:
            return None
        name = normalize_name(project_name)
        self._names[link.url_without_fragment] = name
        key, digest, _ = self._entry(link, env_spec)
        for directory in (self.store.entry_dir(key, digest), Path(self.ephemeral_directory) / digest):
            found = _best_wheel(directory, name, env_spec)
            if found is not None:
                return found
        return None

    def get_path_for_link(self, link: Link, env_spec: EnvSpec) -> Path:
        """Where PDM should build: a private staging directory (see :meth:`commit`)."""
        key, digest, source = self._entry(link, env_spec)
        url = link.url_without_fragment
        with self._mutex:
            staged = self._staged.get(url)
            if staged is None:
                self.store.sweep()
                record = {"build": key.to_dict(), "source": source}
                staged = self._staged[url] = (self.store.stage(), self.store.entry_dir(key, digest), record)
        return staged[0].directory

    def get_ephemeral_path_for_link(self, link: Link, env_spec: EnvSpec) -> Path:
        _, digest, _ = self._entry(link, env_spec)
        return Path(self.ephemeral_directory) / digest

    def commit(self, link: Link) -> Path | None:
        """Store what was built for *link* in this run (after PDM installed it successfully)."""
        from filelock import Timeout

        with self._mutex:
            staged = self._staged.pop(link.url_without_fragment, None)
        if staged is None:
            return None
        staging, entry, record = staged
        try:
            return self.store.commit(staging, entry, record)
        except (Timeout, OSError):
            staging.discard()
            return None  # a cache that cannot be written is skipped: the install itself succeeded


def _best_wheel(directory: Path, name: str, env_spec: EnvSpec) -> Path | None:
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    best: tuple[Any, Path | None] = (None, None)
    if not directory.is_dir():
        return None
    for path in directory.glob("*.whl"):
        try:
            wheel_name = parse_wheel_filename(path.name)[0]
        except InvalidWheelFilename:
            continue
        if normalize_name(str(wheel_name)) != name:
            continue
        rank = env_spec.wheel_compatibility(path.name)
        if rank is not None and (best[0] is None or rank > best[0]):
            best = (rank, path)
    return best[1]


def variant_wheel_cache(project: Project, plan: VariantPlan) -> VariantWheelCache:
    """The project's one :class:`VariantWheelCache` (it remembers what this run staged)."""
    cache = project.__dict__.get(_CACHE_ATTR)
    if cache is None:
        declared = sorted({name for s in plan.selections for v in s.package.variants for name, _ in v.build.env})

        def key_for(name: str | None) -> BuildKey:
            label = plan.chosen_label(name) if name is not None and name in plan.names else None
            return BuildKey(
                package=name or "unknown",
                label=label,
                env=build_environment(os.environ, declared),
                config_settings=normalize_config_settings(project.core.state.config_settings),
            )

        cache = project.__dict__[_CACHE_ATTR] = VariantWheelCache(project.cache("wheels"), key_for)
    return cache


def commit_built_wheel(project: Project, candidate: Candidate) -> Path | None:
    """After *candidate* was installed: store the wheel built for it in this run, if any."""
    cache = project.__dict__.get(_CACHE_ATTR)
    link = candidate.link
    if cache is None or link is None:
        return None
    return cache.commit(link)  # type: ignore[no-any-return]


# -- unpacked wheels, by content ----------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ContentPackageCache(PackageCache):
    """``install.cache`` store keyed by the wheel's SHA-256: ``<root>/sha256/ab/cdef.../<file>.cache``."""

    def cache_wheel(self, wheel: Path) -> CachedPackage:
        first, rest = content_key(file_sha256(wheel))
        dest = self.root / "sha256" / first / rest / f"{wheel.name}.cache"
        if not dest.is_dir():
            self._unpack(wheel, dest)
        return CachedPackage(dest, original_wheel=wheel)

    def _unpack(self, wheel: Path, dest: Path) -> None:
        sweep_staging(self.root)
        staging = open_staging(self.root)
        try:
            tree = staging.directory / "tree"
            with zipfile.ZipFile(wheel) as archive:
                for item in archive.infolist():
                    target = archive.extract(item, tree)
                    mode = item.external_attr >> 16
                    if mode and stat.S_ISREG(mode) and mode & 0o111:
                        extracted = Path(target)
                        extracted.chmod(extracted.stat().st_mode | 0o111)
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                tree.rename(dest)
            except OSError:
                if not dest.is_dir():
                    raise  # not "another process was first"
        finally:
            staging.discard()


def content_package_cache(project: Project) -> ContentPackageCache:
    return ContentPackageCache(project.cache("packages"))
