"""The metadata cache: one wheel's METADATA per file, keyed by the wheel's sha256.

Keyed by content, not by URL: a moved index, a mirror or a new port serves the same wheel under
another URL, and its metadata is read once. A file without a hash is keyed by its URL. Entries are
written atomically (:mod:`wheel_variants.fileio`), so two ``pdm`` processes may fill the cache at
once: each writes the same bytes, and a reader sees a whole entry or none. An entry that does not
read back (cut short, edited, another format) is a miss, rewritten by the next :meth:`put`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..fileio import atomic_write_bytes

__all__ = ["FORMAT", "MetadataStore", "StoreKey", "store_key"]

#: Bumped when an entry's layout changes; older entries are then misses.
FORMAT = 1
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreKey:
    """``kind`` is ``"sha256"`` (``value``: the wheel's digest) or ``"url"`` (``value``: the URL)."""

    kind: str
    value: str

    @property
    def parts(self) -> tuple[str, str, str]:
        """Path parts below the store's directory: ``sha256/ab/<digest>.json``, or the URL's digest under ``url/``."""
        digest = self.value if self.kind == "sha256" else hashlib.sha256(self.value.encode()).hexdigest()
        return self.kind, digest[:2], f"{digest}.json"


def store_key(*, sha256: str | None, url: str) -> StoreKey:
    """The key of a wheel's metadata: its sha256 (from the index or the lock) when known and well
    formed, else its URL without a fragment. Pure."""
    digest = (sha256 or "").strip().lower()
    if _HEX64.fullmatch(digest):
        return StoreKey(kind="sha256", value=digest)
    return StoreKey(kind="url", value=url.partition("#")[0])


class MetadataStore:
    """METADATA bytes (or another small document: a variants JSON) by :class:`StoreKey`, in files below *directory*."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, key: StoreKey) -> Path:
        return self.directory.joinpath(*key.parts)

    def get(self, key: StoreKey) -> bytes | None:
        """The stored METADATA, or ``None`` when missing or unreadable."""
        try:
            entry = json.loads(self.path(key).read_bytes())
        except (OSError, ValueError):  # ValueError: not JSON, not UTF-8
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != [key.kind, key.value]:
            return None
        text, digest = entry.get("metadata"), entry.get("sha256")
        if not isinstance(text, str):
            return None
        try:
            data = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            return None
        # A digest of the bytes catches an entry edited or corrupted after it was written.
        return data if hashlib.sha256(data).hexdigest() == digest else None

    def put(self, key: StoreKey, metadata: bytes) -> None:
        """Store *metadata* under *key*, atomically."""
        entry = {
            "format": FORMAT,
            "key": [key.kind, key.value],
            "metadata": metadata.decode("utf-8", "surrogateescape"),
            "sha256": hashlib.sha256(metadata).hexdigest(),
        }
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, json.dumps(entry, sort_keys=True).encode("utf-8", "surrogateescape"))
