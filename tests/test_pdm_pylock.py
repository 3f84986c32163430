"""``lock.format = "pylock"``: the variant records in ``pylock.toml`` (PEP 751 + PEP 825).

Fast tests drive :mod:`pdm_variants.lock.pylock` on documents; the slow ones run the real ``pdm``
CLI and check the file with ``packaging.pylock`` and ``uv pip install -r pylock.toml``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

import pytest
import tomlkit

pytest.importorskip("pdm")

from indexserver import IndexServer
from llamamirror import CUDA_12_4, backend, llama_mirror, llama_runner, no_gpu
from pdm_variants.lock.document import LockDocument, LockedFile, LockedPackage, is_pylock
from pdm_variants.lock.pylock import (
    add_pylock_files,
    add_pylock_packages,
    pylock_artifact,
    pylock_entries,
    pylock_groups,
    pylock_package_records,
    pylock_targets,
    record_in_pylock,
    split_pylock_marker,
)
from pdm_variants.lock.table import (
    missing_variants,
)
from pdm_variants.plan import make_plan, managed_packages
from pdmtools import PdmRunner
from wheel_variants.catalog import load_packages
from wheel_variants.metadata import metadata_from_dict
from wheel_variants.supported import SupportedProperties

SCHEMA_URL = "https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json"
CU124 = "sha256:" + "a" * 64
CPU = "sha256:" + "b" * 64
WHEEL = "llama_cpp_python-0.3.2-py3-none-any.whl"
INDEX_RECORD = {
    "origin": "catalog",
    "variants": {
        "cu124": {
            "index": "http://i/llama/cu124",
            "properties": ["nvidia :: cuda_version_lower_bound :: 12.4"],
            "files": [CU124],
        }
    },
}
DOCUMENT = {
    "$schema": SCHEMA_URL,
    "default-priorities": {"namespace": ["nvidia"]},
    "variants": {
        "cu126": {"nvidia": {"cuda_version_lower_bound": ["12.6"]}},
        "cu128": {"nvidia": {"cuda_version_lower_bound": ["12.8"]}},
        "null": {},
    },
}


def _pylock(*entries: dict[str, Any]) -> tomlkit.TOMLDocument:
    document = tomlkit.document()
    document.update({"lock-version": "1.0", "created-by": "pdm", "packages": tomlkit.aot()})
    for entry in entries:
        document["packages"].append(entry)
    document["tool"] = {"pdm": {"strategy": ["inherit_metadata", "static_urls"]}}
    return document


def _entry(name: str, version: str, *files: tuple[str, str]) -> dict[str, Any]:
    wheels = [
        {"name": filename, "url": f"http://i/{filename}", "hashes": {"sha256": digest.split(":", 1)[1]}}
        for filename, digest in files
    ]
    return {"name": name, "version": version, "wheels": wheels, "tool": {"pdm": {"dependencies": []}}}


def _reparse(document: tomlkit.TOMLDocument) -> dict[str, Any]:
    return tomlkit.parse(tomlkit.dumps(document)).unwrap()


def _validate_pylock(data: dict[str, Any]) -> None:
    """What a PEP 751 reader checks (``packaging.pylock``, packaging >= 25)."""
    pylock = pytest.importorskip("packaging.pylock")
    pylock.Pylock.from_dict(data)


# -- pure ------------------------------------------------------------------------------------


def test_index_variant_record_goes_to_the_package_tool_table_and_reads_back() -> None:
    document = _pylock(_entry("llama-cpp-python", "0.3.2", (WHEEL, CU124)))
    record_in_pylock(document, {"schema": 1, "packages": {"llama-cpp-python": INDEX_RECORD}})
    data = _reparse(document)

    (package,) = data["packages"]
    assert package["tool"]["wheel-variants"] == INDEX_RECORD
    assert package["tool"]["pdm"] == {"dependencies": []}  # PDM's own table untouched
    assert "variants-json" not in package  # index variants have no PEP 825 document
    assert data["tool"]["wheel-variants"] == {"schema": 1}
    _validate_pylock(data)

    # the lock document reads the pylock.toml as it reads a pdm.lock
    assert is_pylock(data)
    lock = LockDocument.from_data(data)
    assert lock.pylock
    assert lock.records == {"llama-cpp-python": INDEX_RECORD}
    assert lock.labels("llama_cpp_python") == ("cu124",)
    assert lock.variant_files("llama-cpp-python", "cu124") == frozenset({CU124})
    assert lock.packages == (
        LockedPackage(
            name="llama-cpp-python",
            version="0.3.2",
            files=(LockedFile(name=WHEEL, hash=CU124, url=f"http://i/{WHEEL}"),),
            dependencies=(),
        ),
    )


def test_pep825_record_inlines_the_variants_json_pruned_to_the_locked_labels() -> None:
    files = [
        (f"gpu_demo-1.0.0-py3-none-any-{label}.whl", "sha256:" + c * 64) for label, c in (("cu128", "c"), ("null", "d"))
    ]
    record = {
        "origin": "pep825",
        "version": "1.0.0",
        "variants-json": {
            "url": "http://i/gpu_demo-1.0.0-variants.json",
            "hash": "sha256:" + "e" * 64,
            "document": DOCUMENT,
        },
        "variants": {
            "cu128": {"properties": ["nvidia :: cuda_version_lower_bound :: 12.8"], "files": [files[0][1]]},
            "null": {"properties": [], "files": [files[1][1]]},
        },
    }
    document = _pylock(_entry("gpu-demo", "1.0.0", *files))
    record_in_pylock(document, {"schema": 1, "packages": {"gpu-demo": record}})
    text = tomlkit.dumps(document)
    data = tomlkit.parse(text).unwrap()
    (package,) = data["packages"]

    inline = package["variants-json"]
    assert inline == {**DOCUMENT, "variants": {k: DOCUMENT["variants"][k] for k in ("cu128", "null")}}
    assert next(iter(inline)) == "$schema"
    metadata_from_dict(inline, "pylock.toml")  # a valid PEP 825 document
    assert 'cu128 = {nvidia = {cuda_version_lower_bound = ["12.8"]}}' in text  # one inline table per label
    tool = package["tool"]["wheel-variants"]
    assert tool["variants-json"] == {"url": record["variants-json"]["url"], "hash": record["variants-json"]["hash"]}
    assert tool["variants"] == record["variants"]

    # read back: the document returns into the record, so a re-lock keeps it
    back = pylock_package_records(data)["gpu-demo"]
    assert back["variants-json"]["document"] == inline
    assert back["variants"] == record["variants"]


def test_rewriting_replaces_what_the_plugin_wrote_before() -> None:
    document = _pylock(_entry("llama-cpp-python", "0.3.2", (WHEEL, CU124)), _entry("plainlib", "1.0"))
    record_in_pylock(document, {"schema": 1, "packages": {"llama-cpp-python": INDEX_RECORD}})
    record_in_pylock(document, None)
    data = _reparse(document)
    assert all("wheel-variants" not in package.get("tool", {}) for package in data["packages"])
    assert "wheel-variants" not in data["tool"]
    assert data["tool"]["pdm"]  # PDM's table stays


TARGETS = {
    "alice": {"packages": {"llama-cpp-python": "cu124"}},
    "ci": {"source": "targets/ci.json", "packages": {"llama-cpp-python": "cpu"}},
    "bob": {"platform": "macos_arm64", "packages": {}},
}
TWO_LABELS = {
    "origin": "catalog",
    "variants": {
        "cpu": {"index": "http://i/llama/cpu", "files": [CPU]},
        "cu124": INDEX_RECORD["variants"]["cu124"],
    },
}


def _file(url: str, digest: str) -> dict[str, str]:
    return {"url": url, "file": url.rsplit("/", 1)[1], "hash": digest}


def test_pylock_artifact_is_what_pdm_writes_for_a_file() -> None:
    assert pylock_artifact(_file(f"http://i/cpu/{WHEEL}", CPU)) == {
        "name": WHEEL,
        "url": f"http://i/cpu/{WHEEL}",
        "hashes": {"sha256": "b" * 64},
    }
    assert pylock_artifact({"hash": "md5:00"}) == {"hashes": {"md5": "00"}}


def test_target_files_become_wheels_entries_formatted_like_pdms_own() -> None:
    def pdm_wheel(url: str, digest: str) -> dict[str, Any]:
        """As PDM's ``PyLockConverter.make_package`` builds one (``make_inline_table`` for the hashes)."""
        algo, value = digest.split(":")
        hashes = tomlkit.inline_table()
        hashes.update({algo: value})
        return {"name": url.rsplit("/", 1)[1], "url": url, "hashes": hashes}

    cu124, cpu = f"http://i/cu124/{WHEEL}", f"http://i/cpu/{WHEEL}"
    ours = _pylock(_entry("llama-cpp-python", "0.3.2"))
    ours["packages"][0]["wheels"] = tomlkit.array().multiline(True)
    ours["packages"][0]["wheels"].append(pdm_wheel(cu124, CU124))
    theirs = _pylock(_entry("llama-cpp-python", "0.3.2"))
    theirs["packages"][0]["wheels"] = tomlkit.array().multiline(True)
    theirs["packages"][0]["wheels"].extend([pdm_wheel(cu124, CU124), pdm_wheel(cpu, CPU)])

    entry = pylock_entries(ours)["llama-cpp-python"]
    kept = add_pylock_files(entry, [_file(cu124, CU124), _file(cpu, CPU)])
    assert kept == [_file(cu124, CU124), _file(cpu, CPU)]  # the first was locked already
    assert tomlkit.dumps(ours) == tomlkit.dumps(theirs)  # a re-lock by PDM writes the same text
    assert add_pylock_files(entry, [_file(cpu, CPU)]) == [_file(cpu, CPU)]
    assert len(_reparse(ours)["packages"][0]["wheels"]) == 2
    assert [(f.name, f.hash) for f in LockDocument.from_data(_reparse(ours)).packages[0].files] == [
        (WHEEL, CU124),
        (WHEEL, CPU),
    ]


