"""`wheel-variants detect` and `wheel-variants explain` end to end (in-process, fake roots)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hardware_trees import capture, make_tree
from wheel_variants import __version__
from wheel_variants.cli import main
from wheel_variants.detection import cache, clear_memo

VARIANTS = {
    "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
    "default-priorities": {"namespace": ["nvidia", "x86_64", "fakegpu"]},
    "providers": {
        "nvidia": {"requires": ["nvidia-variant-provider"], "plugin-api": "nvidia_variant_provider.plugin:P"},
        "x86_64": {"requires": ["provider-variant-x86-64"]},
        "fakegpu": {"requires": ["fake-gpu-provider"], "plugin-api": "fake_gpu_provider:Plugin"},
    },
    "variants": {
        "cu129": {"nvidia": {"cuda_version_lower_bound": ["12.9"]}},
        "cu126": {"nvidia": {"cuda_version_lower_bound": ["12.6"]}},
        "x86_64_v4": {"x86_64": {"level": ["v4"]}},
        "x86_64_v3": {"x86_64": {"level": ["v3"]}},
        "fake": {"fakegpu": {"arch": ["1"]}},
        "null": {},
    },
}


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clear_memo()
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    for name in ("WHEEL_VARIANTS_TARGET", "WHEEL_VARIANTS_PROPERTIES", "WHEEL_VARIANTS_TRUSTED_PROVIDERS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "root", {
        "/proc/cpuinfo": capture("x86_64-cpuinfo/archspec-linux-rhel7-haswell.cpuinfo"),
        "/proc/driver/nvidia/version": capture(
            "nvidia/nixGL-issue186-565.57.01-open-ubuntu24.04.proc-driver-nvidia-version"),
    })  # fmt: skip


def test_detect_json_from_a_captured_root(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["detect", "--json", "--root", str(root)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert list(document["namespaces"]) == ["nvidia", "x86_64"]
    assert document["namespaces"]["nvidia"]["multi_value"] == []
    assert document["namespaces"]["x86_64"]["features"]["level"] == ["v3", "v2", "v1"]


def test_detect_text_shortens_long_lists(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["detect", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "nvidia  (from /proc/driver/nvidia/version (driver 565.57.01))" in out
    assert "  cuda_version_lower_bound: 12.6, 12.5, 12.4, 12.3, 12.2, 12.1, ... 11.0, 11  (30 values)" in out
    assert "  level: v3, v2, v1" in out
    assert "warning: nvidia: GPU compute capability unknown without NVML" in out


def test_fast_path_prints_a_fresh_cache_entry_verbatim(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stored = '{"version": 1, "namespaces": {}, "unsupported": {}, "warnings": ["from cache"]}\n'
    cache.write_cached(str(tmp_path / "cache"), cache.cache_key(None, __version__), stored)
    assert main(["detect", "--json"]) == 0
    assert capsys.readouterr().out == stored


def test_explain_ranks_and_gives_reasons(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = tmp_path / "pkg-1.0-variants.json"
    document.write_text(json.dumps(VARIANTS))
    assert main(["explain", str(document), "--root", str(root), "--json"]) == 0
    release = json.loads(capsys.readouterr().out)["releases"][0]
    # CUDA 12.6 from the driver table: cu126 wins over the CPU builds (nvidia comes first), null last.
    assert release["ordered"] == ["cu126", "x86_64_v3", "null"]
    reasons = {item["label"]: item["reason"] for item in release["rejected"]}
    assert "supports only 12.6, 12.5" in reasons["cu129"]
    assert "supports only v3, v2, v1" in reasons["x86_64_v4"]
    assert "'fake-gpu-provider' for namespace 'fakegpu' is not trusted" in reasons["fake"]

    assert main(["explain", str(document), "--root", str(root)]) == 0
    text = capsys.readouterr().out
    assert "  winner: cu126" in text
    assert "  rejected fake: needs fakegpu :: arch :: 1, but this machine supports nothing" in text


def test_explain_with_a_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = tmp_path / "pkg-1.0-variants.json"
    document.write_text(json.dumps(VARIANTS))
    target = tmp_path / "box.json"
    target.write_text(json.dumps({"nvidia": {"cuda_version_lower_bound": ["12.9", "12.6"]}}))
    assert main(["explain", str(document), "--target", str(target), "--json"]) == 0
    release = json.loads(capsys.readouterr().out)["releases"][0]
    assert release["winner"] == "cu129"
    assert release["ordered"] == ["cu129", "cu126", "null"]


def test_bad_target_is_a_clean_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["detect", "--target", str(bad)]) == 1
    assert capsys.readouterr().err.startswith(f"wheel-variants: error: {bad}: invalid JSON")


def test_explain_on_a_published_directory_lists_each_release_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hatchbuild import build_variant_wheels

    project = tmp_path / "producer-gpu"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples" / "producer-gpu", project)
    dist = tmp_path / "dist"
    build_variant_wheels(project, dist)  # wheels and gpu_demo-1.0.0-variants.json, as published
    target = tmp_path / "box.json"
    target.write_text(json.dumps({"nvidia": {"cuda_version_lower_bound": ["12.6"]}}))
    assert main(["explain", str(dist), "--target", str(target), "--json"]) == 0
    releases = json.loads(capsys.readouterr().out)["releases"]
    assert len(releases) == 1
    assert releases[0]["winner"] == "cu126"
