"""Bounded, timed HTTP reads for ``convert``: a page into memory, a file onto disk with its sha256.

Only the standard library (``urllib``): the core adds no runtime dependency. Every failure is one
:class:`~wheel_variants.errors.VariantsError` naming the URL; a body over its limit is refused
while streaming, never read whole.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from ..boundedio import read_limited
from ..errors import VariantsError

__all__ = ["PAGE_LIMIT", "TIMEOUT", "WHEEL_LIMIT", "Page", "download", "read_page"]

TIMEOUT = 30.0
# torch's project page is several MiB; a page far beyond that is not an index page.
PAGE_LIMIT = 64 * 1024 * 1024
# The largest wheels on per-backend indexes (CUDA builds of torch) are near 3 GiB.
WHEEL_LIMIT = 8 * 1024 * 1024 * 1024
_CHUNK = 256 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    data: bytes
    content_type: str
    url: str  # after redirects: relative links resolve against it


def _open(url: str, accept: str, timeout: float):  # type: ignore[no-untyped-def]
    if not url.startswith(("http://", "https://")):
        raise VariantsError(f"cannot read {url!r}: convert reads http(s) indexes only (serve a local one)")
    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "wheel-variants-convert"})
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        raise VariantsError(f"cannot read {url}: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise VariantsError(f"cannot reach {url}: {reason}") from None


def read_page(url: str, *, accept: str, limit: int = PAGE_LIMIT, timeout: float = TIMEOUT) -> Page:
    """The body of *url*, at most *limit* bytes, within *timeout* seconds per network operation."""
    with _open(url, accept, timeout) as response:
        try:
            data = read_limited(iter(lambda: response.read(_CHUNK), b""), limit, url)
        except (TimeoutError, OSError) as error:
            raise VariantsError(f"cannot read {url}: {error}") from None
        return Page(data=data, content_type=response.headers.get("Content-Type", ""), url=response.geturl())


def download(
    url: str,
    stream: BinaryIO,
    *,
    limit: int = WHEEL_LIMIT,
    timeout: float = TIMEOUT,
    on_bytes: Callable[[int], None] | None = None,
    on_size: Callable[[int | None], None] | None = None,
) -> str:
    """Copy *url* into *stream*; return the sha256 hex digest of what was written."""
    digest = hashlib.sha256()
    size = 0
    with _open(url, "*/*", timeout) as response:
        length = response.headers.get("Content-Length")
        if on_size is not None:
            on_size(int(length) if length and length.isdigit() else None)
        try:
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise VariantsError(f"{url}: more than {limit} bytes; refusing it")
                digest.update(chunk)
                stream.write(chunk)
                if on_bytes is not None:
                    on_bytes(len(chunk))
        except (TimeoutError, OSError) as error:
            raise VariantsError(f"cannot read {url}: {error}") from None
    return digest.hexdigest()
