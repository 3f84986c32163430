"""Download one wheel a page lists and check it is what the page claims, before anything uses it.

Checks, each failing with one line naming the URL: the sha256 the page gives; a zip archive whose
``.dist-info`` holds ``METADATA`` with the file name's project name and version and ``WHEEL``
with its tags; no ``variant.json`` (a per-backend index serves plain wheels).
"""

from __future__ import annotations

import email.message
import email.parser
import os
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from packaging.tags import parse_tag
from packaging.version import InvalidVersion, Version

from ..boundedio import read_limited
from ..errors import VariantsError
from ..filename import WheelFilename
from ..names import normalize_name
from ..wheelfile import VARIANT_JSON, find_dist_info
from . import http
from .simpleindex import IndexFile

__all__ = ["check_wheel", "fetch_wheel"]

_METADATA_LIMIT = 4 * 1024 * 1024
_MODE = 0o644


def fetch_wheel(
    file: IndexFile,
    directory: Path,
    *,
    on_bytes: Callable[[int], None] | None = None,
    on_size: Callable[[int | None], None] | None = None,
) -> tuple[Path, str]:
    """Download *file* into *directory* under its own name; return the path and its sha256.

    The bytes go to a temporary file first, so a failed or refused download leaves nothing.
    """
    wheel = WheelFilename.parse(file.filename)
    target = directory / file.filename
    descriptor, temporary = tempfile.mkstemp(prefix=".download.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            digest = http.download(file.url, stream, on_bytes=on_bytes, on_size=on_size)
        if file.sha256 is not None and digest != file.sha256:
            raise VariantsError(f"{file.url}: sha256 {digest} does not match the page's {file.sha256}; refusing it")
        check_wheel(Path(temporary), wheel, file.url)
        Path(temporary).chmod(_MODE)  # mkstemp makes 0600; the folder is meant to be served
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target, digest


def check_wheel(path: Path, wheel: WheelFilename, where: str) -> None:
    """Refuse an archive whose metadata disagrees with its file name *wheel*."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            dist_info = find_dist_info(names, wheel, where)
            if f"{dist_info}/{VARIANT_JSON}" in names:
                raise VariantsError(
                    f"{where}: already a variant wheel ({dist_info}/{VARIANT_JSON}); expected a plain one"
                )
            metadata = _headers(archive, f"{dist_info}/METADATA", where)
            wheel_headers = _headers(archive, f"{dist_info}/WHEEL", where)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise VariantsError(f"{where}: not a zip archive ({error})") from None
    if normalize_name(metadata.get("Name", "")) != normalize_name(wheel.name):
        raise VariantsError(f"{where}: METADATA names {metadata.get('Name')!r}, the file name {wheel.name!r}")
    try:
        same_version = Version(metadata.get("Version", "")) == Version(wheel.version)
    except InvalidVersion:
        same_version = False
    if not same_version:
        raise VariantsError(
            f"{where}: METADATA has version {metadata.get('Version')!r}, the file name {wheel.version!r}"
        )
    declared = {tag for line in wheel_headers.get_all("Tag", []) for tag in parse_tag(line)}
    claimed = parse_tag(f"{wheel.python}-{wheel.abi}-{wheel.platform}")
    if not claimed <= declared:
        missing = sorted(str(tag) for tag in claimed - declared)
        raise VariantsError(f"{where}: WHEEL does not declare the file name's tag(s) {missing}")


def _headers(archive: zipfile.ZipFile, member: str, where: str) -> email.message.Message:
    try:
        with archive.open(member) as stream:
            data = read_limited(iter(lambda: stream.read(65536), b""), _METADATA_LIMIT, f"{where}:{member}")
    except KeyError:
        raise VariantsError(f"{where}: no {member!r} in the archive") from None
    return email.parser.BytesParser().parsebytes(data, headersonly=True)
