"""Bad input through the real ``pdm`` CLI: one clear line each, lock and environment unchanged.

* a locked file whose bytes changed on the index;
* a locked label whose file the index no longer has;
* an unknown namespace in a declared variant (a warning naming the key, not an error);
* a catalog package whose variant index cannot be reached.

Each case runs with ``pdm.lock`` and, where the path differs, with ``pylock.toml`` (whose
static URLs take another download path in PDM).
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from indexserver import IndexServer
from llamamirror import CUDA_12_4, backend, llama_mirror, llama_runner, no_gpu
from pdmtools import PdmRunner, error_line
from wheelmaker import make_wheel

WHEEL = "llama_cpp_python-0.3.2-py3-none-any.whl"
LOCKS = {"pdm": "pdm.lock", "pylock": "pylock.toml"}


# -- the message builders (fast) -------------------------------------------------------------


def test_messages_are_one_line_and_name_the_file_and_url() -> None:
    from pdm_variants.find.repository import unreachable_index_message
    from pdm_variants.install.preflight import (
        changed_file_message,
        download_failed_message,
        missing_file_message,
        unreachable_message,
    )

    what = "llama-cpp-python 0.3.2, variant 'cu124' in pdm.lock"
    messages = [
        changed_file_message(WHEEL, "http://i/llama/cu124", ["sha256:aa"], "sha256:bb", what),
        missing_file_message([WHEEL], ["http://i/llama/cu124"], what),
        download_failed_message(
            f"http://i/llama/cu124/llama-cpp-python/{WHEEL}",
            what,
            "Download failed: Client error '404 Not Found' for url 'http://i/x'\nFor more information check: ...",
        ),
        unreachable_message("http://i/llama/cu124", what, "[Errno 111]\nConnection refused"),
        unreachable_index_message(
            "llama-cpp-python", "cu124", "http://i/llama/cu124", "[Errno 111] Connection refused"
        ),
    ]
    for message in messages:
        assert "\n" not in message
        assert message.startswith("wheel-variants: ")
        assert "http://i/llama/cu124" in message
    assert "sha256:aa" in messages[0] and "sha256:bb" in messages[0]
    assert WHEEL in messages[1]
    assert ": 404 Not Found;" in messages[2]


def test_unknown_namespace_and_unfit_package_warnings() -> None:
    from pdm_variants.diagnose import plan_warnings
    from wheel_variants.packages import parse_packages, select_variant
    from wheel_variants.supported import SupportedProperties

    table = {
        "packages": {
            "demo": {
                "variants": {
                    "fancy": {"index": "http://i/fancy", "properties": ["nosuchns :: feature :: value"]},
                    "cuda": {"index": "http://i/cuda", "properties": ["nvidia :: cuda_version_lower_bound :: 12.4"]},
                },
                "allow-other-sources": True,  # else no warning: resolution stops (no_fit_refusal)
            }
        }
    }
    (package,) = parse_packages(table, prefix="[tool.wheel-variants]", origin="pyproject.toml").packages
    nothing = SupportedProperties.from_dict({})
    lines = plan_warnings([select_variant(package, nothing, {})], nothing, ["nvidia"])
    assert len(lines) == 2
    assert "[tool.wheel-variants] packages.demo.variants.fancy.properties: namespace 'nosuchns'" in lines[0]
    assert "nvidia" not in lines[0]  # a built-in namespace is never "unknown"
    assert lines[1].startswith("wheel-variants: no variant of demo fits this machine (cuda: ")
    assert lines[1].endswith("it resolves from the project's other sources (allow-other-sources = true)")

    # supplied by the machine (WHEEL_VARIANTS_PROPERTIES, a target): chosen, nothing to warn about
    supplied = SupportedProperties.from_dict({"nosuchns": {"feature": ["value"]}})
    assert plan_warnings([select_variant(package, supplied, {})], supplied, ["nvidia"]) == []


# -- the real pdm CLI ------------------------------------------------------------------------


@pytest.fixture
def llama_index(index_server: IndexServer, tmp_path: Path) -> IndexServer:
    return llama_mirror(index_server, tmp_path)


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _cpu_installed_cuda_locked(tmp_path: Path, server: IndexServer, lock_format: str) -> tuple[PdmRunner, bytes]:
    """A project with the cpu build installed and cu124 locked (the next install switches)."""
    runner = llama_runner(tmp_path, server, lock_format=lock_format)
    cpu_machine = no_gpu(runner)
    runner.pdm("lock", env=cpu_machine)
    runner.pdm("install", env=cpu_machine)
    assert backend(runner) == "cpu"
    runner.pdm("lock", env=CUDA_12_4)
    return runner, (runner.project / LOCKS[lock_format]).read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("lock_format", ["pdm", "pylock"])
def test_a_locked_file_that_changed_on_the_index(tmp_path: Path, llama_index: IndexServer, lock_format: str) -> None:
    runner, lock = _cpu_installed_cuda_locked(tmp_path, llama_index, lock_format)
    tampered = make_wheel(
        tmp_path / "evil", "llama-cpp-python", "0.3.2", files={"llama_cpp/__init__.py": "BACKEND = 'evil'\n"}
    )
    shutil.copyfile(tampered, llama_index.project_dir("llama/cu124", "llama-cpp-python") / WHEEL)

    line = error_line(runner.pdm("install", env=CUDA_12_4, check=False))
    assert WHEEL in line
    assert llama_index.index_url("llama/cu124") in line
    assert "does not match the locked hash" in line
    assert "variant 'cu124'" in line
    assert (runner.project / LOCKS[lock_format]).read_bytes() == lock
    assert backend(runner) == "cpu"


@pytest.mark.slow
@pytest.mark.parametrize("lock_format", ["pdm", "pylock"])
def test_a_locked_label_the_index_no_longer_has(tmp_path: Path, llama_index: IndexServer, lock_format: str) -> None:
    runner, lock = _cpu_installed_cuda_locked(tmp_path, llama_index, lock_format)
    shutil.rmtree(llama_index.project_dir("llama/cu124", "llama-cpp-python"))

    line = error_line(runner.pdm("install", env=CUDA_12_4, check=False))
    assert llama_index.index_url("llama/cu124") in line
    assert WHEEL in line
    assert "no longer has" in line if lock_format == "pdm" else "404 " in line
    assert "Run `pdm lock`" in line
    assert (runner.project / LOCKS[lock_format]).read_bytes() == lock
    assert backend(runner) == "cpu"


@pytest.mark.slow
def test_an_unknown_namespace_warns_with_the_key_and_is_usable_when_supplied(
    tmp_path: Path, llama_index: IndexServer
) -> None:
    # the default index has a plain build too: never what a package no variant fits resolves to
    llama_index.add(
        "simple",
        make_wheel(
            tmp_path / "dist" / "plain",
            "llama-cpp-python",
            "0.3.2",
            files={"llama_cpp/__init__.py": "BACKEND = 'pypi'\n"},
        ),
    )
    extra = f"""
