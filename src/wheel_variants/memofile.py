"""A small derived-value cache in one JSON file: read once per command, written once at its end.

For values computed from content-addressed input (a wheel's sha256), where one file read beats
thousands of per-entry files. The file names what derived its values (``stamp``, e.g. the
parser's version): another stamp, another format, a file too large or unreadable is an empty
memo, never an error. :meth:`MemoFile.save` merges with what another process wrote meanwhile,
keeps the newest :attr:`MemoFile.max_entries`, and replaces the file atomically.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .boundedio import read_regular_file
from .errors import VariantsError
from .fileio import atomic_write_text

__all__ = ["MemoFile"]

#: Bumped when the file's layout changes; older files are then empty memos.
FORMAT = 1


class MemoFile:
    """JSON-compatible values by string key, in the file at *path*, valid for *stamp*."""

    def __init__(self, path: Path, stamp: str, *, max_bytes: int = 32 * 2**20, max_entries: int = 100_000) -> None:
        self.path = path
        self.stamp = stamp
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._entries: dict[str, Any] | None = None
        self._added: dict[str, Any] = {}

    def get(self, key: str) -> Any | None:
        if self._entries is None:
            self._entries = self._load()
        return self._entries.get(key)

    def put(self, key: str, value: Any) -> None:
        if self._entries is None:
            self._entries = self._load()
        self._entries[key] = value
        self._added[key] = value

    def save(self) -> None:
        """Write the entries added since the file was read (nothing when none were); an
        unwritable cache directory is left as it is (the memo only saves work)."""
        if not self._added:
            return
        entries = {**self._load(), **self._added}
        if len(entries) > self.max_entries:  # the oldest go first: dicts keep insertion order
            entries = dict(list(entries.items())[-self.max_entries :])
        text = json.dumps({"format": FORMAT, "stamp": self.stamp, "entries": entries}, separators=(",", ":"))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, text)
        except OSError:
            return
        self._added = {}

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(read_regular_file(self.path, self.max_bytes))
        except (OSError, ValueError, VariantsError):  # missing, not JSON, too large, not a file
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("stamp") != self.stamp:
            return {}
        entries = data.get("entries")
        return dict(entries) if isinstance(entries, dict) else {}
