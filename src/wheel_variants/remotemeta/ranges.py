"""One byte range of a remote file: the request, and an exact check of the ``206`` answer.

A server may ignore ``Range`` (``200`` and the whole body), answer a multipart body, or send a
``Content-Range`` that is not the range asked for; trusting any of those would parse the wrong
bytes as a zip. Only a ``206`` whose ``Content-Range`` is exactly the requested slice, with a body
of exactly that length, is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import RemoteMetadataError
from .transport import Response, Transport

__all__ = ["Slice", "fetch_slice", "range_headers", "read_slice"]

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Slice:
    """Bytes ``start .. start + len(data) - 1`` of a file of ``total`` bytes."""

    start: int
    data: bytes
    total: int

    @property
    def end(self) -> int:
        """One past the last byte."""
        return self.start + len(self.data)


def range_headers(spec: str) -> dict[str, str]:
    """Headers of a range request; *spec* is ``"-N"`` (the last N bytes) or ``"A-B"``.

    ``identity``: a compressed answer's ranges would count bytes of the compressed stream."""
    return {"Range": f"bytes={spec}", "Accept-Encoding": "identity"}


def read_slice(response: Response, url: str, *, start: int | None, length: int, total: int | None) -> Slice:
    """The body of a ``206`` *response* to a request for *length* bytes from *start* (``None``:
    the last *length* bytes) of a file of *total* bytes (``None``: not known yet)."""
    if response.status != 206:
        raise RemoteMetadataError(f"{url}: expected 206 to a Range request, got HTTP {response.status}")
    value = response.header("Content-Range")
    match = _CONTENT_RANGE.fullmatch((value or "").strip())
    if match is None:
        raise RemoteMetadataError(f"{url}: wrong Content-Range {value!r} in a 206 answer")
    first, last, size = (int(group) for group in match.groups())
    if total is not None and size != total:
        raise RemoteMetadataError(f"{url}: Content-Range {value!r} gives size {size}, earlier answers {total}")
    want_first = max(0, size - length) if start is None else start
    want_last = min(want_first + length, size) - 1
    if (first, last) != (want_first, want_last):
        raise RemoteMetadataError(
            f"{url}: wrong Content-Range {value!r}; asked for bytes {want_first}-{want_last} of {size}"
        )
    data = _read_exactly(response.iter_bytes(), last - first + 1, url)
    return Slice(start=first, data=data, total=size)


def fetch_slice(transport: Transport, url: str, *, start: int, length: int, total: int) -> Slice:
    """Bytes ``start .. start + length - 1`` of the file at *url* (of *total* bytes)."""
    last = min(start + length, total) - 1
    with transport.get(url, headers=range_headers(f"{start}-{last}")) as response:
        return read_slice(response, url, start=start, length=last - start + 1, total=total)


def _read_exactly(chunks: Iterable[bytes], size: int, url: str) -> bytes:
    """*size* bytes of body; more or fewer is a server that does not mean its Content-Range."""
    parts: list[bytes] = []
    received = 0
    for chunk in chunks:
        received += len(chunk)
        if received > size:
            raise RemoteMetadataError(f"{url}: the 206 body is longer than its Content-Range ({size} bytes)")
        parts.append(chunk)
    if received != size:
        raise RemoteMetadataError(f"{url}: the 206 body ends after {received} of {size} bytes")
    return b"".join(parts)