def test_pylock_keeps_one_sdist_and_adds_wheels_to_an_entry_without_any() -> None:
    sdist, other = "http://i/llama_cpp_python-0.3.2.tar.gz", "http://j/llama_cpp_python-0.3.2.tar.gz"
    document = _pylock({"name": "llama-cpp-python", "version": "0.3.2"})
    entry = pylock_entries(document)["llama-cpp-python"]
    first = add_pylock_files(entry, [_file(sdist, "sha256:" + "c" * 64), _file(f"http://i/{WHEEL}", CPU)])
    assert len(first) == 2
    # PEP 751 allows one sdist per package: another one (other hash) is left out, not recorded
    assert add_pylock_files(entry, [_file(other, "sha256:" + "d" * 64)]) == []
    (package,) = _reparse(document)["packages"]
    assert package["sdist"] == {"name": "llama_cpp_python-0.3.2.tar.gz", "url": sdist, "hashes": {"sha256": "c" * 64}}
    assert [w["hashes"]["sha256"] for w in package["wheels"]] == ["b" * 64]
    _validate_pylock(_reparse(document))


def test_team_targets_go_to_the_top_level_tool_table_and_read_back() -> None:
    document = _pylock(_entry("llama-cpp-python", "0.3.2", (WHEEL, CPU), (WHEEL, CU124)))
    record_in_pylock(document, {"schema": 1, "packages": {"llama-cpp-python": TWO_LABELS}, "targets": TARGETS})
    text = tomlkit.dumps(document)
    assert '[tool.wheel-variants.targets.alice]\npackages = {llama-cpp-python = "cu124"}' in text
    data = tomlkit.parse(text).unwrap()
    assert data["tool"]["wheel-variants"] == {"schema": 1, "targets": TARGETS}
    _validate_pylock(data)

    assert pylock_targets(data) == TARGETS
    assert LockDocument.from_data(data).targets == TARGETS  # `pdm install` and `pdm variants show` read them so

    record_in_pylock(document, {"schema": 1, "packages": {"llama-cpp-python": TWO_LABELS}})  # targets dropped
    assert _reparse(document)["tool"]["wheel-variants"] == {"schema": 1}
    assert LockDocument.from_data(_reparse(document)).targets == {}


