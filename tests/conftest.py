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
