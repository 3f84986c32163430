"""An installed distribution's ``.dist-info`` directory: add a file that uninstalling removes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .fileio import atomic_write_bytes, atomic_write_text
from .wheelfile import record_hash

__all__ = ["add_to_record"]


def add_to_record(dist_info: Path, name: str, data: bytes) -> None:
    """Write ``<dist-info>/<name>`` and list it in ``RECORD`` (replacing an older row of it), so
    that uninstalling removes it. Both files are written atomically."""
    atomic_write_bytes(dist_info / name, data)
    record = dist_info / "RECORD"
    rows = list(csv.reader(io.StringIO(record.read_text(encoding="utf-8")))) if record.exists() else []
    relative = f"{dist_info.name}/{name}"
    rows = [row for row in rows if row and row[0] != relative]
    rows.append([relative, record_hash(data), str(len(data))])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    atomic_write_text(record, out.getvalue())
