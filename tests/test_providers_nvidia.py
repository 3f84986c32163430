"""NVIDIA: value sets, parsers on real captures, and the probe chain through the seam."""

from __future__ import annotations

import ctypes
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from hardware_trees import capture, make_tree, provenance_rows
from wheel_variants.providers import nvidia
from wheel_variants.providers.nvidia_parse import (
    cuda_from_driver,
    lower_bound_values,
    parse_device_query,
    parse_driver_version,
    parse_nvidia_smi,
    parse_proc_driver_version,
    upper_bound_values,
)
from wheel_variants.system import CommandResult, SystemRoot

ROWS = provenance_rows("nvidia")


def test_forced_12_8_and_sm_9_0_match_the_nvidia_provider(tmp_path: Path) -> None:
    # research/pep817_variantlib.md §7: the NVIDIA provider run with these overrides.
    env = {nvidia.FORCE_CUDA: "12.8", nvidia.FORCE_SM: "9.0"}
    result = nvidia.probe(SystemRoot(tmp_path, environ=env))
    features = {f.feature: f for f in result.features}
    lower = features["cuda_version_lower_bound"].values
    upper = features["cuda_version_upper_bound"].values
    assert len(lower) == 32
    assert lower[:3] == ("12.8", "12.7", "12.6")
    assert lower[8:12] == ("12.0", "12", "11.20", "11.19")
    assert lower[-2:] == ("11.0", "11")
    assert len(upper) == 78
    assert upper[:2] == ("15.20", "15.19")
    assert upper[20:23] == ("15.0", "15", "14.20")
    assert upper[-3:] == ("12.11", "12.10", "12.9")
    assert "13" in upper and "12" not in upper and "12.8" not in upper
    assert features["sm_arch"].values == ("90_real", "90_virtual")
    assert features["sm_arch"].multi_value
    assert list(features) == ["cuda_version_lower_bound", "cuda_version_upper_bound", "sm_arch"]
    assert result.source == f"{nvidia.FORCE_CUDA} + {nvidia.FORCE_SM}"


def test_sm_arch_lists_lower_minors_of_the_same_major() -> None:
    warnings: list[str] = []
    items = dict(nvidia.supported_for((12, 7), (12, 5), warnings))
    # nvidia-variant-provider's own test: 12.7 / 12.5 -> lower ends at "11", upper at "12.8".
    assert items["cuda_version_lower_bound"][0] == "12.7"
    assert items["cuda_version_upper_bound"][-1] == "12.8"
    assert items["sm_arch"][0] == "125_real" and items["sm_arch"][-1] == "120_virtual"
    assert lower_bound_values((11, 0)) == ["11.0", "11"]
    assert upper_bound_values((15, 20)) == []  # nothing is above the newest known version


def test_out_of_range_cuda_gives_nothing_and_says_why() -> None:
    warnings: list[str] = []
    assert nvidia.supported_for((10, 2), None, warnings) == []
    assert warnings == ["nvidia: CUDA driver version 10.2 is outside 11.0-15.20; no nvidia properties are supported"]


def _stated_driver(row: str) -> str | None:
    match = re.search(r"(?:Driver|Kernel module) (\d+(?:\.\d+)+)", row)
    return match.group(1) if match else None


@pytest.mark.parametrize("name", sorted(n for n in ROWS if "proc-driver-nvidia-version" in n or "sys-module" in n))
def test_driver_version_files(name: str) -> None:
    text = capture(f"nvidia/{name}")
    found = parse_proc_driver_version(text) if "proc-driver" in name else text.strip()
    if "jetson" in name:
        assert found == "35.3.1"  # the L4T release, rejected later by the table
        return
    assert found == _stated_driver(ROWS[name])
    table = re.search(r"Table 3 max toolkit: CUDA (\d+\.\d+)", ROWS[name])
    if table:
        driver = parse_driver_version(found)
        assert driver is not None
        assert cuda_from_driver(driver) == table.group(1)


