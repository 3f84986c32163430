"""A PEP 503 "simple" index served from a directory on 127.0.0.1, for tests that run real tools.

Layout on disk (any depth; every directory is served as a listing page)::

    <root>/<index path>/<project>/<files>      e.g. <root>/llama/cu124/llama-cpp-python/x.whl

A directory's page links its subdirectories (``name/``) and its files (``file#sha256=...``), so
``<url>/<index path>`` is a PEP 503 root and ``<url>/<index path>/<project>/`` a project page.
Pages are generated on each request: files added during a test show up at once.

Two hooks for bad-index tests: :attr:`IndexServer.fragments` replaces a file's ``#sha256=...``
on the pages (a wrong hash, another algorithm), and :attr:`IndexServer.streams` answers a path
with a generated body, counting the bytes the client took in :attr:`IndexServer.sent`.
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
import threading
from collections.abc import Callable, Iterable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["IndexServer", "normalize_name"]


def normalize_name(name: str) -> str:
    """PEP 503 project name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _project_of(filename: str) -> str:
    """The project a distribution file belongs to (wheel, sdist or ``*-variants.json``)."""
    return normalize_name(filename.split("-", 1)[0])


class _Handler(SimpleHTTPRequestHandler):
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
                links.append(f'<a href="{html.escape(entry.name)}#{fragment}">{html.escape(entry.name)}</a>')
        body = ("<!DOCTYPE html><html><body>\n" + "<br/>\n".join(links) + "\n</body></html>\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
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
        return super().send_head()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        self.server.requests.append(unquote(urlsplit(self.path).path))  # type: ignore[attr-defined]


class IndexServer:
    """A running index; :meth:`stop` (or the ``index_server`` fixture's teardown) shuts it down."""

    def __init__(self, root: Path) -> None:
        self.root = root
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
        self._thread = threading.Thread(target=self._server.serve_forever, name="index-server", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

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
