"""The metadata cache: keyed by the wheel's sha256 (URL without one), atomic, corrupt entries missed."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from wheel_variants.remotemeta.store import MetadataStore, StoreKey, store_key

DIGEST = "ab" * 32
METADATA = b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nSummary: caf\xc3\xa9\n"


def test_the_key_is_the_sha256_and_else_the_url() -> None:
    assert store_key(sha256=DIGEST.upper(), url="http://a/x.whl") == StoreKey(kind="sha256", value=DIGEST)
    # Another URL, the same file: the same key (a mirror, a moved index, a new port).
    assert store_key(sha256=DIGEST, url="http://b:8080/y/x.whl") == store_key(sha256=DIGEST, url="http://a/x.whl")
    assert store_key(sha256=None, url="http://a/x.whl#sha256=00") == StoreKey(kind="url", value="http://a/x.whl")
    assert store_key(sha256="not-a-digest", url="http://a/x.whl").kind == "url"


def test_put_then_get(tmp_path: Path) -> None:
    store = MetadataStore(tmp_path / "meta")
    key = store_key(sha256=DIGEST, url="http://a/x.whl")
    assert store.get(key) is None
    store.put(key, METADATA)
    assert store.get(key) == METADATA
    assert store.path(key) == tmp_path / "meta" / "sha256" / "ab" / f"{DIGEST}.json"
    assert [path.name for path in store.path(key).parent.iterdir()] == [f"{DIGEST}.json"]  # no temporary left
    by_url = store_key(sha256=None, url="http://a/x.whl")
    assert store.get(by_url) is None  # the URL key is another entry
    store.put(by_url, b"other")
    assert store.get(by_url) == b"other"
    assert store.get(key) == METADATA


def test_bytes_that_are_not_utf8_round_trip(tmp_path: Path) -> None:
    store = MetadataStore(tmp_path)
    key = store_key(sha256=DIGEST, url="u")
    store.put(key, b"Name: caf\xe9\n")
    assert store.get(key) == b"Name: caf\xe9\n"


def test_a_corrupt_entry_is_a_miss_and_is_rewritten(tmp_path: Path) -> None:
    store = MetadataStore(tmp_path)
    key = store_key(sha256=DIGEST, url="u")
    store.put(key, METADATA)
    path = store.path(key)
    good = path.read_text()
    for bad in (
        good[: len(good) // 2],  # cut short
        good.replace("Version: 1.0", "Version: 6.6"),  # edited: the digest no longer matches
        json.dumps({**json.loads(good), "key": ["sha256", "cd" * 32]}),  # another file's entry
        json.dumps({**json.loads(good), "format": 0}),  # an older layout
        "[]",
        "\udcff",
    ):
        path.write_text(bad, errors="surrogateescape")
        assert store.get(key) is None, bad
    store.put(key, METADATA)
    assert store.get(key) == METADATA


def test_writers_and_readers_at_once_see_whole_entries(tmp_path: Path) -> None:
    store = MetadataStore(tmp_path)
    key = store_key(sha256=DIGEST, url="u")
    seen: list[bytes | None] = []

    def write() -> None:
        for _ in range(50):
            store.put(key, METADATA)

    def read() -> None:
        for _ in range(200):
            seen.append(store.get(key))

    threads = [threading.Thread(target=write) for _ in range(3)] + [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(seen) <= {None, METADATA}
    assert METADATA in seen
    assert [path.name for path in store.path(key).parent.iterdir()] == [f"{DIGEST}.json"]
