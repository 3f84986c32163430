"""The ``apple`` namespace (Metal on Apple Silicon) from real macOS sysctl captures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hardware_trees import capture, make_tree, provenance_rows
from wheel_variants.providers import apple
from wheel_variants.system import SystemRoot

ROWS = provenance_rows("macos-sysctl")
# Apple's Metal feature-set tables: M1 = Apple7, M2 = Apple8, M3/M4 = Apple9.
FAMILY = {"m1": "apple7", "m2": "apple8", "m3": "apple9", "m4": "apple9"}


@pytest.mark.parametrize("name", sorted(n for n, row in ROWS.items() if "expects `m" in row))
def test_apple_silicon_capture(tmp_path: Path, name: str) -> None:
    chip = re.search(r"expects `(m\d)`", ROWS[name])
    assert chip
    root = make_tree(tmp_path, {"/sysctl.txt": capture(f"macos-sysctl/{name}")})
    features = {f.feature: f.values for f in apple.probe(SystemRoot(root)).features}
    assert features["metal"] == ("on",)
    assert features["chip"][0] == chip.group(1)
    assert features["chip"][-1] == "m1"
    assert features["gpu_family"][0] == FAMILY[chip.group(1)]


@pytest.mark.parametrize("name", sorted(n for n, row in ROWS.items() if "generic `x86_64" in row))
def test_intel_mac_has_no_apple_namespace(tmp_path: Path, name: str) -> None:
    root = make_tree(tmp_path, {"/sysctl.txt": capture(f"macos-sysctl/{name}")})
    assert apple.probe(SystemRoot(root)).features == ()


def test_linux_is_silent(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {"/proc/cpuinfo": capture("aarch64-cpuinfo/archspec-linux-asahi-m1.cpuinfo")})
    assert apple.probe(SystemRoot(root)).features == ()