[tool.wheel-variants.packages.llama-cpp-python.variants.fancy]
index = "{llama_index.index_url("llama/cu125")}"
properties = ["nosuchns :: feature :: value"]
"""
    runner = llama_runner(tmp_path, llama_index, extra=extra)
    result = runner.pdm("lock", env=CUDA_12_4, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert (
        "wheel-variants: [tool.wheel-variants] packages.llama-cpp-python.variants.fancy.properties: "
        "namespace 'nosuchns' has no built-in provider" in output
    )
    assert "no variant of llama-cpp-python fits this machine (fancy: needs nosuchns :: feature :: value" in output
    assert "not looked up on the project's other sources" in output
    assert not (runner.project / "pdm.lock").exists()

    # a machine that supplies the namespace gets the variant, and nothing is warned about
    supplied = {**CUDA_12_4, "WHEEL_VARIANTS_PROPERTIES": "nosuchns :: feature :: value"}
    result = runner.pdm("lock", env=supplied)
    assert "nosuchns" not in result.stdout + result.stderr
    runner.pdm("install", env=supplied)
    assert backend(runner) == "cu125"


@pytest.mark.slow
def test_a_malformed_property_is_a_config_error_naming_the_key(tmp_path: Path, llama_index: IndexServer) -> None:
    extra = """
