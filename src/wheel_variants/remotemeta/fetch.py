"""A wheel's ``METADATA`` without its body, over an injected :class:`~.transport.Transport`.

Three ways, in this order (issue 20):

1. the PEP 658/714 metadata file when the index offers one, checked against its advertised hash;
2. HTTP range requests on the wheel: its last bytes (end record and, usually, the whole central
   directory and the METADATA member, which wheel builders write last), then whatever is missing;
3. when the server answers the first range request with ``200`` and the whole body: that same
   body, streamed into a temporary file with a byte limit (the caller draws progress).

Whatever the way, METADATA's ``Name`` and ``Version`` must match the file name. Every failure is
one :class:`~wheel_variants.errors.RemoteMetadataError` line naming the URL; nothing is cached.
"""

from __future__ import annotations

import contextlib
import email.parser
import hashlib
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO

from packaging.version import InvalidVersion, Version

from ..errors import RemoteMetadataError
from ..filename import WheelFilename
from ..names import normalize_name
from .ranges import Slice, fetch_slice, range_headers, read_slice
from .store import MetadataStore, store_key
from .transport import Response, Transport
from .zipindex import (
    LOCAL_HEADER_SIZE,
    CentralDirectory,
    Member,
    find_metadata_member,
    inflate_member,
    member_data_offset,
    parse_central_directory,
    parse_end_record,
)

__all__ = [
    "FetchedMetadata",
    "Limits",
    "Progress",
    "WheelLink",
    "cached_metadata",
    "check_metadata",
    "core_metadata_hashes",
    "fetch_metadata",
]

#: ``progress(bytes so far, total or None)`` while a whole wheel downloads.
Progress = Callable[[int, "int | None"], None]
#: Room for a local header's extra field beyond the central one's (zip64 sizes, timestamps).
_LOCAL_SLACK = 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class WheelLink:
    """A wheel on an index, as its page lists it.

    ``sha256`` is the wheel's hash from the index or the lock (the cache key); ``metadata_url`` the
    PEP 658 file when the index offers one, with its advertised ``metadata_hashes``
    (``(("sha256", "<hex>"),)``; empty when offered as ``true``)."""

    url: str
    filename: str
    sha256: str | None = None
    metadata_url: str | None = None
    metadata_hashes: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_index(
        cls,
        url: str,
        *,
        filename: str | None = None,
        hashes: Mapping[str, str] | None = None,
        core_metadata: object = None,
    ) -> WheelLink:
        """From an index entry: *url* (a ``#sha256=`` fragment is read and dropped), the JSON
        ``hashes`` and the ``core-metadata`` / ``data-core-metadata`` value as found."""
        bare, _, fragment = url.partition("#")
        known = dict(hashes or {})
        algorithm, _, digest = fragment.partition("=")
        if algorithm and digest:
            known.setdefault(algorithm, digest)
        offered = core_metadata_hashes(core_metadata)
        return cls(
            url=bare,
            filename=filename or bare.rsplit("/", 1)[-1],
            sha256=known.get("sha256"),
            metadata_url=f"{bare}.metadata" if offered is not None else None,
            metadata_hashes=offered or (),
        )


def core_metadata_hashes(value: object) -> tuple[tuple[str, str], ...] | None:
    """The hashes of a PEP 658/714 offer, ``()`` for an offer without one, ``None`` for none.

    *value* is the HTML attribute (``"true"``, ``"sha256=<hex>"``; absent is ``None``) or the JSON
    ``core-metadata`` value (``true``, ``false``, ``{"sha256": "<hex>"}``)."""
    if value is None or value is False:
        return None
    if value is True:
        return ()
    if isinstance(value, Mapping):
        return tuple(sorted((str(key).lower(), str(digest).lower()) for key, digest in value.items()))
    if isinstance(value, str):
        algorithm, sep, digest = value.strip().partition("=")
        if sep and algorithm and digest:
            return ((algorithm.lower(), digest.lower()),)
        return () if value.strip().lower() != "false" else None
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """How much may be read: the first suffix range, a central directory, the METADATA member or
    file, and a whole wheel (``whole_wheel=False``: never download one; a server without range
    support is then an error)."""

    tail: int = 64 * 1024
    central_directory: int = 32 * 1024 * 1024
    metadata: int = 8 * 1024 * 1024
    wheel: int = 8 * 1024 * 1024 * 1024
    whole_wheel: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchedMetadata:
    """The METADATA bytes and how they came: ``source`` is ``"pep658"``, ``"range"``, ``"whole"``
    or ``"cache"``; ``transferred`` counts body bytes read, ``requests`` the GETs sent."""

    data: bytes
    source: str
    transferred: int
    requests: int


