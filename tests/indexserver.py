"""A PEP 503 "simple" index served from a directory on 127.0.0.1, for tests that run real tools.

Layout on disk (any depth; every directory is served as a listing page)::

    <root>/<index path>/<project>/<files>      e.g. <root>/llama/cu124/llama-cpp-python/x.whl

A directory's page links its subdirectories (``name/``) and its files (``file#sha256=...``), so
``<url>/<index path>`` is a PEP 503 root and ``<url>/<index path>/<project>/`` a project page.
Pages are generated on each request: files added during a test show up at once.

Two hooks for bad-index tests: :attr:`IndexServer.fragments` replaces a file's ``#sha256=...``
on the pages (a wrong hash, another algorithm), and :attr:`IndexServer.streams` answers a path
with a generated body, counting the bytes the client took in :attr:`IndexServer.sent`.

Options for metadata tests (issue 20), all off by default so other tests see a plain server:

* ``ranges=True``: single byte ranges (``bytes=A-B``, ``bytes=A-``, ``bytes=-N``) are answered
  ``206`` with ``Content-Range``; :attr:`IndexServer.range_mode` makes it misbehave
  (``"ignore"``: ``200`` and the whole body; ``"wrong-content-range"``: the right bytes under a
  ``Content-Range`` one byte off);
* ``metadata_files=True``: PEP 658/714 files: each wheel's link carries
  ``data-core-metadata="sha256=..."`` (and the older ``data-dist-info-metadata``), and
  ``<wheel>.metadata`` is served from the wheel (:attr:`IndexServer.core_metadata` overrides the
  attribute's value per file name);
* every answer is counted: :attr:`IndexServer.bytes_sent` (body bytes per path),
  :attr:`IndexServer.request_counts` (GETs per path) and :attr:`IndexServer.range_requests`
  (``(path, Range header)`` of each request that had one).
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import shutil
import threading
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

__all__ = ["RANGE_MODES", "IndexServer", "normalize_name", "wheel_metadata"]


def normalize_name(name: str) -> str:
    """PEP 503 project name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _project_of(filename: str) -> str:
    """The project a distribution file belongs to (wheel, sdist or ``*-variants.json``)."""
    return normalize_name(filename.split("-", 1)[0])


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
RANGE_MODES = ("ok", "ignore", "wrong-content-range")


