"""A wheel's METADATA over HTTP, against the real local index: PEP 658 file, ranges, whole body."""

from __future__ import annotations

import hashlib
import html
import json
import re
import urllib.request
from pathlib import Path

import pytest

from indexserver import IndexServer
from wheel_variants.errors import RemoteMetadataError
from wheel_variants.remotemeta.fetch import Limits, cached_metadata, fetch_metadata
from wheel_variants.remotemeta.link import WheelLink, core_metadata_hashes
from wheel_variants.remotemeta.store import MetadataStore
from wheel_variants.remotemeta.transport import UrllibTransport
from wheelmaker import make_wheel

HTTP = UrllibTransport(timeout=10)
MiB = 1024 * 1024


@pytest.fixture
def server(tmp_path: Path) -> IndexServer:
    server = IndexServer(tmp_path / "index", ranges=True)
    yield server
    server.stop()


def _publish(server: IndexServer, tmp_path: Path, **options: object) -> tuple[Path, WheelLink]:
    """One wheel of ``demo`` 1.0 on the index, and its link as the project page lists it."""
    wheel = make_wheel(tmp_path / "dist", "demo", "1.0", requires=["numpy>=2"], **options)  # type: ignore[arg-type]
    (placed,) = server.add("simple", wheel)
    return placed, _link(server, wheel.name)


def _link(server: IndexServer, filename: str) -> WheelLink:
    """The link of *filename* read from the project page (href fragment, data-core-metadata)."""
    base = server.index_url("simple") + "/demo/"
    with urllib.request.urlopen(base, timeout=10) as response:
        page = response.read().decode()
    for anchor in re.findall(r"<a [^>]*>", page):
        href = html.unescape(re.search(r'href="([^"]*)"', anchor).group(1))
        if href.split("#")[0] == filename:
            offer = re.search(r'data-core-metadata="([^"]*)"', anchor)
            return WheelLink.from_index(base + href, core_metadata=html.unescape(offer.group(1)) if offer else None)
    raise AssertionError(f"{filename} not on the page")


def _wheel_bytes(server: IndexServer) -> int:
    return server.total_bytes(".whl")


def test_ranges_read_a_small_wheel_in_one_request(server: IndexServer, tmp_path: Path) -> None:
    wheel, link = _publish(server, tmp_path)
    fetched = fetch_metadata(link, transport=HTTP)
    assert fetched.source == "range"
    assert b"Requires-Dist: numpy>=2" in fetched.data
    assert fetched.requests == 1  # the tail held the central directory and METADATA
    assert server.range_requests == [(server.url_path(wheel), "bytes=-65536")]


def test_a_30_mib_wheel_costs_less_than_200_kib(server: IndexServer, tmp_path: Path) -> None:
    wheel, link = _publish(server, tmp_path, padding=30 * MiB)
    assert wheel.stat().st_size > 30 * MiB
    fetched = fetch_metadata(link, transport=HTTP)
    assert fetched.source == "range"
    assert b"Name: demo" in fetched.data
    assert fetched.transferred < 200 * 1024
    assert _wheel_bytes(server) < 200 * 1024  # what the server sent, not what the client says


def test_a_large_central_directory_and_a_member_outside_the_tail(server: IndexServer, tmp_path: Path) -> None:
    files = {f"demo/module_{number:04d}_with_a_long_name.py": "x = 1\n" for number in range(300)}
    _, link = _publish(server, tmp_path, files=files, padding=MiB)
    fetched = fetch_metadata(link, transport=HTTP, limits=Limits(tail=2048))
    assert fetched.source == "range"
    assert b"Requires-Dist: numpy>=2" in fetched.data
    assert fetched.requests == 3  # the tail, the rest of the central directory, the METADATA member
    assert _wheel_bytes(server) < 100 * 1024
    assert all(header.startswith("bytes=") for _, header in server.range_requests)


