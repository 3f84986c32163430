"""What an earlier ``convert`` run made each output file from, so a rerun downloads nothing new.

One JSON file per package under ``OUTDIR/.wheel-variants-convert/`` (outside the package folder,
which is uploaded as it is). An entry is trusted only while the file on disk still has the size
and modification time recorded with its sha256; otherwise the file is hashed again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import VariantsError
from ..fileio import atomic_write_text
from ..jsonload import load_json

__all__ = ["STATE_DIR", "Made", "State", "file_sha256"]

STATE_DIR = ".wheel-variants-convert"
_FORMAT = 1


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class Made:
    """How one output file was made: from which URL, from which bytes, with which variant.json."""

    source: str
    source_sha256: str
    variant_json: str | None  # sha256 of the variant.json text; None for the plain wheel
    sha256: str
    size: int
    mtime_ns: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "source-sha256": self.source_sha256,
            "variant-json": self.variant_json,
            "sha256": self.sha256,
            "size": self.size,
            "mtime-ns": self.mtime_ns,
        }


class State:
    """The record for one package directory; :meth:`save` writes it only when it changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._saved: dict[str, Made] = self._load()
        self.entries: dict[str, Made] = dict(self._saved)

    def _load(self) -> dict[str, Made]:
        try:
            document = load_json(self.path.read_bytes(), str(self.path))
        except FileNotFoundError:
            return {}
        try:
            if document["format"] != _FORMAT:
                return {}  # another format: start afresh, every output is checked again
            return {
                name: Made(
                    source=entry["source"],
                    source_sha256=entry["source-sha256"],
                    variant_json=entry["variant-json"],
                    sha256=entry["sha256"],
                    size=int(entry["size"]),
                    mtime_ns=int(entry["mtime-ns"]),
                )
                for name, entry in document["files"].items()
            }
        except (KeyError, TypeError, ValueError, AttributeError):
            raise VariantsError(f"{self.path}: not a convert state file; delete it to start afresh") from None

    def current(self, path: Path) -> Made | None:
        """The entry of *path* if the file is still the one recorded (same size, time and hash)."""
        entry = self.entries.get(path.name)
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        if entry is None:
            return None
        if (stat.st_size, stat.st_mtime_ns) == (entry.size, entry.mtime_ns):
            return entry
        if file_sha256(path) != entry.sha256:
            return None
        # Same bytes, new time stamp (a copy, a touch): remember it so the next run skips the hash.
        entry = replace(entry, size=stat.st_size, mtime_ns=stat.st_mtime_ns)
        self.entries[path.name] = entry
        return entry

    def record(self, path: Path, *, source: str, source_sha256: str, variant_json: str | None) -> Made:
        stat = path.stat()
        sha256 = source_sha256 if variant_json is None else file_sha256(path)
        made = Made(
            source=source,
            source_sha256=source_sha256,
            variant_json=variant_json,
            sha256=sha256,
            size=stat.st_size,
            mtime_ns=stat.st_mtime_ns,
        )
        self.entries[path.name] = made
        return made

    def sha256(self, path: Path) -> str:
        """The sha256 of an output file, from the record when it is current."""
        entry = self.current(path)
        return entry.sha256 if entry is not None else file_sha256(path)

    def save(self) -> None:
        if self.entries == self._saved and self.path.exists():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        files = {name: made.to_dict() for name, made in sorted(self.entries.items())}
        atomic_write_text(self.path, json.dumps({"format": _FORMAT, "files": files}, indent=1, sort_keys=True) + "\n")
        self._saved = dict(self.entries)
