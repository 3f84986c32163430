"""The test index server serves PEP 503 pages that real clients understand."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from pathlib import Path

from indexserver import IndexServer
from wheelmaker import make_wheel


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_serves_project_pages_with_hashes(index_server: IndexServer, tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "dist", "demo-pkg", "1.0")
    index_server.add("simple", wheel)
    index_server.write_variants_json("simple", "demo-pkg", "1.0", "{}")

    root = _get(index_server.index_url("simple") + "/")
    assert '<a href="demo-pkg/">' in root
    page = _get(index_server.index_url("simple") + "/demo-pkg/")
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert f'href="demo_pkg-1.0-py3-none-any.whl#sha256={digest}"' in page
    assert "demo_pkg-1.0-variants.json" in page
    # without the trailing slash too (no redirect)
    assert "demo_pkg-1.0-py3-none-any.whl" in _get(index_server.index_url("simple") + "/demo-pkg")
    with urllib.request.urlopen(index_server.index_url("simple") + "/demo-pkg/" + wheel.name, timeout=10) as r:
        assert r.read() == wheel.read_bytes()
    assert "/simple/demo-pkg/" in index_server.requests


def test_stops(tmp_path: Path) -> None:
    server = IndexServer(tmp_path / "other")
    url = server.url
    server.stop()
    try:
        urllib.request.urlopen(url + "/", timeout=2)
    except OSError:
        pass
    else:
        raise AssertionError("server still answers after stop()")


def _range(url: str, header: str) -> tuple[int, str | None, bytes]:
    request = urllib.request.Request(url, headers={"Range": header})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Range"), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Range"), error.read()


def test_ranges_are_opt_in_and_counted(tmp_path: Path) -> None:
    server = IndexServer(tmp_path / "index")
    try:
        (wheel,) = server.add("simple", make_wheel(tmp_path / "dist", "demo", "1.0"))
        url, data, size = server.url + server.url_path(wheel), wheel.read_bytes(), wheel.stat().st_size
        assert _range(url, "bytes=-10") == (200, None, data)  # off by default: the plain server it was
        server.ranges = True
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.headers["Accept-Ranges"] == "bytes"  # what uv checks before sending a Range
            response.read()
        assert _range(url, "bytes=-10") == (206, f"bytes {size - 10}-{size - 1}/{size}", data[-10:])
        assert _range(url, "bytes=5-9") == (206, f"bytes 5-9/{size}", data[5:10])
        assert _range(url, f"bytes={size - 3}-") == (206, f"bytes {size - 3}-{size - 1}/{size}", data[-3:])
        assert _range(url, f"bytes=-{size + 100}") == (206, f"bytes 0-{size - 1}/{size}", data)
        assert _range(url, f"bytes={size}-") == (416, f"bytes */{size}", b"")
        assert _range(url, "bytes=0-1,5-6")[0] == 200  # several ranges: ignored, as RFC 9110 allows
        server.range_mode = "wrong-content-range"
        assert _range(url, "bytes=5-9") == (206, f"bytes 6-9/{size}", data[5:10])
        server.range_mode = "ignore"
        assert _range(url, "bytes=5-9") == (200, None, data)
        path = server.url_path(wheel)
        assert server.request_counts[path] == 10
        assert server.bytes_sent[path] == 5 * size + 10 + 5 + 3 + 5  # five whole bodies and four slices
        assert server.range_requests[0] == (path, "bytes=-10")
        assert server.total_bytes(".whl") == server.bytes_sent[path]
        server.reset_counts()
        assert server.total_bytes() == 0
    finally:
        server.stop()


def test_pep658_files_are_opt_in(tmp_path: Path) -> None:
    server = IndexServer(tmp_path / "index")
    try:
        (wheel,) = server.add("simple", make_wheel(tmp_path / "dist", "demo", "1.0"))
        page_url = server.index_url("simple") + "/demo/"
        assert "data-core-metadata" not in _get(page_url)
        server.metadata_files = True
        metadata = _get(server.url + server.url_path(wheel) + ".metadata")
        assert metadata.startswith("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n")
        digest = hashlib.sha256(metadata.encode()).hexdigest()
        page = _get(page_url)
        assert f'data-core-metadata="sha256={digest}" data-dist-info-metadata="sha256={digest}"' in page
        server.core_metadata[wheel.name] = "true"
        assert 'data-core-metadata="true"' in _get(page_url)
    finally:
        server.stop()
