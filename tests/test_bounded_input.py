"""Hostile input is refused within bounds: streams with a byte limit, FIFOs and devices refused,
command output capped, provider plugins unshadowable, file contents never echoed (issue 15)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from hardware_trees import make_tree
from wheel_variants.boundedio import read_limited, read_regular_file
from wheel_variants.errors import InputLimitError
from wheel_variants.jsonload import load_json_stream
from wheel_variants.providers import amd, nvidia
from wheel_variants.providers.external import run_plugin
from wheel_variants.system import SystemRoot, run_command

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


def endless(chunk: bytes = b" " * 65536):  # type: ignore[no-untyped-def]
    while True:
        yield chunk


def test_a_stream_without_end_fails_at_the_limit() -> None:
    with pytest.raises(InputLimitError) as caught:
        read_limited(endless(), 1024 * 1024, "https://x.example/demo-1.0-variants.json")
    assert str(caught.value) == (
        "https://x.example/demo-1.0-variants.json: more than 1048576 bytes; refusing it (limit 1048576 bytes)"
    )
    with pytest.raises(InputLimitError):
        load_json_stream(endless(), "demo-1.0-variants.json")  # the 16 MiB default


def test_a_stream_within_the_limit_is_read_whole() -> None:
    assert load_json_stream(iter([b'{"a"', b": 1}"]), "x.json") == {"a": 1}
    assert read_limited([b"ab", b"cd"], 4, "x") == b"abcd"


@needs_fifo
def test_fifo_and_device_are_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(InputLimitError, match=r"fifo: not a regular file \(a FIFO\); refusing to read it"):
        read_regular_file(tmp_path / "fifo", 100)
    if Path("/dev/zero").exists():
        with pytest.raises(InputLimitError, match=r"not a regular file \(a device\)"):
            read_regular_file("/dev/zero", 100)
    (tmp_path / "big").write_bytes(b"x" * 101)
    with pytest.raises(InputLimitError, match="more than 100 bytes"):
        read_regular_file(tmp_path / "big", 100)


@needs_fifo
def test_a_fifo_under_root_is_unreadable_not_a_hang(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "root", {"/proc/cpuinfo": "flags : fpu sse sse2\n"})
    os.mkfifo(root / "sys-version")
    (root / "sys" / "module" / "nvidia").mkdir(parents=True)
    os.mkfifo(root / "sys" / "module" / "nvidia" / "version")
    system = SystemRoot(root)
    started = time.monotonic()
    assert system.read_text("/sys/module/nvidia/version") is None
    assert nvidia.probe(system).features == ()
    assert time.monotonic() - started < 5


def test_warnings_under_root_name_the_file_but_never_its_content(tmp_path: Path) -> None:
    secret = "AWS_SECRET_ACCESS_KEY=abcd1234"
    (tmp_path / "secret").write_text(secret, encoding="utf-8")
    root = make_tree(tmp_path / "root", {})
    for link in ("sys/module/nvidia/version", "opt/rocm/.info/version"):
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        (root / link).symlink_to(tmp_path / "secret")
    warnings: list[str] = []
    nvidia_result = nvidia.probe(SystemRoot(root))
    amd.rocm_version(SystemRoot(root), warnings)
    shown = [*nvidia_result.warnings, *warnings]
    assert shown == [
        "nvidia: /sys/module/nvidia/version does not hold a driver version (30 characters, not shown)",
        "amd: /opt/rocm/.info/version does not hold a ROCm version (30 characters, not shown)",
    ]
    assert not any("abcd" in line for line in shown)


def test_command_output_is_capped() -> None:
    endless_output = [sys.executable, "-c", "import sys\nwhile True: sys.stdout.write('x' * 65536)"]
    started = time.monotonic()
    result = run_command(endless_output, 20.0, limit=1024 * 1024)
    assert time.monotonic() - started < 15
    assert result.error == "printed more than 1048576 bytes on stdout; stopped"
    assert not result.ok


def test_command_timeout_and_normal_output() -> None:
    sleeper = [sys.executable, "-c", "import time; time.sleep(30)"]
    started = time.monotonic()
    assert run_command(sleeper, 0.5).error == "timed out after 0.5 s"
    assert time.monotonic() - started < 10
    result = run_command([sys.executable, "-c", "print('hello')"], 10.0)
    assert result.ok and result.stdout.strip() == "hello"


def test_a_module_in_the_working_directory_cannot_shadow_a_trusted_provider(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = tmp_path / "site"
    installed.mkdir()
    (installed / "demo_provider.py").write_text(
        "class Config:\n    name = 'arch'\n    values = ['90']\n\n"
        "class Plugin:\n    def get_supported_configs(self):\n        return [Config()]\n",
        encoding="utf-8",
    )
    work = tmp_path / "work"
    work.mkdir()
    (work / "demo_provider.py").write_text(
        "class Config:\n    name = 'arch'\n    values = ['666']\n\n"
        "class Plugin:\n    def get_supported_configs(self):\n        return [Config()]\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(work)
    monkeypatch.setenv("PYTHONPATH", str(installed))
    result = run_plugin("demo", "demo_provider:Plugin", SystemRoot(), timeout=30.0)
    assert result.warnings == ()
    assert [(f.feature, f.values) for f in result.features] == [("arch", ("90",))]