def test_a_pdm_lock_is_not_read_as_a_pylock() -> None:
    lock = {"metadata": {"lock_version": "4.5.0"}, "package": []}
    assert not is_pylock(lock)
    assert not LockDocument.from_data(lock).pylock


# PDM itself uses importlib.resources.open_binary (deprecated) when its marker module loads.
LOADS_PDM = pytest.mark.filterwarnings("ignore:open_binary is deprecated:DeprecationWarning")


@LOADS_PDM
@pytest.mark.parametrize(
    ("marker", "groups", "environment"),
    [
        ('"default" in dependency_groups', ["default"], None),
        ('"cuda" in extras', ["cuda"], None),
        ('python_version >= "3.11"', [], 'python_version >= "3.11"'),
        (
            'sys_platform == "linux" and ("dev" in dependency_groups or "default" in dependency_groups)',
            ["default", "dev"],
            'sys_platform == "linux"',
        ),
        (
            'sys_platform == "win32" and "default" in dependency_groups or sys_platform == "win32" and "doc" in extras',
            ["default", "doc"],
            'sys_platform == "win32"',
        ),
    ],
)
def test_a_pylock_marker_splits_into_groups_and_environment_marker(
    marker: str, groups: list[str], environment: str | None
) -> None:
    assert split_pylock_marker(marker) == (groups, environment)