@pytest.mark.parametrize("name", sorted(n for n in ROWS if "nvidia-smi" in n and "-L" not in n))
def test_nvidia_smi_captures(name: str) -> None:
    driver, cuda = parse_nvidia_smi(capture(f"nvidia/{name}"))
    row = ROWS[name]
    stated = re.search(r"nvidia-smi CUDA \*\*(\d+)\.(\d+)\*\*|`CUDA Version : (\d+)\.(\d+)`", row)
    if stated:
        numbers = [int(g) for g in stated.groups() if g is not None]
        assert cuda == (numbers[0], numbers[1])
        assert driver == _stated_driver(row)
    elif "Not Found" in row:
        assert cuda is None and driver == _stated_driver(row)
    else:  # failure text: NVML mismatch
        assert (driver, cuda) == (None, None)


@pytest.mark.parametrize("name", sorted(n for n in ROWS if n.endswith("deviceQuery.txt")))
def test_device_query_compute_capability(name: str) -> None:
    stated = re.search(r"version number: (\d+)\.(\d+)", ROWS[name])
    assert stated
    found = parse_device_query(capture(f"nvidia/{name}"))
    assert found and set(found) == {(int(stated.group(1)), int(stated.group(2)))}


# -- the probe chain through the seam ------------------------------------------------------------


class FakeNvml:
    """Answers NVML calls like libnvidia-ml does, writing through ctypes.byref pointers."""

    def __init__(self, cuda: int, capabilities: Sequence[tuple[int, int]], fail: dict[str, int] | None = None):
        self.cuda = cuda
        self.capabilities = list(capabilities)
        self.fail = fail or {}
        self.shutdown_calls = 0

    def _status(self, name: str) -> int:
        return self.fail.get(name, 0)

    def nvmlInit_v2(self) -> int:
        return self._status("nvmlInit_v2")

    def nvmlSystemGetCudaDriverVersion_v2(self, ref: Any) -> int:
        ref._obj.value = self.cuda
        return self._status("nvmlSystemGetCudaDriverVersion_v2")

    def nvmlDeviceGetCount_v2(self, ref: Any) -> int:
        ref._obj.value = len(self.capabilities)
        return 0

    def nvmlDeviceGetHandleByIndex_v2(self, index: ctypes.c_uint, ref: Any) -> int:
        ref._obj.value = index.value + 1
        return 0

    def nvmlDeviceGetCudaComputeCapability(self, handle: ctypes.c_void_p, major: Any, minor: Any) -> int:
        major._obj.value, minor._obj.value = self.capabilities[(handle.value or 1) - 1]
        return 0

    def nvmlShutdown(self) -> int:
        self.shutdown_calls += 1
        return 0


def _system(tmp_path: Path, lib: object | None = None, smi: CommandResult | None = None, **files: str) -> SystemRoot:
    make_tree(tmp_path, {path.replace("__", "/"): text for path, text in files.items()})
    calls: list[Sequence[str]] = []

    def run(argv: Sequence[str], timeout: float) -> CommandResult:
        calls.append(argv)
        assert timeout <= 2.0
        return smi or CommandResult(returncode=None, error="not found")

    return SystemRoot(tmp_path, environ={}, load_library=lambda names: lib, run_command=run)


def test_nvml_answers_cuda_and_highest_compute_capability(tmp_path: Path) -> None:
    lib = FakeNvml(12070, [(8, 6), (9, 0)])  # H100 box: driver CUDA 12.7 (thamada-H100SXMx8)
    result = nvidia.probe(_system(tmp_path, lib))
    features = {f.feature: f.values for f in result.features}
    assert features["cuda_version_lower_bound"][0] == "12.7"
    assert features["sm_arch"] == ("90_real", "90_virtual")
    assert result.source == "nvml" and result.warnings == ()
    assert lib.shutdown_calls == 1


def test_nvml_without_symbols_falls_back_to_sysfs(tmp_path: Path) -> None:
    class Empty:
        pass

    system = _system(
        tmp_path,
        Empty(),
        __sys__module__nvidia__version=capture("nvidia/gengwg-cheatsheets-470.63.01-rhel7.sys-module-nvidia-version"),
    )
    result = nvidia.probe(system)
    assert result.features[0].values[0] == "11.4"
    assert "nvmlInit_v2 or nvmlInit" in result.warnings[0]
    assert "sm_arch omitted" in result.warnings[-1]
    assert result.source == "/sys/module/nvidia/version (driver 470.63.01)"


