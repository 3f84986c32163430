"""Typos in ``[tool.wheel-variants]`` and in built-in feature names are errors with a did-you-mean;
a huge number in a target is a one-line error (issue 15)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from wheel_variants.catalog import load_packages
from wheel_variants.cli import main
from wheel_variants.config import ConfigError, check_tool_table, parse_config, read_config
from wheel_variants.errors import InvalidPropertyError, VariantsError
from wheel_variants.packages import PackagesConfigError, parse_packages
from wheel_variants.properties import VariantProperty
from wheel_variants.providers.vocabulary import BUILTIN_FEATURES, check_features

PREFIX = "[tool.wheel-variants]"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from wheel_variants.detection import cache, clear_memo

    clear_memo()
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    for name in ("WHEEL_VARIANTS_TARGET", "WHEEL_VARIANTS_PROPERTIES", "WHEEL_VARIANTS_TRUSTED_PROVIDERS"):
        monkeypatch.delenv(name, raising=False)


EXPECTED = "['index-bases', 'packages', 'targets', 'trusted-providers', 'uv']"


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("targts", "; did you mean 'targets'?"),
        ("index-base", "; did you mean 'index-bases'?"),
        ("pakages", "; did you mean 'packages'?"),
        ("colour", ""),
    ],
)
def test_unknown_top_level_key_is_an_error_with_a_suggestion(key: str, hint: str) -> None:
    table = {key: {}}
    message = f"{PREFIX}: unknown key {key!r}{hint} (expected one of {EXPECTED})"
    for check in (check_tool_table, parse_config, load_packages):
        with pytest.raises(ConfigError) as caught:
            check(table)  # type: ignore[operator]
        assert str(caught.value) == message


def test_known_top_level_keys_pass() -> None:
    check_tool_table({"trusted-providers": [], "targets": {}, "index-bases": {}, "packages": {}, "uv": {}})
    check_tool_table(None)


def test_unknown_package_and_variant_keys_suggest_the_right_one() -> None:
    table = {
        "packages": {
            "demo": {
                "variant": {},
                "variants": {"cu126": {"index": "https://x.example/cu126", "propertes": [], "bulid": {}}},
            }
        }
    }
    with pytest.raises(PackagesConfigError) as caught:
        parse_packages(table, prefix=PREFIX, origin="pyproject.toml")
    lines = str(caught.value).splitlines()
    assert f"{PREFIX} packages.demo: unknown key 'variant'; did you mean 'variants'? (expected one of " in lines[0]
    assert any("variants.cu126: unknown key 'propertes'; did you mean 'properties'?" in line for line in lines)
    assert any("variants.cu126: unknown key 'bulid'; did you mean 'build'?" in line for line in lines)


def test_misspelled_feature_of_a_builtin_namespace_is_an_error_in_packages() -> None:
    table = {
        "packages": {
            "demo": {
                "variants": {
                    "cu126": {
                        "index": "https://x.example/cu126",
                        "properties": ["nvidia :: cuda_verison_lower_bound :: 12.6"],
                    }
                }
            }
        }
    }
    with pytest.raises(PackagesConfigError) as caught:
        parse_packages(table, prefix=PREFIX, origin="pyproject.toml")
    assert str(caught.value) == (
        "unknown feature 'cuda_verison_lower_bound' of the built-in namespace 'nvidia' in "
        f"'{PREFIX} packages.demo.variants.cu126.properties[0]'; did you mean 'cuda_version_lower_bound'? "
        "(known: cuda_version_lower_bound, cuda_version_upper_bound, sm_arch)"
    )


def test_catalog_uses_only_known_features() -> None:
    load_packages(None)  # the built-in catalog passes the same check


def test_plugin_namespace_gets_a_warning_and_unknown_namespaces_pass() -> None:
    props = [VariantProperty.parse("fakegpu :: arhc :: 90"), VariantProperty.parse("other :: x :: 1")]
    warnings = check_features(props, "here", plugin_features={"fakegpu": ["arch", "runtime"]})
    assert warnings == (
        "unknown feature 'arhc' of the plugin-provided namespace 'fakegpu' in 'here'; did you mean 'arch'? "
        "(known: arch, runtime)",
    )
    with pytest.raises(InvalidPropertyError, match="did you mean 'level'"):
        check_features([VariantProperty.parse("x86_64 :: levle :: v3")], "here")


def test_probes_answer_only_features_of_the_vocabulary() -> None:
    from wheel_variants.providers import aarch64, apple, nvidia, x86_64

    answered = {
        "nvidia": [name for name, _ in nvidia.supported_for((12, 8), (9, 0), [])],
        "x86_64": [name for name, _ in x86_64.supported_from_flags(x86_64.flags_for_level(4) | {"avx512_bf16"})],
        "aarch64": [name for name, _ in aarch64.supported_for("8.2a", aarch64.implied_features("8.2a"))],
        "apple": [name for name, _ in apple.supported_for_chip(3)],
    }
    for namespace, names in answered.items():
        assert set(names) <= set(BUILTIN_FEATURES[namespace]), namespace


def test_targets_check_features_and_suggest_inputs() -> None:
    table = {
        "targets": {
            "a": {"nvidia": {"sm_ach": ["90_real"]}},
            "b": {"cuda-drivr": "12.8"},
        }
    }
    with pytest.raises(ConfigError) as caught:
        parse_config(table)
    message = str(caught.value)
    assert "targets.a.nvidia: unknown feature 'sm_ach' of the built-in namespace 'nvidia'" in message
    assert "did you mean 'sm_arch'?" in message
    assert (
        f"{PREFIX} targets.b.cuda-drivr: unknown provider input; did you mean 'cuda-driver'? (known inputs:" in message
    )


def test_a_5000_digit_cuda_driver_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "1" * 5000
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.wheel-variants.targets.alice]\ncuda-driver = "{huge}.0"\nsm-arch = "{huge}"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["detect", "--target", "alice"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.splitlines()) == 2, err
    assert f"{PREFIX} targets.alice.cuda-driver: expected the driver's CUDA version" in err
    assert f"{PREFIX} targets.alice.sm-arch: expected the GPU compute capability" in err
    assert len(err) < 1000  # the value is shortened, not echoed whole


def test_a_5000_digit_schema_version_is_unsupported_not_a_crash() -> None:
    from wheel_variants.metadata import schema_version

    with pytest.raises(VariantsError, match="unrecognised schema URL"):
        schema_version(f"https://x.example/v{'9' * 5000}.0.0.json")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_target_file_that_is_a_fifo_or_a_device_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(tmp_path / "fifo.json")  # nobody writes to it: reading it would block forever
    (tmp_path / "pyproject.toml").write_text(
        '[tool.wheel-variants.targets.fifo]\nfile = "fifo.json"\n'
        '[tool.wheel-variants.targets.zero]\nfile = "/dev/zero"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["detect", "--target", "fifo"]) == 1
    assert "fifo.json: not a regular file (a FIFO); refusing to read it" in capsys.readouterr().err
    if Path("/dev/zero").exists():
        assert main(["detect", "--target", "zero"]) == 1
        assert "/dev/zero: not a regular file (a device); refusing to read it" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_pyproject_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pyproject.toml")
    with pytest.raises(VariantsError, match="not a regular file"):
        read_config(tmp_path / "pyproject.toml")


def test_python_digit_limit_is_what_we_guard_against() -> None:
    if not hasattr(sys, "get_int_max_str_digits"):
        pytest.skip("no digit limit on this Python")
    with pytest.raises(ValueError):
        int("1" * 5000)
