"""Each locked label's core metadata, without downloading its wheel (GPU wheels run to gigabytes).

The per-label dependency pass reads one wheel's ``METADATA`` per locked label. Through the core's
:mod:`wheel_variants.remotemeta`, over PDM's own session (its proxies, certificates and
credentials): the PEP 658/714 file when the index offers one, else HTTP range requests on the
wheel, else the whole wheel, streamed with a byte limit and a progress bar on a terminal. The
result is cached by the wheel's sha256 (the lock's hash), so a moved index, a mirror or a new port
never reads the same wheel's metadata twice. A wheel in a local find-links directory is read in
place.
"""

from __future__ import annotations

import sys
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdm.termui import UI
    from unearth import Link

__all__ = ["LabelMetadata"]

#: Below PDM's cache directory.
CACHE_DIR = "variant-metadata"
#: Smaller whole-wheel downloads pass without a word (a test wheel, a pure-Python build).
REPORTED_DOWNLOAD = 16 * 2**20


class LabelMetadata:
    """Reads wheels' core metadata for one command (one transport, one cache)."""

    def __init__(self, session: Any, cache_dir: Path, ui: UI) -> None:
        from wheel_variants.remotemeta.store import MetadataStore

        from .._pdm.http import SessionTransport

        self._transport = SessionTransport(session)
        self._store = MetadataStore(cache_dir)
        self._ui = ui

    def read(self, link: Link, sha256: str | None) -> Message:
        """The ``METADATA`` of the wheel at *link*, whose sha256 (the lock's) is *sha256*."""
        import email.parser

        if link.is_file:
            return email.parser.BytesParser().parsebytes(_local_metadata(Path(link.file_path), link.redacted))
        from wheel_variants.remotemeta.fetch import cached_metadata
        from wheel_variants.remotemeta.link import WheelLink

        wheel = WheelLink.from_index(
            link.url_without_fragment,
            filename=link.filename,
            hashes={"sha256": sha256} if sha256 else None,
            core_metadata=link.dist_info_metadata,
        )
        with _DownloadProgress(self._ui, link.filename) as progress:
            fetched = cached_metadata(wheel, transport=self._transport, store=self._store, progress=progress)
        return email.parser.BytesParser().parsebytes(fetched.data)


def _local_metadata(path: Path, where: str) -> bytes:
    """METADATA of a wheel file on disk (a find-links directory), read in place."""
    import zipfile

    from wheel_variants.errors import RemoteMetadataError
    from wheel_variants.remotemeta.fetch import check_metadata
    from wheel_variants.remotemeta.zipindex import find_metadata_member

    try:
        with zipfile.ZipFile(path) as wheel:
            data = wheel.read(find_metadata_member(wheel.namelist(), where))
    except (OSError, zipfile.BadZipFile) as error:
        raise RemoteMetadataError(f"{where}: not a readable wheel ({error})") from None
    check_metadata(data, path.name, where)
    return data


class _DownloadProgress:
    """The core's download callback: a bar on a terminal, else one line, when a whole wheel of
    :data:`REPORTED_DOWNLOAD` or more (or of unknown size) must be downloaded (the index offers no
    metadata file and its server ignores byte ranges)."""

    def __init__(self, ui: UI, filename: str) -> None:
        self._ui = ui
        self._filename = filename
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _DownloadProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __call__(self, received: int, total: int | None) -> None:
        if self._bar is None and self._task is None:
            self._start(total)
        if self._bar is not None:
            self._bar.update(self._task, completed=received, total=total)

    def _start(self, total: int | None) -> None:
        self._task = False  # started, with or without a bar
        if total is not None and total < REPORTED_DOWNLOAD:
            return
        size = f" ({total / 2**20:.0f} MiB)" if total else ""
        reason = "the index serves no metadata file and no byte ranges"
        if not sys.stderr.isatty():
            self._ui.echo(
                f"wheel-variants: downloading {self._filename}{size} to read its metadata: {reason}", err=True
            )
            return
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, TextColumn

        self._bar = self._ui.make_progress(
            TextColumn(f"wheel-variants: {self._filename} (metadata: {reason})"),
            BarColumn(),
            DownloadColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task("download", total=total)
