"""The one typed reading of a lock (:mod:`pdm_variants.lock.document`), on ``pdm.lock`` data and files.

(``pylock.toml`` documents: ``tests/test_pdm_pylock.py``; what ``show`` makes of them:
``tests/test_pdm_targetview.py``.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pdm")

from pdm_variants.lock.document import LockDocument, LockedFile, LockedPackage

WHEEL = "gpulib-1.0-py3-none-any.whl"
RECORD = {"origin": "user", "variants": {"cu12": {"index": "https://x/cu12", "files": ["sha256:w"]}}}
LOCK = {
    "metadata": {
        "strategy": ["inherit_metadata"],
        "wheel-variants": {"schema": 1, "packages": {"gpulib": RECORD, "broken": "not a table"}},
    },
    "package": [
        {
            "name": "GPULib",
            "version": "1.0",
            "groups": ["default"],
            "marker": "sys_platform == 'linux'",
            "dependencies": ["cuda-runtime>=12"],
            "files": [
                {"file": WHEEL, "hash": "sha256:w"},
                {"url": "https://x/src/gpulib-1.0.tar.gz#sha256=s", "hash": "sha256:s"},
                {"file": "no-hash.whl"},
            ],
        },
        {"name": "gpulib", "version": "1.0", "extras": ["fast"], "files": [{"file": WHEEL, "hash": "sha256:w"}]},
        {"name": "plain", "version": "2.0"},
        "not a table",
        {"version": "nameless"},
    ],
}


def test_a_pdm_lock_reads_into_packages_files_records_and_strategy() -> None:
    lock = LockDocument.from_data(LOCK)
    assert not lock.pylock
    gpulib, fast, plain = lock.packages
    assert gpulib == LockedPackage(
        name="gpulib",
        version="1.0",
        files=(
            LockedFile(name=WHEEL, hash="sha256:w"),
            LockedFile(name="gpulib-1.0.tar.gz", hash="sha256:s", url="https://x/src/gpulib-1.0.tar.gz#sha256=s"),
        ),
        dependencies=("cuda-runtime>=12",),
        groups=("default",),
        marker="sys_platform == 'linux'",
    )
    assert (fast.key, plain.key, plain.dependencies) == ("gpulib[fast]", "plain", None)
    assert lock.records == {"gpulib": RECORD}  # a malformed record is left out
    assert lock.strategy == ("inherit_metadata",)
    assert lock.names() == {"gpulib", "plain"}
    assert lock.package("GPULIB") is gpulib


def test_files_by_package_list_each_file_once_and_sdists_are_shared() -> None:
    lock = LockDocument.from_data(LOCK)
    assert [f.name for f in lock.files_by_package()["gpulib"]] == [WHEEL, "gpulib-1.0.tar.gz"]
    assert lock.hashes_by_package()["gpulib"] == ["sha256:w", "sha256:s", "sha256:w"]
    assert lock.shared_files() == {"sha256:s"}
    assert lock.labels("GPULib") == ("cu12",)
    assert lock.variant_files("gpulib", "cu12") == frozenset({"sha256:w"})
    assert lock.variant_files("gpulib", "cpu") is None


def test_read_gives_an_empty_lock_for_a_missing_or_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "pdm.lock"
    assert LockDocument.read(path) == LockDocument()
    path.write_text("[metadata\n", encoding="utf-8")
    assert LockDocument.read(path) == LockDocument()
    path.write_text('[[package]]\nname = "Plain"\nversion = "2.0"\n', encoding="utf-8")
    assert LockDocument.read(path).names() == {"plain"}