[tool.wheel-variants.packages.llama-cpp-python.variants.fancy]
index = "http://127.0.0.1:9/x"
properties = ["nosuchns :: feature"]
"""
    runner = llama_runner(tmp_path, llama_index, extra=extra)
    result = runner.pdm("lock", env=CUDA_12_4, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert "packages.llama-cpp-python.variants.fancy.properties[0]" in output
    assert not (runner.project / "pdm.lock").exists()


@pytest.mark.slow
def test_an_unreachable_catalog_index_writes_no_lock(tmp_path: Path, llama_index: IndexServer) -> None:
    runner = llama_runner(tmp_path, llama_index)
    closed = _closed_port_url()
    unreachable = {**CUDA_12_4, "WHEEL_VARIANTS_INDEX_BASE_LLAMA_CPP": f"{closed}/llama"}
    pyproject = (runner.project / "pyproject.toml").read_bytes()

    line = error_line(runner.pdm("lock", env=unreachable, check=False))
    assert f"cannot reach {closed}/llama/cu124, the index of variant 'cu124' of llama-cpp-python" in line
    assert not (runner.project / "pdm.lock").exists()

    line = error_line(runner.pdm("add", "plainlib", env=unreachable, check=False))
    assert f"{closed}/llama/cu124" in line
    assert not (runner.project / "pdm.lock").exists()
    assert (runner.project / "pyproject.toml").read_bytes() == pyproject
    assert backend(runner) is None


@pytest.mark.slow
@pytest.mark.parametrize("lock_format", ["pdm", "pylock"])
def test_an_unreachable_index_leaves_the_lock_and_environment(
    tmp_path: Path, llama_index: IndexServer, lock_format: str
) -> None:
    runner, lock = _cpu_installed_cuda_locked(tmp_path, llama_index, lock_format)
    closed = _closed_port_url()
    unreachable = {**CUDA_12_4, "WHEEL_VARIANTS_INDEX_BASE_LLAMA_CPP": f"{closed}/llama"}
    if lock_format == "pylock":  # the locked URLs are what is fetched: make them unreachable
        llama_index.stop()

    line = error_line(runner.pdm("install", env=unreachable, check=False))
    assert "cannot reach" in line
    assert (closed if lock_format == "pdm" else llama_index.url) in line
    assert (runner.project / LOCKS[lock_format]).read_bytes() == lock
    assert backend(runner) == "cpu"

    if lock_format == "pdm":
        line = error_line(runner.pdm("lock", env=unreachable, check=False))
        assert f"{closed}/llama/cu124" in line
        assert (runner.project / "pdm.lock").read_bytes() == lock


@pytest.mark.slow
@pytest.mark.parametrize("deps", ['"llama-cpp-python"', '"plainlib"'])
def test_a_misspelled_tool_key_is_an_error_with_a_suggestion(
    tmp_path: Path, llama_index: IndexServer, deps: str
) -> None:
    # "plainlib": no catalog package, so only the misspelled table says the project meant variants
    extra = '\n[tool.wheel-variants.pakages.llama-cpp-python]\ndefault = "cpu"\n'
    runner = llama_runner(tmp_path, llama_index, deps=deps, extra=extra)
    result = runner.pdm("lock", env=CUDA_12_4, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert "unknown key 'pakages'; did you mean 'packages'?" in output
    assert not (runner.project / "pdm.lock").exists()