def test_pep658_file_is_read_alone(tmp_path: Path) -> None:
    server = IndexServer(tmp_path / "index", ranges=True, metadata_files=True)
    try:
        wheel, link = _publish(server, tmp_path, padding=4 * MiB)
        assert link.metadata_url == link.url + ".metadata"
        assert link.metadata_hashes[0][0] == "sha256"
        fetched = fetch_metadata(link, transport=HTTP)
        assert fetched.source == "pep658"
        assert b"Requires-Dist: numpy>=2" in fetched.data
        assert _wheel_bytes(server) == 0
        assert server.request_counts[server.url_path(wheel) + ".metadata"] == 1

        server.core_metadata[wheel.name] = "sha256=" + "0" * 64
        with pytest.raises(RemoteMetadataError) as error:
            fetch_metadata(_link(server, wheel.name), transport=HTTP)
        assert str(error.value) == f"{link.metadata_url}: sha256 of the metadata file is not the index's {'0' * 64!r}"
    finally:
        server.stop()


def test_pep658_offer_without_a_file_is_one_line(server: IndexServer, tmp_path: Path) -> None:
    _, link = _publish(server, tmp_path)
    offered = WheelLink.from_index(link.url, core_metadata="true")
    with pytest.raises(
        RemoteMetadataError, match=r"\.whl\.metadata: the index offers this metadata file, but it answers 404$"
    ):
        fetch_metadata(offered, transport=HTTP)


def test_core_metadata_offers_in_html_and_json() -> None:
    assert core_metadata_hashes(None) is None
    assert core_metadata_hashes(False) is None
    assert core_metadata_hashes("false") is None
    assert core_metadata_hashes("true") == ()
    assert core_metadata_hashes(True) == ()
    assert core_metadata_hashes("sha256=AB") == (("sha256", "ab"),)
    assert core_metadata_hashes({"sha256": "ab", "md5": "cd"}) == (("md5", "cd"), ("sha256", "ab"))
    link = WheelLink.from_index("http://x/demo-1.0-py3-none-any.whl#sha256=" + "a" * 64, core_metadata=True)
    assert (link.url, link.sha256, link.metadata_url) == (
        "http://x/demo-1.0-py3-none-any.whl",
        "a" * 64,
        "http://x/demo-1.0-py3-none-any.whl.metadata",
    )
    link = WheelLink.from_index("http://x/demo-1.0-py3-none-any.whl", hashes={"sha256": "b" * 64})
    assert (link.sha256, link.metadata_url) == ("b" * 64, None)


def test_without_range_support_the_whole_wheel_streams_once_with_progress(tmp_path: Path) -> None:
    server = IndexServer(tmp_path / "index")  # a plain server: Range is ignored, 200 and the whole body
    try:
        wheel, link = _publish(server, tmp_path, padding=2 * MiB)
        calls: list[tuple[int, int | None]] = []
        fetched = fetch_metadata(link, transport=HTTP, progress=lambda done, total: calls.append((done, total)))
        size = wheel.stat().st_size
        assert fetched.source == "whole"
        assert b"Requires-Dist: numpy>=2" in fetched.data
        assert fetched.requests == 1  # the range request's 200 body is the download: not read twice
        assert _wheel_bytes(server) == size
        assert calls[-1] == (size, size)
        assert [done for done, _ in calls] == sorted(done for done, _ in calls)

        with pytest.raises(RemoteMetadataError) as error:
            fetch_metadata(link, transport=HTTP, limits=Limits(whole_wheel=False))
        assert str(error.value) == (
            f"{link.url}: the server ignores Range requests (HTTP 200, the whole wheel), "
            "and whole-wheel downloads are off"
        )
        with pytest.raises(
            RemoteMetadataError, match=rf"^{re.escape(link.url)}: the wheel is {size} bytes \(limit 1000\)"
        ):
            fetch_metadata(link, transport=HTTP, limits=Limits(wheel=1000))

        wrong = WheelLink(url=link.url, filename=link.filename, sha256="0" * 64)
        with pytest.raises(RemoteMetadataError, match="sha256 of the wheel does not match"):
            fetch_metadata(wrong, transport=HTTP)
    finally:
        server.stop()


def test_a_server_that_ignores_ranges_after_saying_206(server: IndexServer, tmp_path: Path) -> None:
    server.range_mode = "ignore"
    _, link = _publish(server, tmp_path)
    assert fetch_metadata(link, transport=HTTP).source == "whole"


def test_a_wrong_content_range_is_one_line_and_nothing_is_cached(server: IndexServer, tmp_path: Path) -> None:
    server.range_mode = "wrong-content-range"
    wheel, link = _publish(server, tmp_path)
    size = wheel.stat().st_size
    store = MetadataStore(tmp_path / "cache")
    with pytest.raises(RemoteMetadataError) as error:
        cached_metadata(link, transport=HTTP, store=store)
    assert str(error.value) == (
        f"{link.url}: wrong Content-Range 'bytes 1-{size - 1}/{size}'; asked for bytes 0-{size - 1} of {size}"
    )
    assert not (tmp_path / "cache").exists()