def wheel_metadata(wheel: Path) -> bytes:
    """The ``*.dist-info/METADATA`` of *wheel* (what its PEP 658 file holds)."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)]
        return archive.read(name)


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """``(first, last)`` of a single-range header; None when it is not one (then it is ignored)."""
    match = _RANGE.fullmatch(header.strip())
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:  # a suffix: the last N bytes
        return max(0, size - int(last)), size - 1
    return int(first), min(int(last), size - 1) if last else size - 1


class _Handler(SimpleHTTPRequestHandler):
    @property
    def _index(self) -> IndexServer:
        return self.server.index  # type: ignore[attr-defined, no-any-return]

    @property
    def _url_path(self) -> str:
        return unquote(urlsplit(self.path).path)

    def _link_attributes(self, entry: Path) -> str:
        if not (self._index.metadata_files and entry.name.endswith(".whl")):
            return ""
        value = self._index.core_metadata.get(entry.name)
        if value is None:
            value = f"sha256={hashlib.sha256(wheel_metadata(entry)).hexdigest()}"
        quoted = html.escape(value)
        return f' data-core-metadata="{quoted}" data-dist-info-metadata="{quoted}"'

    def list_directory(self, path: str | Path) -> None:  # type: ignore[override]
        directory = Path(path)
        links = []
        for entry in sorted(directory.iterdir()):
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                links.append(f'<a href="{html.escape(entry.name)}/">{html.escape(entry.name)}</a>')
            else:
                fragment = self.server.fragments.get(entry.name)  # type: ignore[attr-defined]
                if fragment is None:
                    fragment = f"sha256={hashlib.sha256(entry.read_bytes()).hexdigest()}"
                name = html.escape(entry.name)
                links.append(f'<a href="{name}#{fragment}"{self._link_attributes(entry)}>{name}</a>')
        body = ("<!DOCTYPE html><html><body>\n" + "<br/>\n".join(links) + "\n</body></html>\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.copyfile(io.BytesIO(body), self.wfile)

    def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
        # Counts what each path's answers carried (the body, not headers) for byte budgets. A chunk
        # is counted before it is written: a client that has read it may look at the counts at once.
        path = self._url_path
        try:
            while chunk := source.read(64 * 1024):
                self._index._count_bytes(path, len(chunk))
                outputfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading

    def do_GET(self) -> None:
        path = self._url_path
        self._index._count_request(path, self.headers.get("Range"))
        body = self.server.streams.get(path)  # type: ignore[attr-defined]
        if body is None:
            super().do_GET()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()  # no Content-Length: the body ends when the connection closes
        sent: dict[str, int] = self.server.sent  # type: ignore[attr-defined]
        sent[path] = 0
        try:
            for chunk in body():
                self.wfile.write(chunk)
                sent[path] += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what a bounded reader does
        self.close_connection = True

    def send_head(self):  # type: ignore[no-untyped-def]
        # Directory URLs without a trailing slash are served directly (no redirect): PDM and pip
        # request both spellings.
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            self.list_directory(path)
            return None
        if self._index.metadata_files and path.name.endswith(".whl.metadata") and not path.exists():
            wheel = path.with_name(path.name[: -len(".metadata")])
            if wheel.is_file():
                return self._send_bytes(wheel_metadata(wheel), "application/octet-stream")
        header = self.headers.get("Range")
        if header and self._index.ranges and self._index.range_mode != "ignore" and path.is_file():
            return self._send_range(path, header)
        return super().send_head()

    def _send_bytes(self, data: bytes, kind: str) -> BinaryIO:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)

    def _send_range(self, path: Path, header: str):  # type: ignore[no-untyped-def]
        size = path.stat().st_size
        span = _byte_range(header, size)
        if span is None:
            return super().send_head()  # not a single range: ignored, as RFC 9110 allows
        first, last = span
        if first >= size or first > last:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        with path.open("rb") as stream:
            stream.seek(first)
            data = stream.read(last - first + 1)
        shown = first + 1 if self._index.range_mode == "wrong-content-range" else first
        self.send_response(206)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Range", f"bytes {shown}-{last}/{size}")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        if self._index.ranges and self._index.range_mode != "ignore":
            self.send_header("Accept-Ranges", "bytes")  # uv asks a HEAD for it before any Range request
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        self.server.requests.append(unquote(urlsplit(self.path).path))  # type: ignore[attr-defined]


class IndexServer:
    """A running index; :meth:`stop` (or the ``index_server`` fixture's teardown) shuts it down."""

    def __init__(self, root: Path, *, ranges: bool = False, metadata_files: bool = False) -> None:
        self.root = root
        #: Answer single ``Range`` requests with ``206`` (see :attr:`range_mode`).
        self.ranges = ranges
        #: ``"ok"``, ``"ignore"`` (``200``, the whole body) or ``"wrong-content-range"``.
        self.range_mode = "ok"
        #: Offer and serve PEP 658 ``<wheel>.metadata`` files.
        self.metadata_files = metadata_files
        #: ``{wheel filename: data-core-metadata value}`` instead of ``sha256=<METADATA's digest>``.
        self.core_metadata: dict[str, str] = {}
        #: ``{url path: body bytes sent}`` for every answer (pages, files, ranges, metadata files).
        self.bytes_sent: Counter[str] = Counter()
        #: ``{url path: GET requests}``.
        self.request_counts: Counter[str] = Counter()
        #: ``(url path, Range header)`` of each GET that sent one.
        self.range_requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        root.mkdir(parents=True, exist_ok=True)

        def handler(*args: object, **kwargs: object) -> _Handler:
            return _Handler(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._server.requests = []  # type: ignore[attr-defined]
        #: ``{filename: fragment}`` shown on the pages instead of ``sha256=<the file's digest>``.
        self.fragments: dict[str, str] = {}
        #: ``{url path: body chunks}`` served instead of the file at that path.
        self.streams: dict[str, Callable[[], Iterable[bytes]]] = {}
        #: ``{url path: bytes written}`` for :attr:`streams` (what the client read, give or take
        #: the socket buffers).
        self.sent: dict[str, int] = {}
        self._server.fragments = self.fragments  # type: ignore[attr-defined]
        self._server.streams = self.streams  # type: ignore[attr-defined]
        self._server.sent = self.sent  # type: ignore[attr-defined]
        self._server.index = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, name="index-server", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def _count_request(self, path: str, range_header: str | None) -> None:
        with self._lock:
            self.request_counts[path] += 1
            if range_header is not None:
                self.range_requests.append((path, range_header))

    def _count_bytes(self, path: str, size: int) -> None:
        with self._lock:
            self.bytes_sent[path] += size

    def reset_counts(self) -> None:
        """Forget the counted bytes and requests (between a cold and a warm run)."""
        with self._lock:
            self.bytes_sent.clear()
            self.request_counts.clear()
            self.range_requests.clear()

    def total_bytes(self, suffix: str = "") -> int:
        """Body bytes sent for paths ending in *suffix* (``".whl"``: wheel bodies and ranges)."""
        with self._lock:
            return sum(size for path, size in self.bytes_sent.items() if path.endswith(suffix))

    @property
    def requests(self) -> list[str]:
        """Paths requested so far (to assert which index a tool asked)."""
        return list(self._server.requests)  # type: ignore[attr-defined]

    def index_url(self, index: str) -> str:
        """URL of the PEP 503 root at *index* (a path such as ``"simple"`` or ``"llama/cu124"``)."""
        return f"{self.url}/{index.strip('/')}"

    def project_dir(self, index: str, project: str) -> Path:
        directory = self.root / index.strip("/") / normalize_name(project)
        directory.mkdir(parents=True, exist_ok=True)
        return directory

    def add(self, index: str, *files: Path) -> list[Path]:
        """Copy distribution files into their project directories of *index*."""
        placed = []
        for file in files:
            target = self.project_dir(index, _project_of(file.name)) / file.name
            shutil.copyfile(file, target)
            placed.append(target)
        return placed

    def url_path(self, file: Path) -> str:
        """The URL path of *file*, one of the served files (a key of :attr:`streams`)."""
        return "/" + file.relative_to(self.root).as_posix()

    def write_variants_json(self, index: str, name: str, version: str, text: str) -> Path:
        """Write ``{name}-{version}-variants.json`` (normalised as in wheel names) next to the wheels."""
        normalized = re.sub(r"[-_.]+", "_", name).lower()
        path = self.project_dir(index, name) / f"{normalized}-{version}-variants.json"
        path.write_text(text, encoding="utf-8")
        return path

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
