"""The whole wheel, for a server that ignores ``Range``: streamed with a byte limit, then unzipped.

The body is the one the range request already opened (a ``200`` answer is the whole file), so it
is read once. It goes to a temporary file, never to memory, and stops at the limit; the caller
sees progress through a callback and draws the bar (the core never prints).
"""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from typing import IO

from ..errors import RemoteMetadataError
from .transport import Response
from .zipindex import find_metadata_member

__all__ = ["Progress", "whole_wheel_metadata"]

#: ``progress(bytes so far, total or None)`` while a whole wheel downloads.
Progress = Callable[[int, "int | None"], None]


def whole_wheel_metadata(
    response: Response,
    url: str,
    *,
    sha256: str | None,
    wheel_limit: int,
    metadata_limit: int,
    progress: Progress | None = None,
) -> bytes:
    """METADATA of the wheel *response* carries whole: streamed into a temporary file (at most
    *wheel_limit* bytes), checked against its *sha256* when known, then read with ``zipfile``."""
    length = response.header("Content-Length")
    total = int(length) if length and length.strip().isdigit() else None
    if total is not None and total > wheel_limit:
        raise RemoteMetadataError(f"{url}: the wheel is {total} bytes (limit {wheel_limit}); not downloading it")
    digest = hashlib.sha256()
    with tempfile.TemporaryFile() as spool:
        received = 0
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > wheel_limit:
                raise RemoteMetadataError(f"{url}: the wheel is more than {wheel_limit} bytes; stopped reading it")
            spool.write(chunk)
            digest.update(chunk)
            if progress is not None:
                progress(received, total)
        if total is not None and received != total:
            raise RemoteMetadataError(f"{url}: the download ended after {received} of {total} bytes")
        if sha256 is not None and digest.hexdigest() != sha256.lower():
            raise RemoteMetadataError(f"{url}: sha256 of the wheel does not match the index's {sha256!r}")
        spool.seek(0)
        return _zip_metadata(spool, url, metadata_limit)


def _zip_metadata(stream: IO[bytes], url: str, limit: int) -> bytes:
    try:
        with zipfile.ZipFile(stream) as wheel:
            name = find_metadata_member(wheel.namelist(), url)
            if wheel.getinfo(name).file_size > limit:
                raise RemoteMetadataError(f"{url}: {name!r} is more than {limit} bytes")
            with wheel.open(name) as member:
                return member.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method
        raise RemoteMetadataError(f"{url}: not a readable wheel ({error})") from None