def test_a_truncated_wheel_is_one_line(server: IndexServer, tmp_path: Path) -> None:
    wheel, link = _publish(server, tmp_path)
    wheel.write_bytes(wheel.read_bytes()[:-30])
    with pytest.raises(RemoteMetadataError, match=rf"^{re.escape(link.url)}: not a zip archive"):
        fetch_metadata(link, transport=HTTP)
    server.ranges = False
    unhashed = WheelLink(url=link.url, filename=link.filename)  # the page's hash is the whole file's
    with pytest.raises(RemoteMetadataError, match=rf"^{re.escape(link.url)}: not a readable wheel"):
        fetch_metadata(unhashed, transport=HTTP)


def test_a_missing_wheel_is_one_line(server: IndexServer, tmp_path: Path) -> None:
    _, link = _publish(server, tmp_path)
    gone = WheelLink(url=link.url.replace("demo-1.0", "demo-2.0"), filename="demo-2.0-py3-none-any.whl")
    with pytest.raises(RemoteMetadataError, match=r"expected 206 to a Range request, got HTTP 404$"):
        fetch_metadata(gone, transport=HTTP)


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        ("other-1.0-py3-none-any.whl", "METADATA has Name 'demo', but the file name says 'other'"),
        ("demo-1.1-py3-none-any.whl", "METADATA has Version '1.0', but the file name says '1.1'"),
    ],
)
def test_metadata_of_another_name_or_version_is_refused(
    server: IndexServer, tmp_path: Path, filename: str, message: str
) -> None:
    wheel, _ = _publish(server, tmp_path)
    renamed = wheel.rename(wheel.with_name(filename))
    link = WheelLink.from_index(server.url + server.url_path(renamed))
    with pytest.raises(RemoteMetadataError) as error:
        fetch_metadata(link, transport=HTTP)
    assert str(error.value) == f"{link.url}: {message}"


def test_same_version_spelled_otherwise_and_a_normalised_name_pass(server: IndexServer, tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "dist", "Demo.Pkg", "1.0")
    (placed,) = server.add("simple", wheel)
    renamed = placed.rename(placed.with_name("demo_pkg-1.0.0-py3-none-any.whl"))
    link = WheelLink.from_index(server.url + server.url_path(renamed))
    assert fetch_metadata(link, transport=HTTP).source == "range"


def test_the_cache_serves_a_moved_index_by_sha256(server: IndexServer, tmp_path: Path) -> None:
    wheel, link = _publish(server, tmp_path, padding=MiB)
    store = MetadataStore(tmp_path / "cache")
    first = cached_metadata(link, transport=HTTP, store=store)
    assert first.source == "range"
    requests = sum(server.request_counts.values())
    assert cached_metadata(link, transport=HTTP, store=store) == type(first)(
        data=first.data, source="cache", transferred=0, requests=0
    )
    # The same file on another index, at another URL: read once, ever.
    moved = server.add("mirror", wheel)[0]
    mirrored = WheelLink.from_index(
        f"{server.url}{server.url_path(moved)}#sha256={hashlib.sha256(wheel.read_bytes()).hexdigest()}"
    )
    assert cached_metadata(mirrored, transport=HTTP, store=store).source == "cache"
    assert sum(server.request_counts.values()) == requests
    # Without a hash the URL is the key: another URL is read.
    bare = WheelLink(url=mirrored.url, filename=mirrored.filename)
    assert cached_metadata(bare, transport=HTTP, store=store).source == "range"
    entries = sorted(path.relative_to(tmp_path / "cache").parts[0] for path in (tmp_path / "cache").rglob("*.json"))
    assert entries == ["sha256", "url"]
    assert json.loads(next((tmp_path / "cache" / "url").rglob("*.json")).read_text())["key"] == ["url", bare.url]


def test_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    server = IndexServer(tmp_path / "index", ranges=True)
    _, link = _publish(server, tmp_path)
    server.stop()
    with pytest.raises(RemoteMetadataError, match=rf"^{re.escape(link.url)}: cannot read it \(.*refused"):
        fetch_metadata(link, transport=HTTP)