def cached_metadata(
    link: WheelLink,
    *,
    transport: Transport,
    store: MetadataStore,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> FetchedMetadata:
    """:func:`fetch_metadata` through *store*, keyed by the wheel's sha256 (its URL when it has none)."""
    key = store_key(sha256=link.sha256, url=link.url)
    data = store.get(key)
    if data is not None:
        check_metadata(data, link.filename, f"{link.url} (cached)")
        return FetchedMetadata(data=data, source="cache", transferred=0, requests=0)
    fetched = fetch_metadata(link, transport=transport, limits=limits, progress=progress)
    store.put(key, fetched.data)
    return fetched


def fetch_metadata(
    link: WheelLink, *, transport: Transport, limits: Limits | None = None, progress: Progress | None = None
) -> FetchedMetadata:
    """The METADATA of the wheel at *link*, by the cheapest way its index allows."""
    limits = limits or Limits()
    counting = _CountingTransport(transport)
    if link.metadata_url is not None:
        data, source = _from_metadata_file(link, counting, limits), "pep658"
        where = link.metadata_url
    else:
        data, source = _from_wheel(link, counting, limits, progress)
        where = link.url
    check_metadata(data, link.filename, where)
    return FetchedMetadata(data=data, source=source, transferred=counting.received, requests=counting.requests)


def check_metadata(data: bytes, filename: str, where: str) -> None:
    """METADATA's ``Name`` (PEP 503-normalised) and ``Version`` (compared as versions) must be
    the file name's: anything else is another project's metadata, or a mislabelled file."""
    wheel = WheelFilename.parse(filename)
    headers = email.parser.BytesParser().parsebytes(data, headersonly=True)
    name, version = headers.get("Name"), headers.get("Version")
    if name is None or normalize_name(str(name)) != normalize_name(wheel.name):
        raise RemoteMetadataError(f"{where}: METADATA has Name {name!r}, but the file name says {wheel.name!r}")
    try:
        same = version is not None and Version(str(version)) == Version(wheel.version)
    except InvalidVersion:
        same = False
    if not same:
        raise RemoteMetadataError(
            f"{where}: METADATA has Version {version!r}, but the file name says {wheel.version!r}"
        )


def _from_metadata_file(link: WheelLink, transport: Transport, limits: Limits) -> bytes:
    """The PEP 658 file, checked against every advertised hash this Python knows (an offer whose
    algorithms are all unknown is taken as an offer without a hash, as PEP 658 allows)."""
    url = str(link.metadata_url)
    with transport.get(url, headers={}) as response:
        if response.status != 200:
            raise RemoteMetadataError(f"{url}: the index offers this metadata file, but it answers {response.status}")
        data = _read_at_most(response, limits.metadata, url)
    for algorithm, expected in link.metadata_hashes:
        if algorithm in hashlib.algorithms_guaranteed and hashlib.new(algorithm, data).hexdigest() != expected:
            raise RemoteMetadataError(f"{url}: {algorithm} of the metadata file is not the index's {expected!r}")
    return data


def _from_wheel(link: WheelLink, transport: Transport, limits: Limits, progress: Progress | None) -> tuple[bytes, str]:
    """Range requests; the whole body when the server ignores ``Range``.

    A range read cannot hash the whole wheel. The bytes are trusted as the wheel's because they
    come from the wheel's URL, and CRC-32 checks the member; the cache key is the index's (or the
    lock's) sha256 of the wheel, which the installer still checks on the whole file."""
    with transport.get(link.url, headers=range_headers(f"-{limits.tail}")) as response:
        if response.status == 200:
            if not limits.whole_wheel:
                raise RemoteMetadataError(
                    f"{link.url}: the server ignores Range requests (HTTP 200, the whole wheel), "
                    "and whole-wheel downloads are off"
                )
            return _from_whole_body(response, link, limits, progress), "whole"
        tail = read_slice(response, link.url, start=None, length=limits.tail, total=None)
    return _from_tail(tail, link.url, transport, limits), "range"


def _from_tail(tail: Slice, url: str, transport: Transport, limits: Limits) -> bytes:
    directory = parse_end_record(tail.data, tail.start, url)
    if directory.size > limits.central_directory:
        raise RemoteMetadataError(
            f"{url}: central directory of {directory.size} bytes (limit {limits.central_directory})"
        )
    known = tail
    if directory.offset < tail.start:  # a central directory longer than the tail: fetch the rest
        missing = tail.start - directory.offset
        head = fetch_slice(transport, url, start=directory.offset, length=missing, total=tail.total)
        known = Slice(start=head.start, data=head.data + tail.data, total=tail.total)
    start = directory.offset - known.start
    members = parse_central_directory(known.data[start : start + directory.size], directory, url)
    name = find_metadata_member([member.name for member in members], url)
    member = next(member for member in members if member.name == name)
    if member.compressed_size > limits.metadata:
        size = member.compressed_size
        raise RemoteMetadataError(f"{url}: {name!r} is {size} bytes compressed (limit {limits.metadata})")
    return inflate_member(_member_data(member, directory, known, url, transport), member, limits.metadata, url)


def _member_data(member: Member, directory: CentralDirectory, known: Slice, url: str, transport: Transport) -> bytes:
    """The compressed bytes of *member*: from *known* when it holds them, else one or two requests."""
    room = directory.offset - member.header_offset  # a member's header and data end where the directory starts
    guess = LOCAL_HEADER_SIZE + len(member.name.encode()) + _LOCAL_SLACK + member.compressed_size
    header = _bytes_at(member.header_offset, min(guess, room), known, url, transport)
    offset = member_data_offset(header, member, url)
    end = offset + member.compressed_size
    if end > room:
        raise RemoteMetadataError(f"{url}: truncated zip archive ({member.name!r} runs into the central directory)")
    if end > len(header):
        header += _bytes_at(member.header_offset + len(header), end - len(header), known, url, transport)
    return header[offset:end]


def _bytes_at(start: int, length: int, known: Slice, url: str, transport: Transport) -> bytes:
    if length <= 0 or start < 0:
        raise RemoteMetadataError(f"{url}: truncated zip archive (a member lies outside the file)")
    if known.start <= start and start + length <= known.end:
        return known.data[start - known.start : start - known.start + length]
    return fetch_slice(transport, url, start=start, length=length, total=known.total).data


def _from_whole_body(response: Response, link: WheelLink, limits: Limits, progress: Progress | None) -> bytes:
    """The wheel streamed into a temporary file (at most ``limits.wheel`` bytes), checked against
    its sha256 when known, then its METADATA read with ``zipfile``."""
    url = link.url
    length = response.header("Content-Length")
    total = int(length) if length and length.strip().isdigit() else None
    if total is not None and total > limits.wheel:
        raise RemoteMetadataError(f"{url}: the wheel is {total} bytes (limit {limits.wheel}); not downloading it")
    digest = hashlib.sha256()
    with tempfile.TemporaryFile() as spool:
        received = 0
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > limits.wheel:
                raise RemoteMetadataError(f"{url}: the wheel is more than {limits.wheel} bytes; stopped reading it")
            spool.write(chunk)
            digest.update(chunk)
            if progress is not None:
                progress(received, total)
        if total is not None and received != total:
            raise RemoteMetadataError(f"{url}: the download ended after {received} of {total} bytes")
        if link.sha256 is not None and digest.hexdigest() != link.sha256.lower():
            raise RemoteMetadataError(f"{url}: sha256 of the wheel does not match the index's {link.sha256!r}")
        spool.seek(0)
        return _zip_metadata(spool, url, limits.metadata)


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


def _read_at_most(response: Response, limit: int, url: str) -> bytes:
    parts: list[bytes] = []
    received = 0
    for chunk in response.iter_bytes():
        received += len(chunk)
        if received > limit:
            raise RemoteMetadataError(f"{url}: more than {limit} bytes; refusing it")
        parts.append(chunk)
    return b"".join(parts)


class _CountingTransport:
    """Counts the GETs sent and the body bytes read through *inner*, for :class:`FetchedMetadata`."""

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
    def __init__(self, inner: Response, counter: _CountingTransport) -> None:
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
