"""``wheel_variants.memofile``: one JSON file of derived values, read once, written once, never an error."""

from __future__ import annotations

import json
from pathlib import Path

from wheel_variants.memofile import MemoFile


def test_values_survive_to_the_next_command(tmp_path: Path) -> None:
    memo = MemoFile(tmp_path / "memo.json", "parser 1")
    assert memo.get("a" * 64) is None
    memo.put("a" * 64, ["cuda-runtime>=1"])
    memo.save()
    assert MemoFile(tmp_path / "memo.json", "parser 1").get("a" * 64) == ["cuda-runtime>=1"]


def test_another_stamp_is_an_empty_memo(tmp_path: Path) -> None:
    memo = MemoFile(tmp_path / "memo.json", "parser 1")
    memo.put("k", [1])
    memo.save()
    assert MemoFile(tmp_path / "memo.json", "parser 2").get("k") is None


def test_a_broken_missing_or_oversized_file_is_an_empty_memo(tmp_path: Path) -> None:
    path = tmp_path / "memo.json"
    path.write_text("{not json")
    assert MemoFile(path, "s").get("k") is None
    path.write_text(json.dumps({"format": 1, "stamp": "s", "entries": ["not", "a", "dict"]}))
    assert MemoFile(path, "s").get("k") is None
    path.write_text(json.dumps({"format": 1, "stamp": "s", "entries": {"k": "x" * 1000}}))
    assert MemoFile(path, "s", max_bytes=100).get("k") is None
    assert MemoFile(tmp_path / "absent" / "memo.json", "s").get("k") is None


def test_save_merges_what_another_process_wrote_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "memo.json"
    first, second = MemoFile(path, "s"), MemoFile(path, "s")
    assert first.get("x") is None and second.get("y") is None  # both read the (empty) file first
    first.put("x", 1)
    second.put("y", 2)
    first.save()
    second.save()
    assert json.loads(path.read_text())["entries"] == {"x": 1, "y": 2}


def test_the_oldest_entries_go_beyond_the_limit(tmp_path: Path) -> None:
    memo = MemoFile(tmp_path / "memo.json", "s", max_entries=2)
    for key in "abc":
        memo.put(key, key)
    memo.save()
    assert json.loads((tmp_path / "memo.json").read_text())["entries"] == {"b": "b", "c": "c"}


def test_nothing_new_writes_nothing_and_an_unwritable_directory_is_no_error(tmp_path: Path) -> None:
    MemoFile(tmp_path / "memo.json", "s").save()
    assert not (tmp_path / "memo.json").exists()
    blocker = tmp_path / "file"
    blocker.write_text("")
    memo = MemoFile(blocker / "memo.json", "s")  # its directory is a file
    memo.put("k", 1)
    memo.save()
    assert memo.get("k") == 1