GPULIB_WHEEL = "gpulib-1.0-py3-none-any.whl"
CU12_DEPENDENCIES = {**INDEX_RECORD["variants"]["cu124"], "dependencies": ["cuda-runtime>=12", "shared-dep>=1"]}


@LOADS_PDM
def test_with_dependencies_the_view_has_pdms_lists_groups_markers_and_strategy() -> None:
    gpulib = _entry("gpulib", "1.0", (GPULIB_WHEEL, CU124))
    gpulib["tool"]["pdm"]["dependencies"] = ["shared-dep>=1", "cpu-extra"]
    gpulib["marker"] = 'sys_platform == "linux" and "default" in dependency_groups'
    document = _pylock(gpulib, {"name": "plain", "version": "2.0"})
    record = {"origin": "pyproject.toml", "variants": {"cu12": CU12_DEPENDENCIES}}
    record_in_pylock(document, {"schema": 1, "packages": {"gpulib": record}})
    data = _reparse(document)

    lock = LockDocument.from_data(data)
    gpulib_entry, plain = lock.packages
    assert (gpulib_entry.name, gpulib_entry.version) == ("gpulib", "1.0")
    assert [(f.name, f.hash) for f in gpulib_entry.files] == [(GPULIB_WHEEL, CU124)]
    assert gpulib_entry.dependencies == ("shared-dep>=1", "cpu-extra")
    assert gpulib_entry.groups == ("default",)
    assert gpulib_entry.marker == 'sys_platform == "linux"'
    assert (plain.name, plain.version, plain.files, plain.dependencies) == ("plain", "2.0", (), None)
    assert lock.strategy == ("inherit_metadata", "static_urls")
    assert lock.records["gpulib"] == record  # the label's list reads back as in a pdm.lock


def test_pylock_groups_are_the_dependency_groups_then_the_extras() -> None:
    assert pylock_groups({"dependency-groups": ["default", "dev"], "extras": ["cuda"]}) == ["default", "dev", "cuda"]
    assert pylock_groups({"lock-version": "1.0"}) == []


