"""A store of built wheels on disk, keyed by package, variant label and build digest.

``<root>/<package>/<label>/<digest>/{*.whl, entry.json}``: a build is staged in a private
directory and moved into its entry by a rename under the store lock, so a killed or failed build
never leaves a partial entry. Readers need no lock; writers and clearing take ``<root>/.lock``.
Each staging directory is held by a lock of its own while its owner lives; a later run removes
staging whose owner is gone.

File locks come from the caller (:data:`FileLockFactory`; PDM's plugin passes ``filelock``), so
the core needs no locking dependency. Digests: :mod:`wheel_variants.cachekeys`.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .fileio import atomic_write_text
from .names import normalize_name

if TYPE_CHECKING:
    from .cachekeys import BuildKey

__all__ = ["BuildStore", "FileLock", "FileLockFactory", "Staging", "StoredBuild", "open_staging", "sweep_staging"]

ENTRY_FILE = "entry.json"
NO_LABEL = "no-label"  # labels are [0-9a-z_.]: a dash never clashes with one
ENTRY_SCHEMA = 1
LOCK_TIMEOUT = 120.0
STALE_UNLOCKED = 3600.0  # a staging directory without a lock file is abandoned after an hour
_STAGING = ".staging"
_TRASH = ".trash"


class FileLock(AbstractContextManager[Any], Protocol):
    """An inter-process lock on a file (``filelock.FileLock`` has this shape): ``acquire`` raises
    ``TimeoutError`` when another process holds it past the timeout."""

    lock_file: str

    def acquire(self) -> Any: ...

    def release(self) -> None: ...


#: ``(lock file, timeout in seconds) -> FileLock``.
FileLockFactory = Callable[[Path, float], FileLock]


def _label_dir(label: str | None) -> str:
    return label if label and label.strip(".") else NO_LABEL


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


@dataclass(slots=True)
class Staging:
    """A private directory under the store, held by a lock while its owner is alive."""

    directory: Path
    lock: FileLock

    def discard(self) -> None:
        _remove_tree(self.directory)
        self.release()

    def release(self) -> None:
        with suppress(OSError):
            self.lock.release()
        with suppress(OSError):
            Path(self.lock.lock_file).unlink()


def open_staging(root: Path, file_lock: FileLockFactory) -> Staging:
    """A new staging directory under ``root/.staging`` (lock file taken first, then the directory)."""
    area = root / _STAGING
    area.mkdir(parents=True, exist_ok=True)
    token = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    lock = file_lock(area / f"{token}.lock", 0)
    lock.acquire()
    directory = area / token
    directory.mkdir()
    return Staging(directory=directory, lock=lock)


def sweep_staging(root: Path, file_lock: FileLockFactory, now: float | None = None) -> int:
    """Remove staging directories whose owner is gone (its lock is free); return how many."""
    area = root / _STAGING
    if not area.is_dir():
        return 0
    removed = 0
    current = time.time() if now is None else now
    for entry in sorted(area.iterdir()):
        if entry.suffix == ".lock":
            lock = file_lock(entry, 0)
            try:
                lock.acquire()
            except OSError:  # TimeoutError included
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

    def __init__(self, root: Path, file_lock: FileLockFactory) -> None:
        self.root = Path(root)
        self._file_lock = file_lock

    def entry_dir(self, key: BuildKey, digest: str) -> Path:
        return self.root / normalize_name(key.package) / _label_dir(key.label) / digest

    @contextmanager
    def locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with self._file_lock(self.root / ".lock", LOCK_TIMEOUT):
            yield

    def stage(self) -> Staging:
        return open_staging(self.root, self._file_lock)

    def sweep(self) -> int:
        return sweep_staging(self.root, self._file_lock)

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
