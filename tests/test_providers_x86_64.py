"""x86_64 levels and features from every real cpuinfo/sysctl capture, against PROVENANCE.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hardware_trees import capture, make_tree, provenance_rows
from wheel_variants.providers import x86_64
from wheel_variants.providers.cpuinfo_parse import common_words, parse_cpuinfo
from wheel_variants.system import SystemRoot

CPUINFO = provenance_rows("x86_64-cpuinfo")
SYSCTL = {name: row for name, row in provenance_rows("macos-sysctl").items() if "generic `x86_64" in row}


def expected_level(row: str) -> int:
    match = re.search(r"psABI level x86_64-v(\d)", row) or re.search(r"generic `x86_64(?:_v(\d))?`", row)
    assert match, row
    return int(match.group(1) or 1)


def test_every_capture_has_ground_truth() -> None:
    assert len(CPUINFO) >= 20
    assert len(SYSCTL) == 4


@pytest.mark.parametrize("name", sorted(CPUINFO))
def test_level_from_cpuinfo_capture(tmp_path: Path, name: str) -> None:
    root = make_tree(tmp_path, {"/proc/cpuinfo": capture(f"x86_64-cpuinfo/{name}")})
    result = x86_64.probe(SystemRoot(root))
    level = expected_level(CPUINFO[name])
    assert result.source == "/proc/cpuinfo"
    assert result.features[0].feature == "level"
    assert result.features[0].values == tuple(f"v{n}" for n in range(level, 0, -1))
    assert result.warnings == ()


@pytest.mark.parametrize("name", sorted(SYSCTL))
def test_level_from_macos_sysctl_capture(tmp_path: Path, name: str) -> None:
    root = make_tree(tmp_path, {"/sysctl.txt": capture(f"macos-sysctl/{name}")})
    system = SystemRoot(root)
    assert (system.platform, system.machine) == ("darwin", "x86_64")
    result = x86_64.probe(system)
    assert result.features[0].values[0] == f"v{expected_level(SYSCTL[name])}"


def test_flags_are_the_intersection_of_all_cpus() -> None:
    text = "processor : 0\nflags : sse avx2 fma\n\nprocessor : 1\nflags : sse fma\n"
    assert common_words(parse_cpuinfo(text), "flags") == {"sse", "fma"}


def test_masked_vm_flags_lower_the_level() -> None:
    # FACTS.md §2: the Fedora 29 VM shows avx2 but hides fma/bmi1/bmi2/f16c -> v2, and the
    # features list keeps avx2 (it is there) but not fma.
    flags = common_words(
        parse_cpuinfo(capture("x86_64-cpuinfo/py-cpuinfo-linux_fedora_29_x86_64_ryzen_7.cpuinfo")), "flags"
    )
    assert flags is not None
    items = dict(x86_64.supported_from_flags(flags))
    assert items["level"] == ["v2", "v1"]
    assert "avx2" in items
    assert "fma" not in items
    assert items["sse3"] == ["on"]  # the kernel spells SSE3 "pni"


def test_features_come_newest_first() -> None:
    names = x86_64.features_from_flags({"sse2", "avx512f", "avx2", "avx512_bf16"})
    assert names == ["avx512_bf16", "avx512f", "avx2", "sse2"]


def test_garbage_cpuinfo_gives_a_warning_not_an_exception(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {"/proc/cpuinfo": "\x00\x01 garbage without colons\n"})
    result = SystemRoot(root, machine="x86_64")
    probed = x86_64.probe(result)
    assert probed.features == ()
    assert probed.warnings == ("x86_64: /proc/cpuinfo lists no CPU flags; no CPU features known",)


def test_missing_cpuinfo_names_the_file(tmp_path: Path) -> None:
    probed = x86_64.probe(SystemRoot(tmp_path, machine="x86_64"))
    assert probed.features == ()
    assert "/proc/cpuinfo could not be read" in probed.warnings[0]


def test_other_architectures_are_silent(tmp_path: Path) -> None:
    root = make_tree(tmp_path, {"/proc/cpuinfo": capture("aarch64-cpuinfo/archspec-linux-amazon-neoverse_n1.cpuinfo")})
    probed = x86_64.probe(SystemRoot(root))
    assert probed.features == () and probed.warnings == ()
