"""Fast tier: hatchling's builders in-process, our plugin on a private plugin manager."""

from __future__ import annotations

import json
import os
import sys
import types
import zipfile
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from hatchling.builders.wheel import WheelBuilder
from hatchling.plugin import hookimpl
from hatchling.plugin.manager import PluginManager

from _wheels import check_record
from hatch_variants import hooks
from hatch_variants.builder import LabellingWheelBuilder, VariantWheelBuilder

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PYPROJECT = """\
[project]
name = "my-app"
version = "0.1.0"

[tool.hatch.build.targets.wheel]
packages = ["my_app"]

[tool.hatch.build.targets.wheel.hooks.variants.builds.cu126]
env = { VARIANT_FLAGS = "-DCUDA=126" }
dependencies = ["cuda-runtime-stub>=12.6"]

[tool.hatch.build.targets.wheel.hooks.native]

[variant.default-priorities]
namespace = ["nvidia"]

[variant.providers.nvidia]
requires = ["nvidia-variant-provider"]
plugin-api = "nvidia_variant_provider.plugin:NvidiaVariantPlugin"

[variant.variants.cu126]
nvidia.cuda_version_lower_bound = ["12.6"]

[variant.variants.cu128]
nvidia.cuda_version_lower_bound = ["12.8"]

[variant.variants.null]
"""


class NativeHook(BuildHookInterface):  # type: ignore[type-arg]
    """Like hatch-cpp: gated on the wheel target, reads the environment, overwrites the tag."""

    PLUGIN_NAME = "native"
    seen: ClassVar[list[str | None]] = []

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version != "standard":
            return
        NativeHook.seen.append(os.environ.get("VARIANT_FLAGS"))
        build_data["tag"] = "py3-none-linux_x86_64"


@pytest.fixture
def plugin_manager() -> PluginManager:
    manager = PluginManager()
    manager.manager.register(hooks)
    native = types.ModuleType("native_hook_plugin")
    native.hatch_register_build_hook = hookimpl(lambda: NativeHook)  # type: ignore[attr-defined]
    manager.manager.register(native)
    NativeHook.seen = []
    return manager


def _project(root: Path, text: str = PYPROJECT) -> dict[str, Any]:
    (root / "my_app").mkdir(parents=True)
    (root / "my_app" / "__init__.py").write_text("")
    (root / "pyproject.toml").write_text(text)
    return tomllib.loads(text)


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def _variant_json(wheel: str | Path) -> dict[str, Any]:
    contents = check_record(Path(wheel))
    data: dict[str, Any] = json.loads(contents["my_app-0.1.0.dist-info/variant.json"])
    return data


def test_default_build_stays_non_variant(tmp_path: Path, plugin_manager: PluginManager, monkeypatch: Any) -> None:
    monkeypatch.delenv("HATCH_VARIANT", raising=False)
    config = _project(tmp_path)
    builder = WheelBuilder(str(tmp_path), plugin_manager=plugin_manager, config=config)
    (artifact,) = builder.build(directory=str(tmp_path / "dist"), versions=["standard"])
    assert Path(artifact).name == "my_app-0.1.0-py3-none-linux_x86_64.whl"
    assert "my_app-0.1.0.dist-info/variant.json" not in zipfile.ZipFile(artifact).namelist()
    assert _names(tmp_path / "dist") == ["my_app-0.1.0-py3-none-linux_x86_64.whl"]


def test_hatch_variant_env_on_the_stock_wheel_builder(
    tmp_path: Path, plugin_manager: PluginManager, monkeypatch: Any
) -> None:
    monkeypatch.setenv("HATCH_VARIANT", "cu126")
    monkeypatch.delenv("VARIANT_FLAGS", raising=False)
    config = _project(tmp_path)
    builder = WheelBuilder(str(tmp_path), plugin_manager=plugin_manager, config=config)
    (artifact,) = builder.build(directory=str(tmp_path / "dist"), versions=["standard"])

    # The native hook ran after ours, saw the variant's environment, and replaced the tag:
    # the label still lands on the final tag.
    assert Path(artifact).name == "my_app-0.1.0-py3-none-linux_x86_64-cu126.whl"
    assert NativeHook.seen == ["-DCUDA=126"]
    assert "VARIANT_FLAGS" not in os.environ
    archive = zipfile.ZipFile(artifact)
    assert "Tag: py3-none-linux_x86_64\n" in archive.read("my_app-0.1.0.dist-info/WHEEL").decode()
    assert "Requires-Dist: cuda-runtime-stub>=12.6" in archive.read("my_app-0.1.0.dist-info/METADATA").decode()
    assert _variant_json(artifact)["variants"] == {"cu126": {"nvidia": {"cuda_version_lower_bound": ["12.6"]}}}
    index = json.loads((tmp_path / "dist" / "my_app-0.1.0-variants.json").read_text())
    assert list(index["variants"]) == ["cu126"]


def test_editable_is_never_a_variant(tmp_path: Path, plugin_manager: PluginManager, monkeypatch: Any) -> None:
    monkeypatch.setenv("HATCH_VARIANT", "cu126")
    text = PYPROJECT.replace('packages = ["my_app"]\n', 'packages = ["my_app"]\ndev-mode-dirs = ["."]\n')
    config = _project(tmp_path, text)
    builder = WheelBuilder(str(tmp_path), plugin_manager=plugin_manager, config=config)
    (artifact,) = builder.build(directory=str(tmp_path / "dist"), versions=["editable"])
    assert Path(artifact).name == "my_app-0.1.0-py2.py3-none-any.whl"


