"""Shared fixtures. Keep this file small and generic; topic-specific helpers live in their own modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from indexserver import IndexServer


@pytest.fixture
def index_server(tmp_path: Path) -> Iterator[IndexServer]:
    """A PEP 503 index on 127.0.0.1 (ephemeral port) serving ``tmp_path / "index"``."""
    server = IndexServer(tmp_path / "index")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pdm_session(index_server: IndexServer, tmp_path: Path) -> Iterator[object]:
    """PDM's own HTTP client for ``index_server``'s ``simple`` index, its HTTP cache on (as in ``pdm lock``)."""
    import warnings

    pytest.importorskip("pdm")
    from pdm._types import RepositoryConfig
    from pdm.models.session import PDMPyPIClient

    source = RepositoryConfig(config_prefix="pypi", name="test", url=index_server.index_url("simple"))
    cache = tmp_path / "http-cache"
    cache.mkdir()
    with warnings.catch_warnings():  # httpx on a machine whose CA bundle is set by path (REQUESTS_CA_BUNDLE)
        warnings.filterwarnings("ignore", "`verify=<str>` is deprecated", DeprecationWarning)
        client = PDMPyPIClient(sources=[source], cache_dir=cache, timeout=15)
    try:
        yield client
    finally:
        client.close()
