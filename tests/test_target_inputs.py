"""Targets given as provider inputs answer what ``detect`` answers on the machine they describe.

Every comparison runs the real probe (through :func:`detect`) on a captured machine from
``tests/fixtures/hardware`` or with the vendor's forced variables, and reads the input value from
the capture or from PROVENANCE.md, never from our own tables.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from hardware_trees import capture, make_tree, pci_tree_from_lspci, provenance_rows
from test_providers_aarch64 import CPUINFO as AARCH64_CPUINFO
from test_providers_aarch64 import UNDER_REPORTED, archspec_version
from test_providers_x86_64 import CPUINFO as X86_CPUINFO
from test_providers_x86_64 import SYSCTL as X86_SYSCTL
from test_providers_x86_64 import expected_level
from wheel_variants.cli import main
from wheel_variants.config import ConfigError, parse_config
from wheel_variants.detection import Detection, clear_memo, detect
from wheel_variants.detection.provider_inputs import INPUT_KEYS
from wheel_variants.detection.targets import load_target
from wheel_variants.providers import aarch64, amd, nvidia, x86_64
from wheel_variants.providers.cpuinfo_parse import common_words, parse_cpuinfo
from wheel_variants.system import CommandResult, SystemRoot

NVIDIA = provenance_rows("nvidia")
MACOS = provenance_rows("macos-sysctl")
PREFIX = "[tool.wheel-variants] targets.alice"

Features = list[tuple[str, tuple[str, ...], bool]]


def from_inputs(body: dict[str, Any], namespace: str) -> Features:
    detection = load_target("alice", parse_config({"targets": {"alice": body}}))
    assert detection.source(namespace) == "target alice (inputs)"
    return features(detection, namespace)


def features(detection: Detection, namespace: str) -> Features:
    answer = detection.answer(namespace)
    assert answer is not None, f"no {namespace} answer"
    return [(f.feature, f.values, f.multi_value) for f in answer.features]


def probed(root: Path, environ: dict[str, str] | None = None, **doors: Any) -> Detection:
    clear_memo()
    return detect(system=SystemRoot(root, environ=environ or {}, **doors), use_cache=False)


def config_error(table: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(table)
    return str(caught.value).splitlines()


# -- nvidia -------------------------------------------------------------------------------------


def _stated(pattern: str, name: str) -> str:
    match = re.search(pattern, capture(f"nvidia/{name}"))
    assert match, name
    return match.group(1)


PAIRS = sorted(
    name.removesuffix(".nvidia-smi.txt")
    for name in NVIDIA
    if name.endswith(".nvidia-smi.txt") and name.replace(".nvidia-smi.txt", ".deviceQuery.txt") in NVIDIA
)


@pytest.mark.parametrize("machine", PAIRS)
def test_cuda_driver_and_sm_arch_match_the_forced_nvidia_provider(tmp_path: Path, machine: str) -> None:
    cuda = _stated(r"CUDA Version:\s*([\d.]+)", f"{machine}.nvidia-smi.txt")
    sm = _stated(r"CUDA Capability Major/Minor version number:\s*([\d.]+)", f"{machine}.deviceQuery.txt")
    forced = probed(tmp_path, {nvidia.FORCE_CUDA: cuda, nvidia.FORCE_SM: sm})
    assert from_inputs({"cuda-driver": cuda, "sm-arch": sm}, "nvidia") == features(forced, "nvidia")


@pytest.mark.parametrize("machine", PAIRS)
def test_cuda_driver_alone_matches_the_nvidia_smi_probe(tmp_path: Path, machine: str) -> None:
    smi = capture(f"nvidia/{machine}.nvidia-smi.txt")
    machine_answer = probed(
        tmp_path, platform="linux", run_command=lambda argv, timeout: CommandResult(returncode=0, stdout=smi)
    )
    assert machine_answer.source("nvidia") == "nvidia-smi"
    cuda = _stated(r"CUDA Version:\s*([\d.]+)", f"{machine}.nvidia-smi.txt")
    assert from_inputs({"cuda-driver": cuda}, "nvidia") == features(machine_answer, "nvidia")


def test_a_cuda_version_the_provider_does_not_know_gives_its_warning_not_properties() -> None:
    detection = load_target("old", parse_config({"targets": {"old": {"cuda-driver": "10.2", "x86-64-level": "v2"}}}))
    assert detection.namespaces == ("x86_64",)
    assert detection.warnings == (
        "target old: nvidia: CUDA driver version 10.2 is outside 11.0-15.20; no nvidia properties are supported",
    )


# -- amd ----------------------------------------------------------------------------------------


def test_gfx_arch_and_rocm_version_match_a_captured_mi300x(tmp_path: Path) -> None:
    line = capture("amd/rocm-cli-pr343-mi300x-node4-grep-gfx_target_version.txt")
    root = make_tree(tmp_path, {
        f"{amd.KFD_NODES}/0/properties": "simd_count 0\ngfx_target_version 0\n",
        f"{amd.KFD_NODES}/4/properties": f"simd_count 1216\n{line}",
        "/opt/rocm/.info/version": "6.4.1-120\n",
    })  # fmt: skip
    machine = probed(root)
    assert from_inputs({"gfx-arch": "gfx942", "rocm-version": "6.4"}, "amd") == features(machine, "amd")


def test_gfx_arch_list_matches_rocm_agent_enumerator(tmp_path: Path) -> None:
    output = capture("amd/llama.cpp-pr11209-rocm_agent_enumerator-gfx803-gfx902.txt")
    root = make_tree(tmp_path, {"/opt/rocm/bin/rocm_agent_enumerator": "#!/bin/sh\n"})
    machine = probed(root, run_command=lambda argv, timeout: CommandResult(returncode=0, stdout=output))
    assert machine.source("amd") == "rocm_agent_enumerator"
    assert from_inputs({"gfx-arch": ["gfx803", "gfx902"]}, "amd") == features(machine, "amd")


def test_gfx_arch_string_matches_the_forced_amd_provider(tmp_path: Path) -> None:
    forced = probed(tmp_path, {amd.FORCE_GFX: "gfx1100, gfx90a", amd.FORCE_ROCM: "7.0.0"})
    body = {"gfx-arch": "gfx1100, gfx90a", "rocm-version": "7.0.0"}
    assert from_inputs(body, "amd") == features(forced, "amd")


# -- intel --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ip"),
    [
        # The GPUs the captures show (PROVENANCE.md) and their IPs in intel-variant-provider's table.
        ("kata-containers-docs-pvc-max-x4.lspci-nn-D-grep-Display.txt", "12.60.7"),
        ("intel-extension-for-pytorch-issue678-flex170-x2.lspci-grep-display.txt", "12.55.8"),
    ],
)
def test_intel_device_ip_matches_a_captured_gpu(tmp_path: Path, name: str, ip: str) -> None:
    root = make_tree(tmp_path, pci_tree_from_lspci(capture(f"intel-gpu/{name}")))
    machine = probed(root, platform="linux")
    assert from_inputs({"intel-device-ip": ip}, "intel") == features(machine, "intel")


def test_intel_device_ip_adds_the_base_ip_as_the_captured_arc_a380_shows(tmp_path: Path) -> None:
    text = capture("intel-gpu/intel-gpu-i915-backports-issue50-arc-a380.hwinfo-gfxcard-excerpt.txt")
    device = re.search(r"Device: pci 0x([0-9a-f]{4})", text)
    assert device
    base = "/sys/bus/pci/devices/0000:03:00.0"
    root = make_tree(
        tmp_path,
        {f"{base}/vendor": "0x8086\n", f"{base}/device": f"0x{device.group(1)}\n", f"{base}/class": "0x030000\n"},
    )
    machine = probed(root, platform="linux")
    # ACM-G11 (Arc A380) is IP 12.56.5; its code also runs on the DG2 base IP 12.55.8.
    assert from_inputs({"intel-device-ip": "12.56.5"}, "intel") == features(machine, "intel")
    assert features(machine, "intel")[0][1] == ("12.56.5", "12.55.8")


# -- x86_64 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(X86_CPUINFO))
def test_x86_64_flags_match_the_captured_cpu_exactly(tmp_path: Path, name: str) -> None:
    text = capture(f"x86_64-cpuinfo/{name}")
    machine = probed(make_tree(tmp_path, {"/proc/cpuinfo": text}))
    flags = common_words(parse_cpuinfo(text), "flags")
    assert flags
    assert from_inputs({"x86-64-flags": " ".join(sorted(flags))}, "x86_64") == features(machine, "x86_64")


def _is_subsequence(part: Features, whole: Features) -> bool:
    rest = iter(whole)
    return all(item in rest for item in part)


@pytest.mark.parametrize(
    ("name", "tree"),
    [(name, "/proc/cpuinfo") for name in sorted(X86_CPUINFO)] + [(name, "/sysctl.txt") for name in sorted(X86_SYSCTL)],
)
def test_x86_64_level_gives_the_level_and_only_features_every_such_cpu_shows(
    tmp_path: Path, name: str, tree: str
) -> None:
    folder = "x86_64-cpuinfo" if tree == "/proc/cpuinfo" else "macos-sysctl"
    machine = features(probed(make_tree(tmp_path, {tree: capture(f"{folder}/{name}")})), "x86_64")
    level = expected_level({**X86_CPUINFO, **X86_SYSCTL}[name])  # PROVENANCE.md
    given = from_inputs({"x86-64-level": f"v{level}"}, "x86_64")
    assert given[0] == machine[0] == ("level", tuple(f"v{n}" for n in range(level, 0, -1)), False)
    assert _is_subsequence(given, machine)  # same relative order, nothing this CPU lacks


def test_a_level_implies_exactly_the_flags_its_level_needs() -> None:
    for level in range(1, 5):
        assert x86_64.level_from_flags(x86_64.flags_for_level(level)) == level


# -- aarch64 ------------------------------------------------------------------------------------


def _aarch64_truth(name: str) -> str:
    return UNDER_REPORTED.get(name, archspec_version(AARCH64_CPUINFO[name]))


@pytest.mark.parametrize("name", sorted(AARCH64_CPUINFO))
def test_aarch64_version_and_features_match_the_captured_cpu_exactly(tmp_path: Path, name: str) -> None:
    text = capture(f"aarch64-cpuinfo/{name}")
    machine = probed(make_tree(tmp_path, {"/proc/cpuinfo": text}))
    words = common_words(parse_cpuinfo(text), "features") or frozenset()
    body = {"aarch64-version": _aarch64_truth(name), "aarch64-features": sorted(words)}
    assert from_inputs(body, "aarch64") == features(machine, "aarch64")


@pytest.mark.parametrize("name", sorted(AARCH64_CPUINFO))
def test_aarch64_version_alone_gives_only_features_the_captured_cpu_shows(tmp_path: Path, name: str) -> None:
    # Linux captures only: macOS Big Sur's sysctl lacks the FEAT_* keys and shows fewer features.
    machine = features(probed(make_tree(tmp_path, {"/proc/cpuinfo": capture(f"aarch64-cpuinfo/{name}")})), "aarch64")
    given = from_inputs({"aarch64-version": f"armv{_aarch64_truth(name)}"}, "aarch64")
    assert given[0] == machine[0]
    assert _is_subsequence(given, machine)


def test_a_version_implies_exactly_the_markers_that_name_it() -> None:
    for version in aarch64.VERSIONS:
        assert aarch64.version_from_features(aarch64.implied_features(version)) == version


# -- apple --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(n for n, row in MACOS.items() if "expects `m" in row))
def test_apple_chip_matches_the_captured_mac(tmp_path: Path, name: str) -> None:
    chip = re.search(r"expects `(m\d)`", MACOS[name])
    assert chip
    machine = probed(make_tree(tmp_path, {"/sysctl.txt": capture(f"macos-sysctl/{name}")}))
    assert from_inputs({"apple-chip": chip.group(1).upper()}, "apple") == features(machine, "apple")


# -- targets, sources and errors ----------------------------------------------------------------


def test_inputs_and_namespace_tables_mix_and_say_their_source() -> None:
    table = {"cuda-driver": "12.8", "sm-arch": "9.0", "blas_lapack": {"provider": ["openblas"]}, "platform": "linux"}
    config = parse_config({"targets": {"alice": table}})
    spec = config.target("alice")
    assert spec is not None and spec.platform == "linux"
    detection = load_target("alice", config)
    assert detection.namespaces == ("nvidia", "blas_lapack")
    assert detection.source("nvidia") == "target alice (inputs)"
    assert detection.source("blas_lapack") == "target alice"
    assert detection.supported.values_for("nvidia", "sm_arch") == ("90_real", "90_virtual")


def test_unknown_input_is_one_line_naming_the_key_and_listing_the_known_ones() -> None:
    (line,) = config_error({"targets": {"alice": {"cuda-version": "12.8"}}})
    known = ", ".join(INPUT_KEYS)
    hint = "did you mean 'rocm-version'?"
    assert line == f"{PREFIX}.cuda-version: unknown provider input; {hint} (known inputs: {known})"
    assert "cuda-driver, sm-arch, gfx-arch, rocm-version" in line


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("cuda-driver", "twelve", 'MAJOR.MINOR such as "12.8"'),
        ("cuda-driver", 12.8, '"12.8" (a quoted string)'),
        ("sm-arch", "sm_90", 'MAJOR.MINOR such as "9.0"'),
        ("gfx-arch", ["gfx942", "mi300x"], 'GPU targets such as "gfx942"'),
        ("rocm-version", "6", 'MAJOR.MINOR such as "6.2"'),
        ("intel-device-ip", "arc", 'graphics IP versions such as "12.55.8"'),
        ("x86-64-level", "v5", 'a psABI level: "v1", "v2", "v3" or "v4"'),
        ("x86-64-flags", [], "the words after 'flags :' in /proc/cpuinfo"),
        ("aarch64-version", "8.9a", 'an Arm architecture version such as "8.2a"'),
        ("apple-chip", "a17", 'an Apple Silicon chip such as "m2"'),
    ],
)
def test_a_bad_value_names_the_key_and_the_expected_form(key: str, value: object, expected: str) -> None:
    needs = {"sm-arch": "cuda-driver", "rocm-version": "gfx-arch"}
    body: dict[str, Any] = {key: value}
    if key in needs:
        body[needs[key]] = {"cuda-driver": "12.8", "gfx-arch": "gfx942"}[needs[key]]
    (line,) = config_error({"targets": {"alice": body}})
    assert line.startswith(f"{PREFIX}.{key}: expected ")
    assert expected in line
    assert line.endswith(f"got {value!r}")


def test_every_problem_of_the_table_is_reported_together() -> None:
    table = {
        "trusted-providers": "x",
        "targets": {
            "alice": {
                "cuda-driver": "twelve",
                "sm-ach": "9.0",
                "rocm-version": "6.2",
                "x86-64-level": "v3",
                "x86-64-flags": "avx2",
                "nvidia": {"sm_arch": ["90_real"]},
                "rocm": "6.2",
            },
            "ci": {"file": "ci.json", "apple-chip": "m2"},
        },
    }
    lines = config_error(table)
    assert lines == [
        "[tool.wheel-variants] trusted-providers: expected a list of non-empty strings, got 'x'",
        f"{PREFIX}.sm-ach: unknown provider input; did you mean 'sm-arch'? (known inputs: {', '.join(INPUT_KEYS)})",
        f"{PREFIX}.cuda-driver: expected {INPUT_KEYS['cuda-driver'][1]}, got 'twelve'",
        f"{PREFIX}.rocm-version: needs gfx-arch as well (ROCm without an AMD GPU supports nothing)",
        f"{PREFIX}: give x86-64-level or x86-64-flags, not both (the flags decide the level)",
        f"{PREFIX}.nvidia: answered both by this table and by the provider inputs cuda-driver; give one of them",
        f"{PREFIX}.rocm: expected a table of feature = [values], got '6.2'; did you mean the provider input "
        "rocm-version?",
        "[tool.wheel-variants] targets.ci: give either 'file' or namespaces and provider inputs, not both",
    ]


def test_sm_arch_needs_cuda_driver() -> None:
    assert config_error({"targets": {"alice": {"sm-arch": "9.0"}}}) == [
        f"{PREFIX}.sm-arch: needs cuda-driver as well (without the driver's CUDA version the nvidia provider "
        "supports nothing)"
    ]


def test_detect_shows_a_target_given_as_inputs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent("""
        [tool.wheel-variants.targets.alice]       # CUDA 12.8 box with an H100
        cuda-driver = "12.8"
        sm-arch = "9.0"
        x86-64-level = "v3"
    """)
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WHEEL_VARIANTS_PROPERTIES", raising=False)
    clear_memo()
    assert main(["detect", "--target", "alice"]) == 0
    out = capsys.readouterr().out
    assert "nvidia  (from target alice (inputs))\n" in out
    assert "  sm_arch: 90_real, 90_virtual  [multi-value]\n" in out
    assert "x86_64  (from target alice (inputs))\n  level: v3, v2, v1\n  avx2: on\n" in out
