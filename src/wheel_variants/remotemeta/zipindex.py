"""Locate one member of a zip archive from its last bytes: end record, central directory, local header.

Pure: every function takes bytes (the tail of the archive, a slice of it) and the offsets they sit
at, so a caller can fetch exactly those slices over HTTP. Only what wheels use is supported: one
disk, members stored or deflated, no encryption. Zip64 end records and extra fields are read
(wheels over 4 GiB exist, and ``zipfile`` writes zip64 fields whenever an offset needs them).
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

from ..errors import RemoteMetadataError

__all__ = [
    "EOCD_SIZE",
    "LOCAL_HEADER_SIZE",
    "MAX_EOCD_SEARCH",
    "CentralDirectory",
    "Member",
    "find_metadata_member",
    "inflate_member",
    "member_data_offset",
    "parse_central_directory",
    "parse_end_record",
]

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
EOCD_SIZE = 22
_ZIP64_LOCATOR_SIZE = 20
_ZIP64_EOCD_SIZE = 56
_CENTRAL_SIZE = 46
LOCAL_HEADER_SIZE = 30
#: The end record plus the longest comment it may carry: where its signature can be.
MAX_EOCD_SEARCH = EOCD_SIZE + 0xFFFF
_STORED, _DEFLATED = 0, 8
_METADATA = re.compile(r"[^/]+\.dist-info/METADATA")


@dataclass(frozen=True, slots=True, kw_only=True)
class CentralDirectory:
    """Where the central directory is (absolute offset in the archive), its size and entry count."""

    offset: int
    size: int
    entries: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """One central directory entry: enough to fetch and inflate the member's data."""

    name: str
    method: int
    flags: int
    crc32: int
    compressed_size: int
    size: int
    header_offset: int


def parse_end_record(tail: bytes, tail_offset: int, where: str) -> CentralDirectory:
    """The central directory's place, from the archive's last bytes *tail* (starting at absolute
    offset *tail_offset*); reads the zip64 end record when the classic one points to it."""
    position = _find_end_record(tail)
    if position < 0:
        raise RemoteMetadataError(f"{where}: not a zip archive (no end of central directory record)")
    (disk, cd_disk, on_disk, entries, size, offset, _comment) = struct.unpack_from("<4xHHHHIIH", tail, position)
    if disk != cd_disk or on_disk != entries:
        raise RemoteMetadataError(f"{where}: multi-disk zip archives are not supported")
    locator = position - _ZIP64_LOCATOR_SIZE
    if locator >= 0 and tail[locator : locator + 4] == _ZIP64_LOCATOR:
        (record_at,) = struct.unpack_from("<8xQ", tail, locator)
        start = record_at - tail_offset
        if start < 0 or start + _ZIP64_EOCD_SIZE > locator or tail[start : start + 4] != _ZIP64_EOCD:
            raise RemoteMetadataError(f"{where}: truncated zip archive (bad zip64 end of central directory)")
        entries, size, offset = struct.unpack_from("<32xQQQ", tail, start)
    if offset + size > tail_offset + position:
        raise RemoteMetadataError(f"{where}: truncated zip archive (central directory past the end record)")
    return CentralDirectory(offset=offset, size=size, entries=entries)


def _find_end_record(tail: bytes) -> int:
    """The last ``PK\\x05\\x06`` whose comment length reaches exactly the end of *tail*.

    Checking the comment length skips the signature's bytes appearing inside a comment."""
    position = len(tail) - EOCD_SIZE
    lowest = max(0, len(tail) - MAX_EOCD_SEARCH)
    while position >= lowest:
        position = tail.rfind(_EOCD, lowest, position + 4)
        if position < 0:
            return -1
        (comment,) = struct.unpack_from("<H", tail, position + 20)
        if position + EOCD_SIZE + comment == len(tail):
            return position
        position -= 1
    return -1