def test_nvml_error_falls_back_to_proc(tmp_path: Path) -> None:
    lib = FakeNvml(12040, [], fail={"nvmlInit_v2": 18})  # driver/library version mismatch
    system = _system(
        tmp_path,
        lib,
        __proc__driver__nvidia__version=capture(
            "nvidia/truenas-nvidia-drivers-issue19-580.173.02.proc-driver-nvidia-version"
        ),
    )
    result = nvidia.probe(system)
    assert result.features[0].values[0] == "13.0"  # PROVENANCE: Table 3 max toolkit 13.0
    assert "nvmlInit_v2() returned NVML error 18" in result.warnings[0]


def test_jetson_and_old_drivers_give_nothing_with_a_warning(tmp_path: Path) -> None:
    jetson = _system(
        tmp_path / "a",
        None,
        __proc__driver__nvidia__version=capture(
            "nvidia/nixGL-issue139-jetson-orin-nx-l4t-35.3.1-aarch64.proc-driver-nvidia-version"
        ),
    )
    result = nvidia.probe(jetson)
    assert result.features == () and "not a known desktop/data-center driver" in result.warnings[0]
    old = _system(
        tmp_path / "b",
        None,
        __proc__driver__nvidia__version=capture("nvidia/neofetch-issue876-384.98-ubuntu.proc-driver-nvidia-version"),
    )
    result = nvidia.probe(old)
    assert result.features == () and "9.0 is outside 11.0-15.20" in result.warnings[0]


def test_garbage_version_file_is_a_warning(tmp_path: Path) -> None:
    result = nvidia.probe(_system(tmp_path, None, __sys__module__nvidia__version="\xff\xfe garbage"))
    assert result.features == ()
    assert result.warnings[0].startswith("nvidia: /sys/module/nvidia/version does not hold a driver version")


def test_no_gpu_is_an_empty_answer_without_warnings(tmp_path: Path) -> None:
    assert nvidia.probe(_system(tmp_path)) == nvidia.ProbeResult.empty("nvidia")


def test_captured_root_never_loads_nvml_or_runs_commands(tmp_path: Path) -> None:
    system = SystemRoot(tmp_path, environ={})
    assert system.load_library(["libc.so.6"]) is None
    assert system.run(["true"]).error.startswith("commands are not run")


def test_nvidia_smi_is_the_last_resort_with_a_timeout(tmp_path: Path) -> None:
    smi = CommandResult(returncode=0, stdout=capture("nvidia/speaches-pr438-570.133.20-L4.nvidia-smi.txt"))
    result = nvidia.probe(_system(tmp_path, None, smi))
    assert result.source == "nvidia-smi"
    assert result.features[0].values[0] == "12.8"


@pytest.mark.parametrize(
    ("smi", "warning"),
    [
        (CommandResult(returncode=None, error="timed out after 2 s"), "nvidia: nvidia-smi timed out after 2 s"),
        (
            CommandResult(
                returncode=9, stdout=capture("nvidia/asokolsky-nvml-driver-library-mismatch.nvidia-smi-stderr.txt")
            ),
            "nvidia: nvidia-smi gave no CUDA version: 'Failed to initialize NVML: Driver/library version mismatch'",
        ),
        (CommandResult(returncode=0, stdout="¯\\_(ツ)_/¯"), "nvidia: nvidia-smi gave no CUDA version: '¯\\\\_(ツ)_/¯'"),
    ],
)
def test_hanging_or_nonsense_nvidia_smi_is_a_warning(tmp_path: Path, smi: CommandResult, warning: str) -> None:
    result = nvidia.probe(_system(tmp_path, None, smi))
    assert result.features == ()
    assert result.warnings == (warning,)


def test_bad_override_is_ignored_with_a_warning(tmp_path: Path) -> None:
    system = SystemRoot(tmp_path, environ={nvidia.FORCE_CUDA: "twelve"})
    result = nvidia.probe(system)
    assert result.features == ()
    assert result.warnings[0] == f"nvidia: ignoring {nvidia.FORCE_CUDA}='twelve': expected MAJOR.MINOR such as 12.8"