def test_added_packages_follow_pdms_entries_and_a_locked_name_is_left_out() -> None:
    document = _pylock(_entry("gpulib", "1.0", (GPULIB_WHEEL, CU124)))
    runtime = _entry("cuda-runtime", "12.8", ("cuda_runtime-12.8-py3-none-any.whl", CPU))
    add_pylock_packages(document, [runtime, _entry("GPULib", "2.0")])
    data = _reparse(document)
    assert [(p["name"], p["version"]) for p in data["packages"]] == [("gpulib", "1.0"), ("cuda-runtime", "12.8")]
    assert '[[packages]]\nname = "cuda-runtime"' in tomlkit.dumps(document)
    _validate_pylock(data)


def test_lock_variants_table_and_freshness_work_on_a_pylock_document() -> None:
    from pdm_variants.lock.table import lock_variants_table

    config = load_packages(None, {"WHEEL_VARIANTS_INDEX_BASE_LLAMA_CPP": "http://i/llama"})
    cuda = SupportedProperties.from_dict({"nvidia": {"cuda_version_lower_bound": ["12.4", "12.3"]}})
    linux = {"sys_platform": "linux", "platform_machine": "x86_64"}
    plan = make_plan(managed_packages(config, {"llama-cpp-python"}, ()), cuda, linux)
    previous = _pylock(_entry("llama-cpp-python", "0.3.2", (WHEEL, CPU)))
    record_in_pylock(
        previous,
        {
            "schema": 1,
            "packages": {
                "llama-cpp-python": {"origin": "catalog", "variants": {"cpu": {"index": "x", "files": [CPU]}}}
            },
        },
    )
    fresh = _pylock(_entry("llama-cpp-python", "0.3.2", (WHEEL, CPU), (WHEEL, CU124)))

    table = lock_variants_table(
        LockDocument.from_data(_reparse(fresh)), LockDocument.from_data(_reparse(previous)), plan
    )
    assert table is not None
    variants = table["packages"]["llama-cpp-python"]["variants"]
    assert variants["cpu"]["files"] == [CPU]  # another machine's label is kept
    assert variants["cu124"]["files"] == [CU124]
    record_in_pylock(fresh, table)
    assert missing_variants(LockDocument.from_data(_reparse(fresh)), plan) == []
    assert missing_variants(LockDocument.from_data(_reparse(previous)), plan) == [
        "llama-cpp-python: this machine selects variant 'cu124', the lock has cpu"
    ]


# -- the real pdm CLI ------------------------------------------------------------------------


@pytest.fixture
def llama_index(index_server: IndexServer, tmp_path: Path) -> IndexServer:
    return llama_mirror(index_server, tmp_path)


def _data(runner: PdmRunner) -> dict[str, Any]:
    return tomlkit.parse((runner.project / "pylock.toml").read_text()).unwrap()


def _package(runner: PdmRunner, name: str) -> dict[str, Any]:
    (package,) = [p for p in _data(runner)["packages"] if p["name"] == name]
    return package


def _uv() -> str:
    found = Path(sys.executable).with_name("uv")
    path = str(found) if found.exists() else shutil.which("uv")
    if path is None:
        pytest.skip("uv is not installed")
    return path


