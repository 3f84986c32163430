"""Each locked label's core metadata, without downloading its wheel (GPU wheels run to gigabytes).

The per-label dependency pass reads one wheel's ``METADATA`` per locked label. Through the core's
:mod:`wheel_variants.remotemeta`, over PDM's own session (its proxies, certificates and
credentials): the PEP 658/714 file when the index offers one, else HTTP range requests on the
wheel, else the whole wheel, streamed with a byte limit and a progress bar on a terminal. The
result is cached by the wheel's sha256 (the lock's hash), so a moved index, a mirror or a new port
never reads the same wheel's metadata twice. The labels of one lock are read
:data:`WORKERS` at a time. A wheel in a local find-links directory is read in place.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
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
#: Metadata reads at once (each mostly waits on the network).
WORKERS = 8
_REASON = "the index serves no metadata file and no byte ranges"


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
        return self.read_many([(link, sha256)])[0]

    def read_many(self, wheels: Sequence[tuple[Link, str | None]]) -> list[Message]:
        """:meth:`read` for each ``(link, sha256)`` of *wheels*, :data:`WORKERS` at a time: a cold
        lock waits on one round trip per label, which a remote index makes tens of milliseconds
        each. The first failure stops the batch (reads not started yet are dropped)."""
        from concurrent.futures import ThreadPoolExecutor

        if not wheels:
            return []
        with _Downloads(self._ui) as downloads:
            if len(wheels) == 1:
                return [self._read(*wheels[0], downloads)]
            pool = ThreadPoolExecutor(max_workers=min(WORKERS, len(wheels)), thread_name_prefix="wheel-variants")
            try:
                futures = [pool.submit(self._read, link, sha256, downloads) for link, sha256 in wheels]
                return [future.result() for future in futures]
            finally:
                pool.shutdown(cancel_futures=True)

    def _read(self, link: Link, sha256: str | None, downloads: _Downloads) -> Message:
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
        progress = downloads.progress(link.filename)
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


class _Downloads:
    """What the user sees of one batch's whole-wheel downloads (the index offers no metadata file
    and its server ignores byte ranges), for each of :data:`REPORTED_DOWNLOAD` or more (or of
    unknown size): on a terminal a bar per wheel, in one progress display for the batch (reads run
    in threads, and a terminal takes one live display at a time); elsewhere one line per wheel."""

    def __init__(self, ui: UI) -> None:
        self._ui = ui
        self._bar: Any = None
        self._lock = threading.Lock()

    def __enter__(self) -> _Downloads:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def progress(self, filename: str) -> Callable[[int, int | None], None]:
        """The core's download callback for the wheel *filename*."""
        task: list[Any] = []  # [] until the first call; then [None] (nothing shown) or [task id]

        def report(received: int, total: int | None) -> None:
            if not task:
                task.append(self._start(filename, total))
            if task[0] is not None:
                self._bar.update(task[0], completed=received, total=total)

        return report

    def _start(self, filename: str, total: int | None) -> Any:
        if total is not None and total < REPORTED_DOWNLOAD:
            return None
        size = f" ({total / 2**20:.0f} MiB)" if total else ""
        with self._lock:
            if not sys.stderr.isatty():
                self._ui.echo(f"wheel-variants: downloading {filename}{size} to read its metadata: {_REASON}", err=True)
                return None
            if self._bar is None:
                from rich.console import Console
                from rich.progress import BarColumn, DownloadColumn, TextColumn

                self._bar = self._ui.make_progress(
                    TextColumn("wheel-variants: {task.description}"),
                    BarColumn(),
                    DownloadColumn(),
                    console=Console(stderr=True),
                    transient=True,
                )
                self._bar.start()
            return self._bar.add_task(f"{filename} (metadata: {_REASON})", total=total)
