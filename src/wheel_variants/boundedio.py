"""Bounded reads of untrusted input: a byte limit while streaming, regular files only.

A variants JSON streamed without end, a target ``file = "/dev/zero"`` or a FIFO must fail at the
limit (or at once), never after reading gigabytes or blocking forever. Both helpers raise
:class:`~wheel_variants.errors.InputLimitError` with a message naming *where*.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable

from .errors import InputLimitError

__all__ = ["read_limited", "read_regular_file"]

_CHUNK = 64 * 1024


def read_limited(chunks: Iterable[bytes], limit: int, where: str) -> bytes:
    """Join *chunks* (a response's ``iter_content()``, a file's blocks), stopping with an error
    as soon as more than *limit* bytes arrived: ``"{where}: more than {limit} bytes; refusing it"``."""
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise InputLimitError(f"{where}: more than {limit} bytes; refusing it (limit {limit} bytes)")
        parts.append(chunk)
    return b"".join(parts)


def read_regular_file(path: str | os.PathLike[str], limit: int, where: str | None = None) -> bytes:
    """The bytes of the regular file *path*, at most *limit* of them.

    A FIFO, a device (``/dev/zero``), a socket or a directory is refused without reading (opening
    does not block on a FIFO); a larger file fails at *limit*. ``OSError`` is left to the caller,
    which knows how to word a missing file.
    """
    shown = where or os.fspath(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise InputLimitError(f"{shown}: not a regular file ({_kind(mode)}); refusing to read it")
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            return read_limited(iter(lambda: stream.read(_CHUNK), b""), limit, shown)
    finally:
        os.close(descriptor)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