def test_environment_after_an_earlier_hook_is_refused(
    tmp_path: Path, plugin_manager: PluginManager, monkeypatch: Any, capsys: Any
) -> None:
    monkeypatch.setenv("HATCH_VARIANT", "cu126")
    text = PYPROJECT.replace("[tool.hatch.build.targets.wheel.hooks.native]\n", "").replace(
        "[tool.hatch.build.targets.wheel]\n", "[tool.hatch.build.hooks.native]\n[tool.hatch.build.targets.wheel]\n"
    )
    config = _project(tmp_path, text)
    builder = WheelBuilder(str(tmp_path), plugin_manager=plugin_manager, config=config)
    with pytest.raises(SystemExit):
        list(builder.build(directory=str(tmp_path / "dist"), versions=["standard"]))
    assert "the build hook(s) ['native'] ran before 'variants'" in capsys.readouterr().err
    assert _names(tmp_path / "dist") == []


def test_labelling_builder_needs_no_hook_config_and_any_hook_order(
    tmp_path: Path, plugin_manager: PluginManager, monkeypatch: Any
) -> None:
    monkeypatch.delenv("HATCH_VARIANT", raising=False)
    text = PYPROJECT.replace("[tool.hatch.build.targets.wheel]\n", "[tool.hatch.build.hooks.native]\n[x]\n")
    text = text.replace('[x]\npackages = ["my_app"]\n', "")
    text = text.replace(
        "[tool.hatch.build.targets.wheel.hooks.variants.builds.cu126]", "[tool.hatch.build.hooks.variants.builds.cu126]"
    )
    text = text.replace("[tool.hatch.build.targets.wheel.hooks.native]\n", "")
    config = _project(tmp_path, text)
    assert "targets" not in config["tool"]["hatch"]["build"]
    builder = LabellingWheelBuilder(str(tmp_path), plugin_manager=plugin_manager, config=config, variant_label="cu126")
    (artifact,) = builder.build(directory=str(tmp_path / "dist"), versions=["standard"])
    assert Path(artifact).name == "my_app-0.1.0-py3-none-linux_x86_64-cu126.whl"
    assert NativeHook.seen == ["-DCUDA=126"]


def test_variant_wheel_builder_builds_all_or_a_subset(
    tmp_path: Path, plugin_manager: PluginManager, monkeypatch: Any
) -> None:
    monkeypatch.setenv("HATCH_VARIANT", "cu128")  # ignored: the target names the variants
    config = _project(tmp_path)
    builder = VariantWheelBuilder(str(tmp_path), plugin_manager=plugin_manager, config=config)
    artifacts = list(builder.build(directory=str(tmp_path / "all")))
    assert [Path(a).name for a in artifacts] == [
        f"my_app-0.1.0-py3-none-linux_x86_64-{label}.whl" for label in ("cu126", "cu128", "null")
    ]
    assert NativeHook.seen == ["-DCUDA=126", None, None]
    for artifact in artifacts:
        label = Path(artifact).stem.rsplit("-", 1)[1]
        assert list(_variant_json(artifact)["variants"]) == [label]
    index = json.loads((tmp_path / "all" / "my_app-0.1.0-variants.json").read_text())
    assert sorted(index["variants"]) == ["cu126", "cu128", "null"]

    subset = list(builder.build(directory=str(tmp_path / "some"), versions=["cu128", "null"]))
    assert [Path(a).name.rsplit("-", 1)[1] for a in subset] == ["cu128.whl", "null.whl"]


@pytest.mark.parametrize(
    ("versions", "message"),
    [
        (["cu126", "cu999"], "unknown variant label 'cu999' requested"),
        (["cu12"], "unknown variant label 'cu12' requested; did you mean 'cu126' or 'cu128'?"),
        (["cu126", "cu126"], "requested more than once"),
        (["CU126"], "invalid variant label 'CU126'"),
    ],
)
def test_variant_wheel_builder_bad_requests_write_nothing(
    tmp_path: Path, plugin_manager: PluginManager, capsys: Any, versions: list[str], message: str
) -> None:
    config = _project(tmp_path)
    builder = VariantWheelBuilder(str(tmp_path), plugin_manager=plugin_manager, config=config)
    with pytest.raises(SystemExit):
        list(builder.build(directory=str(tmp_path / "dist"), versions=versions))
    assert message in capsys.readouterr().err
    assert _names(tmp_path / "dist") == []


def test_undeclared_namespace_fails_before_writing(
    tmp_path: Path, plugin_manager: PluginManager, monkeypatch: Any, capsys: Any
) -> None:
    monkeypatch.setenv("HATCH_VARIANT", "cu126")
    config = _project(tmp_path, PYPROJECT + '\n[variant.variants.v3]\nx86_64.level = ["v3"]\n')
    builder = WheelBuilder(str(tmp_path), plugin_manager=plugin_manager, config=config)
    with pytest.raises(SystemExit):
        list(builder.build(directory=str(tmp_path / "dist"), versions=["standard"]))
    err = capsys.readouterr().err
    assert "namespace 'x86_64' in '[variant] variants.v3.x86_64' is not declared" in err
    assert _names(tmp_path / "dist") == []
