"""What each team target gets from the lock, as ``pdm variants show`` reports it (pure functions)."""

from __future__ import annotations

from typing import Any

from pdm_variants.commands.targetview import TargetPackage, dependency_changes, target_lines, target_packages
from pdm_variants.lock.document import LockDocument, LockedFile

WHEEL = "teamlib-1.0-py3-none-any.whl"
GPULIB = [
    {"file": "gpulib-1.0-py3-none-any.whl", "hash": "sha256:" + "c" * 64},
    {"file": "gpulib-1.0-py3-none-any.whl", "hash": "sha256:" + "g" * 64},
]
PDM_LOCK: dict[str, Any] = {
    "metadata": {
        "wheel-variants": {
            "schema": 1,
            "packages": {
                "teamlib": {
                    "origin": "user",
                    "variants": {
                        "cu128": {"index": "https://x/cu128", "files": ["sha256:aaaa1111bbbb2222"]},
                        "metal": {"index": "https://x/metal", "files": ["sha256:bbbb2222cccc3333"]},
                    },
                },
                "gpulib": {
                    "origin": "user",
                    "variants": {
                        "cpu": {"index": "https://x/cpu", "files": ["sha256:" + "c" * 64]},
                        "cu12": {
                            "index": "https://x/cu12",
                            "files": ["sha256:" + "g" * 64],
                            "dependencies": ["cuda-runtime>=12", "shared-dep>=2", "Zlib_NG; sys_platform == 'linux'"],
                        },
                    },
                },
            },
            "targets": {
                "gpu": {"packages": {"gpulib": "cu12", "teamlib": "cu128"}},
                "mac": {"packages": {"teamlib": "metal"}},
            },
        }
    },
    "package": [
        {
            "name": "teamlib",
            "version": "1.0",
            "files": [
                {"file": WHEEL, "hash": "sha256:aaaa1111bbbb2222"},
                {"file": WHEEL, "hash": "sha256:bbbb2222cccc3333"},
            ],
        },
        {
            "name": "gpulib",
            "version": "1.0",
            "dependencies": ["cpu-extra", "shared-dep>=1", "zlib-ng; sys_platform == 'linux'"],
            "files": GPULIB,
        },
        {
            "name": "gpulib",
            "version": "1.0",
            "extras": ["fast"],
            "dependencies": ["gpulib==1.0", "numba"],
            "files": GPULIB,
        },
    ],
}


def test_locked_files_name_each_hash_from_file_or_static_url_once() -> None:
    lock = {
        "package": [
            {
                "name": "Team_Lib",
                "files": [
                    {"url": f"https://x/metal/teamlib/{WHEEL}#sha256=bbbb", "hash": "sha256:bbbb"},
                    {"file": "teamlib-1.0.tar.gz", "hash": "sha256:ssss"},
                    {"hash": "sha256:nameless"},
                ],
            },
            {"name": "team-lib", "extras": ["x"], "files": [{"file": "teamlib-1.0.tar.gz", "hash": "sha256:ssss"}]},
        ]
    }
    assert LockDocument.from_data(lock).files_by_package() == {
        "team-lib": [
            LockedFile(name=WHEEL, hash="sha256:bbbb", url=f"https://x/metal/teamlib/{WHEEL}#sha256=bbbb"),
            LockedFile(name="teamlib-1.0.tar.gz", hash="sha256:ssss"),
        ]
    }


def test_locked_files_of_a_pylock_are_its_wheels_and_sdist() -> None:
    pylock = {
        "lock-version": "1.0",
        "packages": [
            {
                "name": "teamlib",
                "version": "1.0",
                "wheels": [{"name": WHEEL, "url": f"https://x/cu128/{WHEEL}", "hashes": {"sha256": "aaaa"}}],
                "sdist": {"url": "https://x/teamlib-1.0.tar.gz", "hashes": {"sha256": "ssss"}},
            }
        ],
    }
    assert LockDocument.from_data(pylock).files_by_package() == {
        "teamlib": [
            LockedFile(name=WHEEL, hash="sha256:aaaa", url=f"https://x/cu128/{WHEEL}"),
            LockedFile(name="teamlib-1.0.tar.gz", hash="sha256:ssss", url="https://x/teamlib-1.0.tar.gz"),
        ]
    }


def test_dependency_changes_compare_package_names_and_their_lines() -> None:
    entry = ["cpu-extra", "shared-dep>=1", "zlib-ng; sys_platform == 'linux'", "same==1"]
    label = ["cuda-runtime>=12", "shared-dep>=2", "Zlib_NG ;sys_platform=='linux'", "same==1"]
    assert dependency_changes(entry, label) == (("cuda-runtime",), ("cpu-extra",), ("shared-dep",))
    assert dependency_changes(entry, entry) == ((), (), ())
    assert dependency_changes(["a; os_name == 'nt'", "a; os_name != 'nt'"], ["a; os_name == 'nt'"]) == ((), (), ("a",))


