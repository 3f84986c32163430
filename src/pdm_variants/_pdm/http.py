"""PDM's HTTP client: ``httpx2`` since PDM 2.29.4, ``httpx`` before; streaming past hishel 0.x.

Internal names used here are named in each helper's docstring, with the PDM releases they were
verified on (2.26.0, 2.29.3, 2.29.4).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from types import ModuleType
from typing import Any

__all__ = ["SessionTransport", "http_error_url", "http_errors", "http_module", "stream_get"]


def http_module() -> ModuleType:
    """The HTTP library behind PDM's session (``project.environment.session``): ``httpx2`` since
    PDM 2.29.4, ``httpx`` before. Its responses and exceptions are that library's types, so
    catching ``httpx.HTTPError`` misses them on 2.29.4 even where ``httpx`` is importable.
    Internal: the module ``pdm.models.session`` imports (verified on 2.26.0, 2.29.3, 2.29.4)."""
    import pdm.models.session as session

    for name in ("httpx2", "httpx"):
        module = getattr(session, name, None)
        if isinstance(module, ModuleType) and isinstance(getattr(module, "HTTPError", None), type):
            return module
    raise ImportError("pdm.models.session uses neither httpx2 nor httpx")


def http_errors() -> tuple[type[BaseException], ...]:
    """What PDM's session raises for a transport or status failure (``except http_errors():``)."""
    return (http_module().HTTPError,)


def http_error_url(error: BaseException) -> str | None:
    """The URL of the request an HTTP error is about, when it carries one."""
    try:
        return str(error.request.url)  # type: ignore[attr-defined]
    except (AttributeError, RuntimeError):  # RuntimeError: httpx's error without a request
        return None


def stream_get(
    session: Any, url: str, headers: Mapping[str, str] | None = None
) -> contextlib.AbstractContextManager[Any]:
    """``session.stream("GET", url, headers=headers)``: a response whose body is read as it arrives.

    PDM before hishel 1.0 (2.26: hishel 0.1) wraps each transport in hishel's ``CacheTransport``,
    which reads the whole body into memory before returning the response, so a bounded reader
    never gets to stop an endless one. Through such a transport the request goes by a client that
    shares the session's auth, headers and timeout and the cache's inner transport (TLS, proxy,
    connection pool); hishel 1.x (PDM 2.29) streams through its cache and the session is used as
    is. Internal: ``httpx.Client._transport_for_url`` and hishel 0.x ``CacheTransport._transport``.
    """
    module = http_module()
    transport = session._transport_for_url(module.URL(url))
    inner = getattr(transport, "_transport", None)
    buffering = type(transport).__name__ == "CacheTransport" and type(transport).__module__.startswith("hishel.")
    if not buffering or inner is None:
        return session.stream("GET", url, headers=headers)  # type: ignore[no-any-return]
    # Never closed: closing a client closes its transport, and this one is the session's.
    client = module.Client(
        auth=session.auth, headers=session.headers, timeout=session.timeout, follow_redirects=True, transport=inner
    )
    return client.stream("GET", url, headers=headers)  # type: ignore[no-any-return]


class SessionTransport:
    """The core's metadata transport (:class:`wheel_variants.remotemeta.transport.Transport`) over
    PDM's session, so PDM's proxies, certificates and credentials apply to range requests too.
    hishel's cache passes ``Range`` requests to the server (1.x) or is bypassed (0.x, as
    :func:`stream_get` does). Bodies are read raw (no content decoding: ranges count file bytes);
    transport failures become ``OSError``, as the protocol asks."""

    def __init__(self, session: Any) -> None:
        self._session = session

    @contextlib.contextmanager
    def get(self, url: str, *, headers: Mapping[str, str]) -> Iterator[_SessionResponse]:
        errors = http_errors()
        try:
            with stream_get(self._session, url, headers) as response:
                yield _SessionResponse(response, errors)
        except errors as error:
            raise OSError(_one_line(error)) from None


class _SessionResponse:
    def __init__(self, response: Any, errors: tuple[type[BaseException], ...]) -> None:
        self._response = response
        self._errors = errors

    @property
    def status(self) -> int:
        return int(self._response.status_code)

    def header(self, name: str) -> str | None:
        value = self._response.headers.get(name)
        return str(value) if value is not None else None

    def iter_bytes(self) -> Iterator[bytes]:
        try:
            yield from self._response.iter_raw()
        except self._errors as error:
            raise OSError(_one_line(error)) from None


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
