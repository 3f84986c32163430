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

import email.parser
import hashlib
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from ..boundedio import read_limited
from ..errors import InputLimitError, RemoteMetadataError
from ..filename import WheelFilename
from ..names import normalize_name
from .download import Progress, whole_wheel_metadata
from .link import WheelLink
from .ranges import Slice, fetch_slice, range_headers, read_slice
from .store import MetadataStore, store_key
from .transport import CountingTransport, Transport
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
    "cached_metadata",
    "check_metadata",
    "fetch_metadata",
]

#: Room for a local header's extra field beyond the central one's (zip64 sizes, timestamps).
_LOCAL_SLACK = 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """How much may be read: the first suffix range, a central directory, the METADATA member or
    file, and a whole wheel (``whole_wheel=False``: never download one; a server without range
    support is then an error). ``tail`` must reach the end record past the archive comment;
    wheels carry no comment, so 64 KiB also holds most central directories and the METADATA."""

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
    counting = CountingTransport(transport)
    where = link.metadata_url or link.url
    try:
        if link.metadata_url is not None:
            data, source = _from_metadata_file(link, counting, limits), "pep658"
        else:
            data, source = _from_wheel(link, counting, limits, progress)
    except OSError as error:  # the transport's contract: connection and read failures are OSError
        raise RemoteMetadataError(f"{where}: cannot read it ({error})") from None
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
        try:
            data = read_limited(response.iter_bytes(), limits.metadata, url)
        except InputLimitError as error:
            raise RemoteMetadataError(str(error)) from None
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
            data = whole_wheel_metadata(
                response,
                link.url,
                sha256=link.sha256,
                wheel_limit=limits.wheel,
                metadata_limit=limits.metadata,
                progress=progress,
            )
            return data, "whole"
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
