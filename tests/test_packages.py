"""Index variants: the catalog data, the user's table, located errors, and selection."""

from __future__ import annotations

import pytest

from wheel_variants.catalog import load_catalog, load_packages
from wheel_variants.packages import PackagesConfigError, index_base_overrides, parse_packages, select_variant
from wheel_variants.supported import SupportedProperties

LINUX = {"sys_platform": "linux", "platform_machine": "x86_64"}
MAC = {"sys_platform": "darwin", "platform_machine": "arm64"}


def _cuda(version: str) -> SupportedProperties:
    major, minor = version.split(".")
    values = [f"{major}.{m}" for m in range(int(minor), -1, -1)]
    return SupportedProperties.from_dict({"nvidia": {"cuda_version_lower_bound": values}})


def test_catalog_covers_llama_cpp_and_the_pytorch_family() -> None:
    catalog = load_catalog()
    llama = catalog.get("llama_cpp_python")
    assert llama is not None
    assert {"cpu", "metal", "cu121", "cu122", "cu123", "cu124", "cu125"} <= {v.label for v in llama.variants}
    cu124 = llama.variant("cu124")
    assert cu124 is not None
    assert cu124.index == "https://abetlen.github.io/llama-cpp-python/whl/cu124"
    assert dict(cu124.build.env) == {"CMAKE_ARGS": "-DGGML_CUDA=on"}
    metal = llama.variant("metal")
    assert metal is not None and dict(metal.build.env) == {"CMAKE_ARGS": "-DGGML_METAL=on"}
    for name in ("torch", "torchvision", "torchaudio"):
        package = catalog.get(name)
        assert package is not None
        labels = {v.label for v in package.variants}
        assert {"cpu", "cu124", "xpu"} <= labels
        assert any(label.startswith("rocm") for label in labels)


@pytest.mark.parametrize(
    ("supported", "environment", "expected"),
    [
        (_cuda("12.4"), LINUX, "cu124"),
        (_cuda("12.8"), LINUX, "cu125"),
        (SupportedProperties(), LINUX, "cpu"),
        (SupportedProperties.from_dict({"apple": {"metal": ["on"]}}), MAC, "metal"),
        (_cuda("12.4"), MAC, "cpu"),  # CUDA wheels are x86_64 only
    ],
)
def test_llama_cpp_selection(supported: SupportedProperties, environment: dict[str, str], expected: str) -> None:
    llama = load_catalog().get("llama-cpp-python")
    assert llama is not None
    selection = select_variant(llama, supported, environment)
    assert selection.chosen is not None and selection.chosen.label == expected


def test_rejections_say_why() -> None:
    llama = load_catalog().get("llama-cpp-python")
    assert llama is not None
    selection = select_variant(llama, _cuda("12.4"), MAC)
    assert selection.reason("cu124") == (
        "marker \"platform_machine == 'x86_64' or platform_machine == 'AMD64'\" is false here"
    )
    selection = select_variant(llama, _cuda("12.4"), LINUX)
    assert (selection.reason("cu125") or "").startswith("needs nvidia :: cuda_version_lower_bound :: 12.5")


def test_torch_rocm_and_cuda() -> None:
    torch = load_catalog().get("torch")
    assert torch is not None
    amd = SupportedProperties.from_dict({"amd": {"gfx_arch": ["gfx942"], "rocm_version": ["6.3"]}})
    assert select_variant(torch, amd, LINUX).chosen.label == "rocm6.3"  # type: ignore[union-attr]
    amd_new = SupportedProperties.from_dict({"amd": {"gfx_arch": ["gfx1100"]}})
    assert select_variant(torch, amd_new, LINUX).chosen.label == "rocm6.4"  # type: ignore[union-attr]
    assert select_variant(torch, _cuda("12.6"), LINUX).chosen.label == "cu126"  # type: ignore[union-attr]


def test_index_bases_from_environment_and_user_table() -> None:
    assert index_base_overrides({"WHEEL_VARIANTS_INDEX_BASE_LLAMA_CPP": "http://m/whl/", "OTHER": "x"}) == {
        "llama-cpp": "http://m/whl"
    }
    table = {"index-bases": {"pytorch": "http://mirror/torch"}}
    config = load_packages(table, {"WHEEL_VARIANTS_INDEX_BASE_LLAMA_CPP": "http://env/llama"})
    assert config.get("torch").variant("cpu").index == "http://mirror/torch/cpu"  # type: ignore[union-attr]
    assert config.get("llama-cpp-python").variant("cpu").index == "http://env/llama/cpu"  # type: ignore[union-attr]
    # the environment wins over the table
    config = load_packages(table, {"WHEEL_VARIANTS_INDEX_BASE_PYTORCH": "http://env/torch"})
    assert config.get("torch").variant("cpu").index == "http://env/torch/cpu"  # type: ignore[union-attr]


def test_user_package_replaces_the_catalog_entry() -> None:
    table = {"packages": {"llama-cpp-python": {"variants": {"mine": {"index": "https://example.org/simple"}}}}}
    config = load_packages(table, {})
    llama = config.get("llama-cpp-python")
    assert llama is not None and llama.origin == "pyproject.toml"
    assert [v.label for v in llama.variants] == ["mine"]
    assert config.get("torch") is not None


def test_every_problem_is_reported_with_its_location() -> None:
    table = {
        "packages": {
            "demo": {
                "colour": "red",
                "variants": {
                    "cu1": {"index": "{nope}/x", "properties": ["nvidia :: a b :: 1"], "marker": "python_version >>"},
                    "null": {"index": "https://x"},
                    "ok": {"index": "https://x", "build": {"env": {"A": 1}}},
                },
            }
        }
    }
    with pytest.raises(PackagesConfigError) as error:
        parse_packages(table, prefix="[tool.wheel-variants]", origin="pyproject.toml")
    message = str(error.value)
    assert "[tool.wheel-variants] packages.demo: unknown key 'colour'" in message
    assert "[tool.wheel-variants] packages.demo.variants.cu1.index: unknown index base(s) ['nope']" in message
    assert "packages.demo.variants.cu1.properties[0]" in message
    assert "[tool.wheel-variants] packages.demo.variants.cu1.marker: invalid marker" in message
    assert "packages.demo.variants.null: the label 'null' is reserved" in message
    assert "[tool.wheel-variants] packages.demo.variants.ok.build.env: expected a table of name = string" in message


def test_other_sources_are_opt_in_per_package() -> None:
    variants = {
        "cu126": {"index": "https://example.org/cu126", "properties": ["nvidia :: cuda_version_lower_bound :: 12.6"]}
    }
    table = {"packages": {"a": {"variants": variants}, "b": {"variants": variants, "allow-other-sources": True}}}
    config = parse_packages(table, prefix="[tool.wheel-variants]", origin="pyproject.toml")
    assert [(p.name, p.allow_other_sources) for p in config.packages] == [("a", False), ("b", True)]
    with pytest.raises(PackagesConfigError, match=r"packages.a.allow-other-sources: expected true or false, got 'yes'"):
        parse_packages(
            {"packages": {"a": {"variants": variants, "allow-other-sources": "yes"}}},
            prefix="[tool.wheel-variants]",
            origin="pyproject.toml",
        )
    with pytest.raises(
        PackagesConfigError, match=r"unknown key 'allow-other-source'; did you mean 'allow-other-sources'"
    ):
        parse_packages(
            {"packages": {"a": {"variants": variants, "allow-other-source": True}}},
            prefix="[tool.wheel-variants]",
            origin="pyproject.toml",
        )
