"""A project's files on a PEP 503 (HTML) or PEP 691 (JSON) "simple" page, as data.

Parsing is pure: the caller fetches the page (``convert.http``) and passes the bytes, the
content type and the URL the page was finally served from (relative links resolve against it).
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from ..errors import VariantsError
from ..jsonload import load_json
from ..names import normalize_name

__all__ = ["ACCEPT", "IndexFile", "parse_project_page", "project_page_url"]

# PEP 691 content negotiation: JSON preferred, HTML accepted (most per-backend indexes are static HTML).
ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
_JSON_TYPE = "application/vnd.pypi.simple.v1+json"


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexFile:
    """One link of a project page: the file name it claims, where it lives, its sha256 if given."""

    filename: str
    url: str
    sha256: str | None = None
    yanked: bool = False


def project_page_url(index_url: str, name: str) -> str:
    """``{index}/{normalised name}/`` (PEP 503)."""
    return f"{index_url.rstrip('/')}/{normalize_name(name)}/"


def parse_project_page(data: bytes, content_type: str, page_url: str) -> tuple[IndexFile, ...]:
    """The files a project page lists, in page order; *page_url* names the page in errors."""
    if content_type.split(";", 1)[0].strip().lower() == _JSON_TYPE:
        return _parse_json(data, page_url)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise VariantsError(f"{page_url}: the page is not UTF-8 ({error.reason})") from None
    parser = _LinkParser()
    parser.feed(text)
    parser.close()
    return tuple(_file(href, page_url, yanked) for href, yanked in parser.links)


def _file(href: str, page_url: str, yanked: bool, sha256: str | None = None) -> IndexFile:
    url = urljoin(page_url, href)
    parts = urlsplit(url)
    filename = unquote(parts.path.rsplit("/", 1)[-1])
    if sha256 is None and parts.fragment.startswith("sha256="):
        sha256 = parts.fragment[len("sha256=") :].lower()
    return IndexFile(filename=filename, url=parts._replace(fragment="").geturl(), sha256=sha256, yanked=yanked)


def _parse_json(data: bytes, page_url: str) -> tuple[IndexFile, ...]:
    document = load_json(data, page_url)
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, list):
        raise VariantsError(f"{page_url}: a PEP 691 page needs a 'files' list")
    result = []
    for position, entry in enumerate(files):
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise VariantsError(f"{page_url}: files[{position}] has no 'url' string")
        hashes = entry.get("hashes")
        sha256 = hashes.get("sha256") if isinstance(hashes, dict) else None
        file = _file(
            entry["url"], page_url, bool(entry.get("yanked", False)), sha256 if isinstance(sha256, str) else None
        )
        if isinstance(entry.get("filename"), str) and entry["filename"] != file.filename:
            raise VariantsError(
                f"{page_url}: files[{position}] is named {entry['filename']!r} but its URL names {file.filename!r}"
            )
        result.append(file)
    return tuple(result)


class _LinkParser(HTMLParser):
    """``<a href>`` links and their PEP 592 ``data-yanked`` flag; everything else is ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        attributes = dict(attrs)
        href = attributes.get("href")
        if href:
            self.links.append((href, "data-yanked" in attributes))
