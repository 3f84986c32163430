"""Zip parsing from bytes alone: the end record (zip64 too), the central directory, one member."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from wheel_variants.errors import RemoteMetadataError
from wheel_variants.remotemeta.zipindex import (
    CentralDirectory,
    Member,
    find_metadata_member,
    inflate_member,
    member_data_offset,
    parse_central_directory,
    parse_end_record,
)

METADATA = b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n" + b"Requires-Dist: numpy\n" * 50


def _archive(*, comment: bytes = b"", force_zip64: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.comment = comment
        for name, data, method in [
            ("demo/__init__.py", b"x = 1\n" * 100, zipfile.ZIP_DEFLATED),
            ("demo/data.bin", bytes(range(256)) * 40, zipfile.ZIP_STORED),
            ("demo-1.0.dist-info/METADATA", METADATA, zipfile.ZIP_DEFLATED),
            ("demo-1.0.dist-info/WHEEL", b"Wheel-Version: 1.0\n", zipfile.ZIP_STORED),
        ]:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = method
            with archive.open(info, "w", force_zip64=force_zip64) as stream:
                stream.write(data)
    return buffer.getvalue()


def _read(archive: bytes, name: str, tail_size: int | None = None) -> tuple[bytes, CentralDirectory]:
    """*name*'s contents, going only through the parser (the way ranges would fetch them)."""
    tail_offset = 0 if tail_size is None else len(archive) - tail_size
    directory = parse_end_record(archive[tail_offset:], tail_offset, "x.whl")
    data = archive[directory.offset : directory.offset + directory.size]
    members = {member.name: member for member in parse_central_directory(data, directory, "x.whl")}
    member = members[name]
    start = member.header_offset + member_data_offset(archive[member.header_offset :], member, "x.whl")
    return inflate_member(archive[start : start + member.compressed_size], member, 1 << 20, "x.whl"), directory


@pytest.mark.parametrize("name", ["demo-1.0.dist-info/METADATA", "demo/data.bin", "demo/__init__.py"])
def test_reads_stored_and_deflated_members(name: str) -> None:
    archive = _archive()
    contents, directory = _read(archive, name, tail_size=300)
    assert contents == zipfile.ZipFile(io.BytesIO(archive)).read(name)
    assert directory.entries == 4


def test_reads_a_zip64_archive(monkeypatch: pytest.MonkeyPatch) -> None:
    # zipfile writes the zip64 end record and zip64 central fields only past its limits; lowering
    # them makes a small archive that uses every zip64 structure (force_zip64 does the local headers).
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 16)
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)
    archive = _archive(force_zip64=True)
    monkeypatch.undo()
    assert b"PK\x06\x06" in archive and b"PK\x06\x07" in archive  # zip64 end record and its locator
    # What an archive past 4 GiB holds in the classic record: placeholders only.
    patched = bytearray(archive)
    struct.pack_into("<HHII", patched, archive.rindex(b"PK\x05\x06") + 8, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
    archive = bytes(patched)
    assert zipfile.ZipFile(io.BytesIO(archive)).read("demo-1.0.dist-info/METADATA") == METADATA
    directory = parse_end_record(archive, 0, "x.whl")
    entries = archive[directory.offset : directory.offset + directory.size]
    assert entries.count(b"\xff\xff\xff\xff") >= 8  # sizes and offsets deferred to zip64 extra fields
    contents, directory = _read(archive, "demo-1.0.dist-info/METADATA")
    assert contents == METADATA
    assert directory.entries == 4
    assert zipfile.ZipFile(io.BytesIO(archive)).read("demo/data.bin") == _read(archive, "demo/data.bin")[0]


def test_an_end_record_signature_inside_the_comment_is_skipped() -> None:
    archive = _archive(comment=b"PK\x05\x06 looks like an end record" + bytes(30))
    assert _read(archive, "demo-1.0.dist-info/METADATA")[0] == METADATA


def test_not_a_zip_and_a_cut_archive_are_one_line() -> None:
    with pytest.raises(
        RemoteMetadataError, match=r"^x\.whl: not a zip archive \(no end of central directory record\)$"
    ):
        parse_end_record(b"<html>not found</html>", 0, "x.whl")
    archive = _archive()
    with pytest.raises(RemoteMetadataError, match="not a zip archive"):
        parse_end_record(archive[:-5], 0, "x.whl")
    directory = parse_end_record(archive, 0, "x.whl")
    cut = archive[directory.offset : directory.offset + directory.size - 10]
    with pytest.raises(RemoteMetadataError, match="truncated zip archive"):
        parse_central_directory(cut, directory, "x.whl")


def test_a_central_directory_past_the_end_record_is_truncation() -> None:
    archive = bytearray(_archive())
    position = archive.rindex(b"PK\x05\x06")
    struct.pack_into("<I", archive, position + 16, len(archive))  # central directory offset: past the end
    with pytest.raises(RemoteMetadataError, match=r"central directory past the end record"):
        parse_end_record(bytes(archive), 0, "x.whl")


def test_exactly_one_metadata_member() -> None:
    assert find_metadata_member(["a/b.py", "a-1.dist-info/METADATA"], "x.whl") == "a-1.dist-info/METADATA"
    for names in (["a/b.py"], ["a-1.dist-info/METADATA", "b-1.dist-info/METADATA"], ["x/a-1.dist-info/METADATA"]):
        with pytest.raises(RemoteMetadataError, match=r"x\.whl: expected one \.dist-info/METADATA"):
            find_metadata_member(names, "x.whl")


def _member(**changes: int) -> Member:
    fields = {"method": 0, "flags": 0, "crc32": zipfile.crc32(b"abc"), "compressed_size": 3, "size": 3}
    fields.update(changes)
    return Member(name="m", header_offset=0, **fields)


def test_inflate_checks_size_crc_method_and_encryption() -> None:
    assert inflate_member(b"abc", _member(), 10, "x.whl") == b"abc"
    with pytest.raises(RemoteMetadataError, match=r"'m' does not match its size and CRC-32"):
        inflate_member(b"abd", _member(), 10, "x.whl")
    with pytest.raises(RemoteMetadataError, match=r"'m' is 3 bytes \(limit 2\)"):
        inflate_member(b"abc", _member(), 2, "x.whl")
    with pytest.raises(RemoteMetadataError, match="compression method 12"):
        inflate_member(b"abc", _member(method=12), 10, "x.whl")
    with pytest.raises(RemoteMetadataError, match="'m' is encrypted"):
        inflate_member(b"abc", _member(flags=1), 10, "x.whl")
    with pytest.raises(RemoteMetadataError, match="does not inflate"):
        inflate_member(b"\xff\xff\xff", _member(method=8), 10, "x.whl")


def test_a_deflate_bomb_stops_at_the_limit() -> None:
    compressor = zipfile.zlib.compressobj(9, zipfile.zlib.DEFLATED, -15)  # type: ignore[attr-defined]
    bomb = compressor.compress(bytes(10_000_000)) + compressor.flush()
    # The central directory may lie about the size: inflation still stops at limit + 1 bytes.
    with pytest.raises(RemoteMetadataError, match="does not match its size"):
        inflate_member(bomb, _member(method=8, compressed_size=len(bomb), size=100), 1000, "x.whl")


def test_a_bad_local_header_is_one_line() -> None:
    with pytest.raises(RemoteMetadataError, match=r"bad local header of 'm'"):
        member_data_offset(b"PK\x01\x02" + bytes(40), _member(), "x.whl")
