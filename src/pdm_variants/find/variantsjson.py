"""Fetch a release's ``*-variants.json`` for the finder: bounded, timed, checked against the page.

* An ``http(s)`` body is streamed (past an HTTP cache layer that would buffer it whole:
  :func:`pdm_variants._pdm.http.stream_get`) and refused as soon as it passes
  :data:`~wheel_variants.jsonload.MAX_JSON_BYTES`, or once :data:`FETCH_DEADLINE_S` seconds have
  gone by in all (a body that trickles in forever); each read also has PDM's ``request_timeout``.
* A ``file://`` link must be a regular file, read with the same limit (a FIFO or ``/dev/zero`` is
  refused without reading).
* Every hash the index page gives is checked: the JSON simple API's ``hashes`` and the URL fragment
  of an HTML page (``#sha256=...``, ``#sha512=...``, ``#md5=...``: any algorithm :mod:`hashlib`
  knows). A fragment key hashlib does not know (``subdirectory``, ``egg``) is not a hash.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from wheel_variants.errors import InputLimitError, VariantsError

if TYPE_CHECKING:
    from unearth import Link

__all__ = ["FETCH_DEADLINE_S", "check_hashes", "fetch_variants_json", "fragment_hashes", "page_hashes"]

#: The most seconds one variants JSON may take to arrive, however slowly its bytes come.
FETCH_DEADLINE_S = 120.0


def fragment_hashes(url: str) -> list[tuple[str, str]]:
    """``(algorithm, hex digest)`` pairs in *url*'s fragment (``#sha256=...&subdirectory=x``),
    for the algorithms :mod:`hashlib` can compute; other keys are left out."""
    from urllib.parse import parse_qsl, urlsplit

    fragment = urlsplit(url).fragment
    pairs = parse_qsl(fragment, keep_blank_values=True)
    return [(name.lower(), value) for name, value in pairs if _hasher(name.lower()) is not None]


def page_hashes(link: Link) -> list[tuple[str, str]]:
    """Every hash the index page gives for *link*: the JSON API's ``hashes`` (unearth fills them
    only from a JSON page), then the URL fragment (an HTML page); duplicates once."""
    given: list[tuple[str, str]] = []
    for name, value in (link.hashes or {}).items():
        if isinstance(name, str) and isinstance(value, str):
            given.append((name.lower(), value))
    given.extend(fragment_hashes(link.url))
    return list(dict.fromkeys(given))


def check_hashes(data: bytes, hashes: Iterable[tuple[str, str]], url: str) -> None:
    """Raise a one-line :class:`VariantsError` naming *url*, the algorithm, the expected and the
    actual digest when *data* does not match one of *hashes*; algorithms hashlib lacks are skipped."""
    for name, expected in hashes:
        hasher = _hasher(name)
        if hasher is None:
            continue
        hasher.update(data)
        actual = hasher.hexdigest()
        if actual != expected.strip().lower():
            raise VariantsError(
                f"{url}: {name} mismatch: the index page gives {expected!r}, the fetched file has {actual!r}; "
                "refusing it"
            )


def _hasher(name: str) -> Any:
    """A fresh hashlib object for *name*, or None when hashlib cannot compute a plain digest of it
    (unknown names, and the ``shake_*`` family whose digest needs a length)."""
    if name.startswith("shake_") or name not in hashlib.algorithms_available:
        return None
    try:
        return hashlib.new(name)
    except ValueError:  # listed but disabled (a FIPS build), or not a name hashlib.new takes
        return None


def fetch_variants_json(
    session: Any, link: Link, *, deadline_s: float = FETCH_DEADLINE_S, clock: Callable[[], float] = time.monotonic
) -> bytes:
    """The bytes at *link*, at most :data:`~wheel_variants.jsonload.MAX_JSON_BYTES` of them.

    *session* is PDM's HTTP client (an ``httpx`` or ``httpx2`` ``Client``). Every failure is a
    one-line :class:`VariantsError` naming the URL.
    """
    from wheel_variants.boundedio import read_limited, read_regular_file
    from wheel_variants.jsonload import MAX_JSON_BYTES

    url = link.redacted
    if link.is_file:
        try:
            return read_regular_file(link.file_path, MAX_JSON_BYTES, url)
        except OSError as error:
            raise VariantsError(f"{url}: cannot read variants JSON ({error.strerror or error})") from None
    from .._pdm.http import http_errors, stream_get

    started = clock()
    try:
        with stream_get(session, link.url_without_fragment) as response:
            response.raise_for_status()
            chunks = _until(response.iter_bytes(), started + deadline_s, deadline_s, url, clock)
            return read_limited(chunks, MAX_JSON_BYTES, url)
    except http_errors() as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise VariantsError(f"{url}: cannot fetch variants JSON ({reason})") from None


def _until(
    chunks: Iterable[bytes], deadline: float, seconds: float, url: str, clock: Callable[[], float]
) -> Iterator[bytes]:
    for chunk in chunks:
        if clock() > deadline:
            raise InputLimitError(f"{url}: still arriving after {seconds:g} seconds; refusing it")
        yield chunk