def test_target_packages_give_the_label_its_files_and_its_dependency_changes() -> None:
    gpu = target_packages(LockDocument.from_data(PDM_LOCK), {"gpu": {"teamlib": "cu128", "gpulib": "cu12"}})["gpu"]
    assert list(gpu) == ["gpulib", "teamlib"]
    assert gpu["teamlib"] == TargetPackage(
        label="cu128", index="https://x/cu128", files=(LockedFile(name=WHEEL, hash="sha256:aaaa1111bbbb2222"),)
    )
    gpulib = gpu["gpulib"]
    assert gpulib.files == (LockedFile(name=GPULIB[1]["file"], hash=GPULIB[1]["hash"]),)
    assert gpulib.added == ("cuda-runtime",)  # compared with the entry without extras, not gpulib[fast]
    assert gpulib.dropped == ("cpu-extra",)
    assert gpulib.changed == ("shared-dep",)  # zlib-ng: the same line in another spelling is no change
    assert (
        gpulib.to_dict()["dependencies"]
        == PDM_LOCK["metadata"]["wheel-variants"]["packages"]["gpulib"]["variants"]["cu12"]["dependencies"]
    )

    cpu = target_packages(LockDocument.from_data(PDM_LOCK), {"cpu": {"gpulib": "cpu"}})["cpu"]["gpulib"]
    assert (cpu.dependencies, cpu.added, cpu.dropped, cpu.changed) == (None, (), (), ())
    assert cpu.to_dict() == {
        "label": "cpu",
        "index": "https://x/cpu",
        "files": [GPULIB[0]],
        "dependencies": None,
        "added": [],
        "dropped": [],
        "changed": [],
    }


def test_target_packages_of_a_label_the_lock_lacks_have_no_files() -> None:
    targets = {"amd": {"teamlib": "rocm", "nolib": "cpu"}, "none": {}}
    assert target_packages(LockDocument.from_data(PDM_LOCK), targets) == {
        "amd": {"nolib": TargetPackage(label="cpu"), "teamlib": TargetPackage(label="rocm")},
        "none": {},
    }


def test_target_packages_of_a_pylock_compare_with_the_entry_s_pdm_dependencies() -> None:
    gpulib = {"name": "gpulib", "version": "1.0", "url": "https://x/cu12/gpulib-1.0-py3-none-any.whl"}
    pylock = {
        "lock-version": "1.0",
        "packages": [
            {
                "name": "gpulib",
                "version": "1.0",
                "wheels": [{**gpulib, "name": "gpulib-1.0-py3-none-any.whl", "hashes": {"sha256": "g"}}],
                "tool": {
                    "pdm": {"dependencies": ["cpu-extra", "shared-dep>=1"]},
                    "wheel-variants": {
                        "origin": "user",
                        "variants": {
                            "cu12": {"files": ["sha256:g"], "dependencies": ["cuda-runtime>=12", "shared-dep>=1"]}
                        },
                    },
                },
            }
        ],
        "tool": {"wheel-variants": {"schema": 1, "targets": {"gpu": {"packages": {"gpulib": "cu12"}}}}},
    }
    got = target_packages(LockDocument.from_data(pylock), {"gpu": {"gpulib": "cu12"}})["gpu"]["gpulib"]
    assert got.files == (LockedFile(name="gpulib-1.0-py3-none-any.whl", hash="sha256:g", url=gpulib["url"]),)
    assert (got.added, got.dropped, got.changed) == (("cuda-runtime",), ("cpu-extra",), ())


def _report(lock: dict[str, Any], matching: str) -> dict[str, Any]:
    labels = {name: body["packages"] for name, body in lock["metadata"]["wheel-variants"]["targets"].items()}
    installs = target_packages(LockDocument.from_data(lock), labels)
    return {
        name: {
            "packages": packages,
            "matches": name == matching,
            "installs": {n: p.to_dict() for n, p in installs[name].items()},
        }
        for name, packages in labels.items()
    }


def test_target_lines_show_per_target_and_package_the_file_and_dependency_changes() -> None:
    assert target_lines(_report(PDM_LOCK, "mac")) == [
        "  gpu: gpulib=cu12, teamlib=cu128",
        "    gpulib: gpulib-1.0-py3-none-any.whl  +cuda-runtime -cpu-extra ~shared-dep",
        f"    teamlib: {WHEEL} (sha256:aaaa1111bbbb)",  # one filename, two hashes: the hash tells them apart
        "  mac: teamlib=metal  <- this machine",
        f"    teamlib: {WHEEL} (sha256:bbbb2222cccc)",
    ]


def test_target_lines_shorten_long_file_lists_and_say_when_nothing_is_locked() -> None:
    wheels = [{"file": f"big-1.0-cp31{n}-cp31{n}-linux_x86_64.whl", "hash": f"sha256:{n}"} for n in range(5)]
    report = {
        "ci": {
            "packages": {"big": "cpu", "gone": "cu118"},
            "matches": False,
            "installs": {
                "big": {"label": "cpu", "files": wheels},
                "gone": {"label": "cu118", "files": []},
            },
        },
        "old": {"packages": {}, "matches": False},  # a report written before `installs` existed
    }
    assert target_lines(report) == [
        "  ci: big=cpu, gone=cu118",
        "    big: big-1.0-cp310-cp310-linux_x86_64.whl, big-1.0-cp311-cp311-linux_x86_64.whl, "
        "big-1.0-cp312-cp312-linux_x86_64.whl, ... (5 files)",
        "    gone: no locked file",
        "  old: -",
    ]
