"""``explain`` says where uv will choose differently, and a label made only of dots skips one file
(issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wheel_variants.cli import main
from wheel_variants.detection import clear_memo
from wheel_variants.metadata import SCHEMA_V0_1, SCHEMA_V0_2, metadata_from_dict
from wheel_variants.uv.preview import uv_differences


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from wheel_variants.detection import cache

    clear_memo()
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv("WHEEL_VARIANTS_PROPERTIES", "x86_64 :: level :: v3; x86_64 :: avx2 :: on")
    monkeypatch.delenv("WHEEL_VARIANTS_TARGET", raising=False)


def test_pep825_file_without_providers() -> None:
    metadata = metadata_from_dict(
        {
            "$schema": SCHEMA_V0_1,
            "default-priorities": {"namespace": ["x86_64"]},
            "variants": {"v3": {"x86_64": {"level": ["v3"]}}, "null": {}},
        },
        "x",
    )
    assert uv_differences(metadata) == (
        "uv 0.13.9 will differ: this file has no 'providers' (PEP 825 schema 0.1), so uv finds no provider "
        "and treats ['v3'] as unsupported",
    )


def test_x86_64_flags_unknown_providers_and_nvidia_without_plugin_api() -> None:
    metadata = metadata_from_dict(
        {
            "$schema": SCHEMA_V0_2,
            "default-priorities": {"namespace": ["nvidia", "x86_64", "amd", "blas"]},
            "providers": {
                "nvidia": {"requires": ["nvidia-variant-provider"]},
                "x86_64": {"requires": ["provider-variant-x86-64"]},
                "amd": {"requires": ["amd-variant-provider"]},
                "blas": {"static-properties": {"library": ["mkl"]}},
            },
            "variants": {
                "cu126": {"nvidia": {"cuda_version_lower_bound": ["12.6"]}},
                "v3": {"x86_64": {"level": ["v3"]}},
                "v3avx2": {"x86_64": {"level": ["v3"], "avx2": ["on"]}},
                "rocm": {"amd": {"gfx_arch": ["gfx942"]}},
                "mkl": {"blas": {"library": ["mkl"]}},
            },
        },
        "x",
    )
    assert uv_differences(metadata) == (
        "uv 0.13.9 will differ: uv skips the nvidia provider without an explicit 'plugin-api', so it treats "
        "['cu126'] as unsupported",
        "uv 0.13.9 will differ: uv has no provider for namespace 'amd' (it runs no provider plugins), so it "
        "treats ['rocm'] as unsupported",
        "uv 0.13.9 will differ: uv's built-in x86_64 provider knows only 'level', so it treats ['v3avx2'] "
        "(using x86_64 :: avx2) as unsupported",
    )


def test_explain_prints_the_differences_and_skips_a_dots_label(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = tmp_path / "pkg-1.0-variants.json"
    document.write_text(
        json.dumps(
            {
                "$schema": SCHEMA_V0_2,
                "default-priorities": {"namespace": ["x86_64"]},
                "providers": {"x86_64": {"requires": ["provider-variant-x86-64"]}},
                "variants": {"v3avx2": {"x86_64": {"level": ["v3"], "avx2": ["on"]}}, "..": {}, "null": {}},
            }
        ),
        encoding="utf-8",
    )
    assert main(["explain", str(document), "--json"]) == 0
    release = json.loads(capsys.readouterr().out)["releases"][0]
    assert release["ordered"] == ["v3avx2", "null"]
    assert release["warnings"] == [
        "pkg-1.0-variants.json: skipped the variant '..': a label made only of dots cannot name a file here",
        "uv 0.13.9 will differ: uv's built-in x86_64 provider knows only 'level', so it treats ['v3avx2'] "
        "(using x86_64 :: avx2) as unsupported",
    ]
    assert main(["explain", str(document)]) == 0
    assert "  note: uv 0.13.9 will differ: uv's built-in x86_64 provider" in capsys.readouterr().out


def test_a_wheel_labelled_only_with_dots_is_skipped_not_the_release(tmp_path: Path) -> None:
    from _wheels import make_plain_wheel
    from wheel_variants.indexjson import collect_index_documents
    from wheel_variants.metadata import ProviderInfo, VariantsMetadata
    from wheel_variants.variant import Variant
    from wheel_variants.wheelfile import make_variant_wheel

    plain = make_plain_wheel(tmp_path / "plain")
    out = tmp_path / "out"
    provider = ProviderInfo(static_properties=(("level", ("v1",)),))
    metadata = VariantsMetadata(
        namespace_priorities=("x86_64",), providers=(("x86_64", provider),), variants=(Variant(label="null"),)
    )
    good = make_variant_wheel(plain, metadata, out)
    (out / "demo-1.0-py3-none-any-...whl").write_bytes(Path(good).read_bytes())
    (document,) = collect_index_documents(sorted(out.iterdir()))
    assert document.metadata.labels == ("null",)
    assert document.skipped == (
        "demo-1.0-py3-none-any-...whl: skipped: the label '..' is made only of dots and cannot name a file here",
    )
