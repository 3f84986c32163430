"""The static index files of a converted folder: ``index.html`` pages with ``#sha256=`` links.

``OUTDIR/<project>/index.html`` is the PEP 503 project page (every wheel and ``*-variants.json``
of the folder); ``OUTDIR/index.html`` is the root page linking each project. A file is rewritten
only when its text changes, so a no-op run leaves every byte and time stamp alone.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from ..fileio import atomic_write_text

__all__ = ["project_page", "root_page", "write_if_changed"]


def _page(title: str, links: list[tuple[str, str]]) -> str:
    body = "".join(f'    <a href="{html.escape(href)}">{html.escape(text)}</a><br/>\n' for href, text in links)
    return (
        "<!DOCTYPE html>\n<html>\n  <head>\n"
        '    <meta name="pypi:repository-version" content="1.0">\n'
        f"    <title>{html.escape(title)}</title>\n  </head>\n  <body>\n{body}  </body>\n</html>\n"
    )


def project_page(name: str, directory: Path, sha256_of: Callable[[Path], str]) -> str:
    """The project page of *directory*: its wheels and index JSON files, sorted by name."""
    files = sorted(
        path
        for path in directory.iterdir()
        if path.is_file() and not path.name.startswith(".") and path.name.endswith((".whl", "-variants.json"))
    )
    return _page(f"Links for {name}", [(f"{quote(p.name)}#sha256={sha256_of(p)}", p.name) for p in files])


def root_page(root: Path) -> str:
    """The root page: one link per project folder that has its own page."""
    projects = sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "index.html").is_file())
    return _page("Simple index", [(f"{quote(name)}/", name) for name in projects])


def write_if_changed(path: Path, text: str) -> bool:
    """Write *text* atomically unless *path* already holds it; True when written."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    atomic_write_text(path, text)
    path.chmod(0o644)  # the temporary file was 0600; a served folder must be readable
    return True
