"""The HTTP seam of :mod:`~wheel_variants.remotemeta`: a protocol, and a stdlib implementation.

The core sends GET requests (some with ``Range``) and reads the body as it arrives, so it can stop
at a byte limit and report progress. A host adapter implements :class:`Transport` over its own
session (the PDM plugin over PDM's, sharing auth, proxies and TLS settings).

Contract:

* :meth:`Transport.get` returns a context manager; the response's status is returned, not raised
  (a ``404`` or ``416`` is a :class:`Response` like any other);
* a failure to connect or to read raises :class:`OSError` (an adapter wraps its library's errors);
* :meth:`Response.header` looks up a header by name, case-insensitively;
* :meth:`Response.iter_bytes` yields the body as sent (no content decoding: the core asks for
  ``Accept-Encoding: identity`` so that byte ranges mean bytes of the file).
"""

from __future__ import annotations

import contextlib
import http.client
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Protocol

__all__ = ["CountingTransport", "Response", "Transport", "UrllibResponse", "UrllibTransport"]

_CHUNK = 64 * 1024


class Response(Protocol):
    """One HTTP answer, its body read on demand."""

    @property
    def status(self) -> int: ...

    def header(self, name: str) -> str | None: ...

    def iter_bytes(self) -> Iterator[bytes]: ...


class Transport(Protocol):
    """Sends one GET request."""

    def get(self, url: str, *, headers: Mapping[str, str]) -> contextlib.AbstractContextManager[Response]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class UrllibResponse:
    """A :class:`Response` over what ``urllib.request.urlopen`` returns (or an ``HTTPError``)."""

    status: int
    stream: IO[bytes]
    headers: Mapping[str, str]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def iter_bytes(self) -> Iterator[bytes]:
        try:
            while chunk := self.stream.read(_CHUNK):
                yield chunk
        except http.client.HTTPException as error:  # IncompleteRead and friends are no OSError
            raise OSError(f"reading the response failed ({error!r})") from None


@dataclass(frozen=True, slots=True, kw_only=True)
class UrllibTransport:
    """:class:`Transport` over ``urllib`` (no cache, no auth): tests and the command line."""

    timeout: float = 30.0

    @contextlib.contextmanager
    def get(self, url: str, *, headers: Mapping[str, str]) -> Iterator[UrllibResponse]:
        request = urllib.request.Request(url, headers=dict(headers))
        try:
            opened = urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:  # a status, not a failure: the caller words it
            opened = error
        with opened:
            lowered = {name.lower(): value for name, value in opened.headers.items()}
            yield UrllibResponse(status=opened.status, stream=opened, headers=lowered)


class CountingTransport:
    """A :class:`Transport` counting the GETs sent and the body bytes read through *inner*."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.requests = 0
        self.received = 0

    @contextlib.contextmanager
    def get(self, url: str, *, headers: Mapping[str, str]) -> Iterator[Response]:
        self.requests += 1
        with self.inner.get(url, headers=headers) as response:
            yield _CountingResponse(response, self)


class _CountingResponse:
    def __init__(self, inner: Response, counter: CountingTransport) -> None:
        self.inner = inner
        self.counter = counter

    @property
    def status(self) -> int:
        return self.inner.status

    def header(self, name: str) -> str | None:
        return self.inner.header(name)

    def iter_bytes(self) -> Iterator[bytes]:
        for chunk in self.inner.iter_bytes():
            self.counter.received += len(chunk)
            yield chunk