@pytest.mark.slow
def test_pylock_records_the_variant_installs_it_and_switches(tmp_path: Path, llama_index: IndexServer) -> None:
    runner = llama_runner(tmp_path, llama_index, deps='"llama-cpp-python", "plainlib"', lock_format="pylock")
    cpu_machine = no_gpu(runner)
    runner.pdm("lock", env=cpu_machine)
    assert not (runner.project / "pdm.lock").exists()
    tool = _package(runner, "llama-cpp-python")["tool"]["wheel-variants"]
    assert tool["origin"] == "catalog"
    assert sorted(tool["variants"]) == ["cpu"]
    assert tool["variants"]["cpu"]["index"] == llama_index.index_url("llama/cpu")
    assert "wheel-variants" not in _package(runner, "plainlib")["tool"]
    runner.pdm("install", env=cpu_machine)
    assert backend(runner) == "cpu"

    # the lock lacks what a CUDA 12.4 machine selects: --check says so
    check = runner.pdm("lock", "--check", env=CUDA_12_4, check=False)
    assert check.returncode != 0
    assert "this machine selects variant 'cu124', the lock has cpu" in check.stdout + check.stderr

    runner.pdm("lock", env=CUDA_12_4)
    package = _package(runner, "llama-cpp-python")
    variant = package["tool"]["wheel-variants"]["variants"]["cu124"]
    assert variant["properties"] == ["nvidia :: cuda_version_lower_bound :: 12.4"]
    fallback = package["tool"]["wheel-variants"]["variants"]["cpu"]  # kept: machines without a GPU install it
    locked = sorted(f"sha256:{w['hashes']['sha256']}" for w in package["wheels"])
    assert sorted(variant["files"] + fallback["files"]) == locked and len(locked) == 2
    runner.pdm("install", env=CUDA_12_4)  # same version, other variant: reinstalled
    assert backend(runner) == "cu124"

    # the records survive a re-lock; the file is a valid PEP 751 lock
    before = (runner.project / "pylock.toml").read_text()
    runner.pdm("lock", "--update-reuse", env=CUDA_12_4)
    assert (runner.project / "pylock.toml").read_text() == before
    runner.pdm("lock", "--check", env=CUDA_12_4)
    _validate_pylock(_data(runner))

    # another PEP 751 reader installs the locked variant file
    target = tmp_path / "uv-venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    env = {**runner.env, "UV_CACHE_DIR": str(tmp_path / "uv-cache"), "UV_NO_CONFIG": "1"}
    env.pop("PYTHONPATH", None)
    subprocess.run(
        [_uv(), "pip", "install", "--python", str(python), "-r", str(runner.project / "pylock.toml")],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    out = subprocess.run(
        [str(python), "-c", "import llama_cpp; print(llama_cpp.BACKEND)"], capture_output=True, text=True
    )
    assert out.stdout.strip() == "cu124"


@pytest.fixture
def gpu_index(index_server: IndexServer, tmp_path: Path) -> IndexServer:
    from hatchbuild import publish_producer_gpu

    return publish_producer_gpu(index_server, tmp_path)


def _gpu_runner(tmp_path: Path, server: IndexServer) -> PdmRunner:
    return llama_runner(tmp_path, server, deps="", lock_format="pylock")


@pytest.mark.slow
def test_pylock_inlines_the_pep825_variants_json(tmp_path: Path, gpu_index: IndexServer) -> None:
    runner = _gpu_runner(tmp_path, gpu_index)
    runner.pdm("add", "gpu-demo", env={"NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION": "12.8"})
    package = _package(runner, "gpu-demo")

    inline = package["variants-json"]
    assert next(iter(inline)) == "$schema"
    assert inline["default-priorities"]["namespace"] == ["nvidia"]
    assert sorted(inline["variants"]) == ["cu126", "cu128", "null"]
    metadata_from_dict(inline, "pylock.toml")
    tool = package["tool"]["wheel-variants"]
    assert tool["origin"] == "pep825"
    assert tool["variants-json"]["url"].endswith("/gpu_demo-1.0.0-variants.json")
    assert "document" not in tool["variants-json"]
    labelled = {w["name"] for w in package["wheels"]}
    assert "gpu_demo-1.0.0-py3-none-any-cu128.whl" in labelled

    before = (runner.project / "pylock.toml").read_text()
    runner.pdm("lock", "--update-reuse")
    assert (runner.project / "pylock.toml").read_text() == before
    # packaging.pylock (26.x) rejects variant-labelled wheel names, so only the rest is checked there
    data = _data(runner)
    for entry in data["packages"]:
        entry["wheels"] = [w for w in entry.get("wheels", []) if w["name"].count("-") == 4]
    _validate_pylock(data)


@pytest.mark.slow
def test_pylock_installs_the_best_locked_pep825_wheel(tmp_path: Path, gpu_index: IndexServer) -> None:
    runner = _gpu_runner(tmp_path, gpu_index)
    runner.pdm("add", "gpu-demo", env={"NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION": "12.8"})
    assert runner.run_python("import gpu_demo; print(gpu_demo.installed_variant())") == "cu128"