def parse_central_directory(data: bytes, directory: CentralDirectory, where: str) -> list[Member]:
    """The entries of the central directory *data* (exactly ``directory.size`` bytes)."""
    members: list[Member] = []
    position = 0
    for _ in range(directory.entries):
        if data[position : position + 4] != _CENTRAL or position + _CENTRAL_SIZE > len(data):
            raise RemoteMetadataError(f"{where}: truncated zip archive (bad central directory entry)")
        (flags, method, crc, csize, usize, name_len, extra_len, comment_len, disk, offset) = struct.unpack_from(
            "<8xHH4xIIIHHHH6xI", data, position
        )
        name_start = position + _CENTRAL_SIZE
        extra_start = name_start + name_len
        end = extra_start + extra_len + comment_len
        if end > len(data):
            raise RemoteMetadataError(f"{where}: truncated zip archive (central directory entry past its end)")
        raw_name = data[name_start:extra_start]
        # Bit 11: the name is UTF-8; otherwise CP437, as zipfile reads it.
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437")
        usize, csize, offset = _zip64_values(data[extra_start : extra_start + extra_len], usize, csize, offset, where)
        members.append(
            Member(
                name=name,
                method=method,
                flags=flags,
                crc32=crc,
                compressed_size=csize,
                size=usize,
                header_offset=offset,
            )
        )
        del disk  # one disk only (checked on the end record)
        position = end
    return members


def _zip64_values(extra: bytes, usize: int, csize: int, offset: int, where: str) -> tuple[int, int, int]:
    """Replace the 0xFFFFFFFF fields with the zip64 extra field's values, in the spec's order."""
    position = 0
    while position + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, position)
        body = extra[position + 4 : position + 4 + length]
        if kind == 0x0001:
            values = list(struct.unpack_from(f"<{len(body) // 8}Q", body))
            fields = []
            for value in (usize, csize, offset):
                if value == 0xFFFFFFFF:
                    if not values:
                        raise RemoteMetadataError(f"{where}: truncated zip archive (short zip64 extra field)")
                    value = values.pop(0)
                fields.append(value)
            return fields[0], fields[1], fields[2]
        position += 4 + length
    return usize, csize, offset


def find_metadata_member(names: list[str], where: str) -> str:
    """The one ``<name>-<version>.dist-info/METADATA`` among *names*."""
    found = [name for name in names if _METADATA.fullmatch(name)]
    if len(found) != 1:
        raise RemoteMetadataError(f"{where}: expected one .dist-info/METADATA in the wheel, found {len(found)}")
    return found[0]


def member_data_offset(header: bytes, member: Member, where: str) -> int:
    """Offset of *member*'s data relative to its local header, from the header's first bytes.

    The local header's extra field may differ from the central one, so its length is read here."""
    if len(header) < LOCAL_HEADER_SIZE or header[:4] != _LOCAL:
        raise RemoteMetadataError(f"{where}: truncated zip archive (bad local header of {member.name!r})")
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    return LOCAL_HEADER_SIZE + int(name_len) + int(extra_len)


def inflate_member(data: bytes, member: Member, limit: int, where: str) -> bytes:
    """*member*'s contents from its compressed *data*: stored or deflated, at most *limit* bytes,
    checked against the central directory's size and CRC-32."""
    if member.flags & 0x1:
        raise RemoteMetadataError(f"{where}: {member.name!r} is encrypted")
    if member.size > limit:
        raise RemoteMetadataError(f"{where}: {member.name!r} is {member.size} bytes (limit {limit})")
    if member.method == _STORED:
        contents = data
    elif member.method == _DEFLATED:
        inflater = zlib.decompressobj(-15)
        try:
            contents = inflater.decompress(data, limit + 1)
        except zlib.error as error:
            raise RemoteMetadataError(f"{where}: {member.name!r} does not inflate ({error})") from None
    else:
        raise RemoteMetadataError(f"{where}: {member.name!r} uses compression method {member.method} (not supported)")
    if len(contents) != member.size or zlib.crc32(contents) != member.crc32:
        raise RemoteMetadataError(f"{where}: {member.name!r} does not match its size and CRC-32 in the zip")
    return contents
