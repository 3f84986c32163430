"""The test index server serves PEP 503 pages that real clients understand."""

from __future__ import annotations

import hashlib
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
