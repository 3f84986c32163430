"""Turn a finished plain wheel into a variant wheel, and read a variant wheel's ``variant.json``.

Labelling happens after tools such as ``auditwheel repair`` or ``delocate`` (they reject labelled
names): ``.dist-info/variant.json`` is added, ``RECORD`` is rewritten with a fresh sha256 and size
for every member, and the file is named ``{base}-{label}.whl``. The new wheel is written to a
temporary file beside its destination and renamed into place, so a failure leaves no partial file.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import shutil
import tempfile
import zipfile
import zlib
from pathlib import Path

from .errors import InvalidFilenameError, InvalidMetadataError
from .filename import WheelFilename
from .metadata import VariantsMetadata, dump_metadata, parse_metadata

__all__ = [
    "VARIANT_JSON",
    "find_dist_info",
    "load_variant_json",
    "make_variant_wheel",
    "read_variant_json",
    "record_hash",
]

VARIANT_JSON = "variant.json"
_CHUNK = 1024 * 1024
_SIGNATURES = ("RECORD.jws", "RECORD.p7s")


def record_hash(data: bytes) -> str:
    """The RECORD hash field of *data*: ``sha256=`` + urlsafe base64 without padding (PEP 376/427)."""
    return _record_field(hashlib.sha256(data).digest())


def _record_field(sha256_digest: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(sha256_digest).rstrip(b"=").decode("ascii")


def find_dist_info(names: list[str], wheel: WheelFilename, source: str) -> str:
    """The ``*.dist-info`` directory of a wheel's member *names* (the one holding ``WHEEL``)."""
    candidates = sorted({name.split("/", 1)[0] for name in names if name.count("/") == 1 and name.endswith("/WHEEL")})
    candidates = [c for c in candidates if c.endswith(".dist-info")]
    if len(candidates) == 1:
        return candidates[0]
    expected = f"{wheel.name}-{wheel.version}.dist-info".lower()
    matching = [c for c in candidates if c.lower() == expected]
    if len(matching) == 1:
        return matching[0]
    raise InvalidMetadataError(
        f"{source}: expected one '*.dist-info/WHEEL' in the archive, found {candidates or 'none'}"
    )


def make_variant_wheel(
    wheel: str | os.PathLike[str],
    metadata: VariantsMetadata,
    output_dir: str | os.PathLike[str],
) -> Path:
    """Write the variant wheel for *wheel* into *output_dir* and return its path.

    *metadata* must hold exactly one variant (``VariantsMetadata.only(label)``); its label goes
    into the filename. The input must be a non-variant wheel without signatures.
    """
    source = Path(wheel)
    if len(metadata.variants) != 1:
        raise InvalidMetadataError(f"a wheel's variant.json holds exactly one variant, got {list(metadata.labels)}")
    label = metadata.variants[0].label
    # Round-trip through our own reader: never write a document we would refuse.
    text = dump_metadata(metadata)
    parse_metadata(text, f"variant.json for {label!r}")

    parsed = WheelFilename.parse(source.name)
    if parsed.is_variant:
        raise InvalidFilenameError(
            f"{source.name!r} already carries the variant label {parsed.label!r}; label the plain wheel"
        )
    target_dir = Path(output_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / parsed.with_label(label).filename

    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target_dir)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            _rewrite(source, parsed, text.encode("utf-8"), stream)
        shutil.copymode(source, temporary)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _rewrite(source: Path, parsed: WheelFilename, variant_json: bytes, stream: io.BufferedWriter) -> None:
    try:
        zin = zipfile.ZipFile(source)
    except zipfile.BadZipFile as error:
        raise InvalidMetadataError(f"{source.name}: not a zip archive ({error})") from None
    with zin, zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        infos = zin.infolist()
        names = [info.filename for info in infos]
        dist_info = find_dist_info(names, parsed, source.name)
        record_name = f"{dist_info}/RECORD"
        member_name = f"{dist_info}/{VARIANT_JSON}"
        if record_name not in names:
            raise InvalidMetadataError(f"{source.name}: no {record_name!r} in the archive")
        signed = [name for name in names if name in {f"{dist_info}/{s}" for s in _SIGNATURES}]
        if signed:
            raise InvalidMetadataError(
                f"{source.name}: signed wheel ({signed[0]!r}); labelling would invalidate the signature"
            )
        if member_name in names:
            raise InvalidMetadataError(f"{source.name}: {member_name!r} already exists; is it a variant wheel?")

        rows: list[tuple[str, str, str]] = []
        for info in infos:
            if info.filename == record_name:
                continue
            if info.is_dir():
                zout.writestr(info, b"")
                continue
            rows.append(_copy_member(zin, zout, info))
        # variant.json goes last among the dist-info files, just before RECORD.
        variant_info = zipfile.ZipInfo(member_name, date_time=zin.getinfo(record_name).date_time)
        variant_info.external_attr = 0o644 << 16
        variant_info.compress_type = zipfile.ZIP_DEFLATED
        zout.writestr(variant_info, variant_json)
        rows.append((member_name, record_hash(variant_json), str(len(variant_json))))
        rows.append((record_name, "", ""))

        record_info = zin.getinfo(record_name)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerows(rows)
        zout.writestr(_clone_info(record_info), buffer.getvalue().encode("utf-8"))


def _copy_member(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, str, str]:
    digest = hashlib.sha256()
    size = 0
    with (
        zin.open(info) as reader,
        zout.open(_clone_info(info), "w", force_zip64=info.file_size > 2**31) as out,
    ):
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return info.filename, _record_field(digest.digest()), str(size)


def _clone_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    clone = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    clone.compress_type = info.compress_type
    clone.external_attr = info.external_attr
    clone.create_system = info.create_system
    return clone


def read_variant_json(wheel: str | os.PathLike[str]) -> VariantsMetadata | None:
    """The validated ``variant.json`` of a variant wheel, or None for a non-variant wheel.

    The document must hold exactly the variant the filename's label names.
    """
    path = Path(wheel)
    parsed = WheelFilename.parse(path.name)
    if not parsed.is_variant:
        return None
    member, metadata = load_variant_json(path, parsed)
    if metadata.labels != (parsed.label,):
        raise InvalidMetadataError(
            f"{path.name}:{member}: expected exactly the variant {parsed.label!r} named by the filename, "
            f"found {list(metadata.labels)}"
        )
    return metadata


def load_variant_json(path: Path, parsed: WheelFilename) -> tuple[str, VariantsMetadata]:
    """``(member name, validated document)`` of the wheel at *path* (named *parsed*), as it is:
    the caller compares its labels with the filename's. The member is read with the JSON size
    limit, so a huge or highly compressed entry is refused at the limit, not inflated whole."""
    from .boundedio import read_limited
    from .jsonload import MAX_JSON_BYTES

    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            member = f"{find_dist_info(names, parsed, path.name)}/{VARIANT_JSON}"
            if member not in names:
                raise InvalidMetadataError(f"{path.name}: variant wheel without {member!r}")
            with archive.open(member) as stream:
                data = read_limited(iter(lambda: stream.read(_CHUNK), b""), MAX_JSON_BYTES, f"{path.name}:{member}")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise InvalidMetadataError(f"{path.name}: not a zip archive ({error})") from None
    return member, parse_metadata(data, f"{path.name}:{member}")
