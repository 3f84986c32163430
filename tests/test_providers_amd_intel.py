"""AMD (KFD topology, ROCm tools) and Intel (sysfs PCI) from real captures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hardware_trees import capture, make_tree, pci_tree_from_lspci, provenance_rows
from wheel_variants.providers import amd, intel
from wheel_variants.providers.amd_parse import gfx_name, parse_rocm_agent_enumerator, parse_rocm_version, parse_rocminfo
from wheel_variants.system import CommandResult, SystemRoot

AMD = provenance_rows("amd")
INTEL = provenance_rows("intel-gpu")
NODES = amd.KFD_NODES


@pytest.mark.parametrize(
    ("value", "name"),
    # FACTS.md §3, the kernel's kfd_device.c table, plus the two real pairings in the fixtures.
    [(70000, "gfx700"), (80003, "gfx803"), (90006, "gfx906"), (90010, "gfx90a"), (90012, "gfx90c"),
     (90402, "gfx942"), (100300, "gfx1030"), (110501, "gfx1151"), (120001, "gfx1201"), (0, None)],
)  # fmt: skip
def test_gfx_target_version_decoding(value: int, name: str | None) -> None:
    assert gfx_name(value) == name


def test_mi300x_kfd_node(tmp_path: Path) -> None:
    # rocm-cli#343: `grep gfx_target_version .../nodes/4/properties` -> 90402 on an MI300X.
    line = capture("amd/rocm-cli-pr343-mi300x-node4-grep-gfx_target_version.txt")
    root = make_tree(tmp_path, {
        f"{NODES}/0/properties": "cpu_cores_count 48\nsimd_count 0\ngfx_target_version 0\n",
        f"{NODES}/4/properties": f"cpu_cores_count 0\nsimd_count 1216\n{line}",
        "/opt/rocm/.info/version": "6.4.1-120\n",
    })  # fmt: skip
    result = amd.probe(SystemRoot(root, environ={}))
    assert [(f.feature, f.values, f.multi_value) for f in result.features] == [
        ("gfx_arch", ("gfx942",), True),
        ("rocm_version", ("6.4",), False),
    ]
    assert result.warnings == ()


def test_old_kernel_node_without_gfx_target_version_warns(tmp_path: Path) -> None:
    properties = capture("amd/ROCm-issue474-rx470-kernel4.18-kfd-node1.properties")
    assert "gfx_target_version" not in properties
    root = make_tree(tmp_path, {f"{NODES}/1/properties": properties})
    result = amd.probe(SystemRoot(root, environ={}))
    assert result.features == ()
    assert result.warnings == (
        f"amd: {NODES}/1/properties has no gfx_target_version (kernel too old); set {amd.FORCE_GFX}",
    )


def test_rocm_agent_enumerator_is_the_live_fallback(tmp_path: Path) -> None:
    output = capture("amd/llama.cpp-pr11209-rocm_agent_enumerator-gfx803-gfx902.txt")
    root = make_tree(tmp_path, {"/opt/rocm/bin/rocm_agent_enumerator": "#!/bin/sh\n"})
    system = SystemRoot(root, environ={}, run_command=lambda argv, timeout: CommandResult(returncode=0, stdout=output))
    result = amd.probe(system)
    assert result.features[0].values == ("gfx803", "gfx902")  # PROVENANCE: gfx000 is the CPU agent
    assert result.source == "rocm_agent_enumerator"


@pytest.mark.parametrize("name", sorted(n for n in AMD if "rocm_agent_enumerator" in n or "rocminfo" in n))
def test_rocm_tool_outputs(name: str) -> None:
    stated = set(re.findall(r"gfx[0-9a-f]+", AMD[name])) - {"gfx000"}
    text = capture(f"amd/{name}")
    found = parse_rocminfo(text) if "rocminfo" in name else parse_rocm_agent_enumerator(text)
    assert set(found) == stated
    if "iree" in name:
        assert found == ["gfx942"] * 8


def test_forced_values_skip_probing(tmp_path: Path) -> None:
    env = {amd.FORCE_GFX: "gfx1100, gfx90a", amd.FORCE_ROCM: "7.0.0"}
    result = amd.probe(SystemRoot(tmp_path, environ=env))
    assert {f.feature: f.values for f in result.features} == {
        "gfx_arch": ("gfx1100", "gfx90a"),
        "rocm_version": ("7.0",),
    }
    assert parse_rocm_version("garbage") is None


def test_garbage_forced_gfx_is_a_warning(tmp_path: Path) -> None:
    result = amd.probe(SystemRoot(tmp_path, environ={amd.FORCE_GFX: "GFX!!"}))
    assert result.features == ()
    assert result.warnings[0].startswith("amd: invalid variant value 'GFX!!'")


@pytest.mark.parametrize(
    ("name", "ips"),
    [
        # PCI ids stated in PROVENANCE.md; device IPs from intel-variant-provider's table.
        ("kata-containers-docs-pvc-max-x4.lspci-nn-D-grep-Display.txt", ("12.60.7",)),
        ("intel-extension-for-pytorch-issue678-max1100-x2.lspci.txt", ("12.60.7",)),
        ("intel-extension-for-pytorch-issue678-flex170-x2.lspci-grep-display.txt", ("12.55.8",)),
    ],
)
def test_intel_data_center_gpus_from_lspci_captures(tmp_path: Path, name: str, ips: tuple[str, ...]) -> None:
    assert "Display controller" in INTEL[name]  # class 0x0380 must count as a GPU
    root = make_tree(tmp_path, pci_tree_from_lspci(capture(f"intel-gpu/{name}")))
    result = intel.probe(SystemRoot(root, environ={}, platform="linux"))
    assert result.features[0].values == ips
    assert result.features[0].multi_value


def test_intel_arc_a380_from_hwinfo_ids(tmp_path: Path) -> None:
    text = capture("intel-gpu/intel-gpu-i915-backports-issue50-arc-a380.hwinfo-gfxcard-excerpt.txt")
    device = re.search(r"Device: pci 0x([0-9a-f]{4})", text)
    assert device and device.group(1) == "56a5"
    base = "/sys/bus/pci/devices/0000:03:00.0"
    root = make_tree(
        tmp_path, {f"{base}/vendor": "0x8086\n", f"{base}/device": "0x56a5\n", f"{base}/class": "0x030000\n"}
    )
    result = intel.probe(SystemRoot(root, environ={}, platform="linux"))
    assert result.features[0].values == ("12.56.5", "12.55.8")  # ACM-G11 and its DG2 base IP


def test_non_gpu_and_unreadable_pci_devices(tmp_path: Path) -> None:
    base = "/sys/bus/pci/devices"
    root = make_tree(tmp_path, {
        f"{base}/0000:00:1f.0/vendor": "0x8086\n", f"{base}/0000:00:1f.0/device": "0x56a0\n",
        f"{base}/0000:00:1f.0/class": "0x060100\n",  # a bridge with a GPU-looking id
        f"{base}/0000:00:02.0/vendor": "0x8086\n", f"{base}/0000:00:02.0/device": "zz\n",
        f"{base}/0000:00:02.0/class": "0x030000\n",
    })  # fmt: skip
    result = intel.probe(SystemRoot(root, environ={}, platform="linux"))
    assert result.features == ()
    assert result.warnings == (f"pci: {base}/0000:00:02.0 has unreadable vendor/device/class files; skipped",)
