"""aarch64 versions from every real cpuinfo/sysctl capture, against PROVENANCE.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hardware_trees import capture, make_tree, provenance_rows
from wheel_variants.providers import aarch64
from wheel_variants.system import SystemRoot

CPUINFO = provenance_rows("aarch64-cpuinfo")
SYSCTL = {name: row for name, row in provenance_rows("macos-sysctl").items() if "generic `armv" in row}

# PROVENANCE.md itself says archspec under-reports this Armv9.0 phone SoC (armv8.2a) because no
# core part matches and SVE is hidden. Its Features line shows every Armv8.5 marker (sb, flagm2,
# frint, dcpodp on top of v8.4) and no sve2/ecv, so we answer 8.5a, which still includes 8.2a.
UNDER_REPORTED = {"util-linux-arm-A510-A710-A715-X3.cpuinfo": "8.5a"}


def archspec_version(row: str) -> str:
    match = re.search(r"generic(?: ancestor)? `([\w.]+)`", row)
    assert match, row
    generic = match.group(1)
    return "8a" if generic == "aarch64" else generic.removeprefix("armv")


def test_captures_have_ground_truth() -> None:
    assert len(CPUINFO) == 21
    assert len(SYSCTL) == 5


@pytest.mark.parametrize("name", sorted(CPUINFO))
def test_version_from_cpuinfo_capture(tmp_path: Path, name: str) -> None:
    root = make_tree(tmp_path, {"/proc/cpuinfo": capture(f"aarch64-cpuinfo/{name}")})
    system = SystemRoot(root)
    assert system.machine == "aarch64"
    result = aarch64.probe(system)
    version = result.features[0]
    assert version.feature == "version"
    truth = archspec_version(CPUINFO[name])
    assert version.values[0] == UNDER_REPORTED.get(name, truth)
    assert truth in version.values  # whatever archspec picks stays installable
    assert version.values[-1] == "8a"


@pytest.mark.parametrize("name", sorted(SYSCTL))
def test_version_from_macos_sysctl_capture(tmp_path: Path, name: str) -> None:
    root = make_tree(tmp_path, {"/sysctl.txt": capture(f"macos-sysctl/{name}")})
    result = aarch64.probe(SystemRoot(root))
    assert result.features[0].values[0] == archspec_version(SYSCTL[name])


def test_version_lists_follow_armv9_inclusion() -> None:
    assert aarch64.versions_from("9.0a") == ["9.0a", "8.5a", "8.4a", "8.3a", "8.2a", "8.1a", "8a"]
    assert aarch64.versions_from("9.2a")[:5] == ["9.2a", "9.1a", "9.0a", "8.7a", "8.6a"]


def test_grace_without_pauth_is_still_armv9() -> None:
    # FACTS.md §4c: the Grace dump hides paca/pacg/bti; the core part decides.
    text = capture("aarch64-cpuinfo/archspec-linux-rhel9-neoverse_v2.cpuinfo")
    assert "paca" not in text
    assert aarch64.version_from_cpuinfo(text) == "9.0a"


def test_features_are_reported_with_value_on(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {"/proc/cpuinfo": capture("aarch64-cpuinfo/archspec-linux-rhel9-neoverse_n2.cpuinfo")})
    features = {f.feature: f.values for f in aarch64.probe(SystemRoot(root)).features}
    assert features["sve2"] == ("on",)
    assert features["i8mm"] == ("on",)
    assert "paca" not in features  # not shown by that kernel


def test_non_arm_dump_is_silent(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {"/proc/cpuinfo": capture("x86_64-cpuinfo/archspec-linux-rhel7-haswell.cpuinfo")})
    assert aarch64.probe(SystemRoot(root)).features == ()


def test_garbage_cpuinfo_on_arm_warns(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {"/proc/cpuinfo": "nonsense\n"})
    result = aarch64.probe(SystemRoot(root, machine="aarch64"))
    assert result.features == ()
    assert result.warnings == ("aarch64: /proc/cpuinfo shows no AArch64 CPU; no CPU features known",)
