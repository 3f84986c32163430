"""uv generator: the pure plan (markers, coverage, conflicts) and the tomlkit writer."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import tomlkit
from packaging.markers import Marker

from wheel_variants.catalog import load_packages
from wheel_variants.cli import main
from wheel_variants.uv.markers import negate_marker
from wheel_variants.uv.plan import UvConfigError, UvOptions, parse_uv_options
from wheel_variants.uv.routing import plan_uv
from wheel_variants.uv.writer import render_pyproject

PLATFORMS = [
    {"sys_platform": s, "platform_machine": m, "platform_system": "x", "python_version": v}
    for s, m, v in itertools.product(
        ["linux", "win32", "darwin", "emscripten", "freebsd14"],
        ["x86_64", "AMD64", "arm64", "aarch64", "wasm32"],
        ["3.9", "3.12"],
    )
]

PYPROJECT = """\
# the app
[project]
name = "app"  # keep this comment
version = "0.1"
dependencies = ["requests"]

[tool.uv]
package = false

[tool.wheel-variants.uv]
dependencies = ["llama-cpp-python>=0.3", "torch"]
labels = ["cpu", "cu124", "metal"]
"""


def plan(**options: object) -> object:
    return plan_uv(parse_uv_options(options), load_packages(None, {}))


def evaluate(marker: str | None, environment: dict[str, str]) -> bool:
    return marker is None or Marker(marker).evaluate(environment)


@pytest.mark.parametrize("groups", [False, True])
def test_markers_disjoint_and_covering_per_choice(groups: bool) -> None:
    mode = "groups" if groups else "extras"
    result = plan_uv(
        UvOptions(dependencies=("llama-cpp-python", "torch"), labels=("cpu", "cu124", "metal"), mode=mode),
        load_packages(None, {}),
    )
    key = "group" if groups else "extra"
    for package, entries in result.sources:
        for choice, _ in result.choices:
            mine = [entry for entry in entries if getattr(entry, key) == choice]
            assert mine, (package, choice)
            for environment in PLATFORMS:
                hits = [entry.index for entry in mine if evaluate(entry.marker, environment)]
                assert len(hits) == 1, (package, choice, environment, hits)


def test_routes_metal_on_macos_arm64_and_cuda_on_x86_64() -> None:
    result = plan(dependencies=["llama-cpp-python"], labels=["cpu", "cu124", "metal"])
    entries = dict(result.sources)["llama-cpp-python"]  # type: ignore[attr-defined]
    mac = {"sys_platform": "darwin", "platform_machine": "arm64"}
    linux = {"sys_platform": "linux", "platform_machine": "x86_64"}
    pick = {
        (e.extra, name): e.index
        for e in entries
        for name, env in (("mac", mac), ("linux", linux))
        if evaluate(e.marker, env)
    }
    assert pick[("metal", "mac")] == "llama-cpp-python-metal"
    assert pick[("metal", "linux")] == "llama-cpp-python-cpu"
    assert pick[("cu124", "linux")] == "llama-cpp-python-cu124"
    assert pick[("cu124", "mac")] == "llama-cpp-python-cpu"
    assert all(index.to_dict()["explicit"] is True for index in result.indexes)  # type: ignore[attr-defined]


def test_conflicts_default_group_build_variables_and_warning() -> None:
    result = plan(dependencies=["llama-cpp-python"], labels=["cpu", "cu124"], mode="groups", default="cu124")
    assert result.conflicts == ({"group": "cpu"}, {"group": "cu124"})  # type: ignore[attr-defined]
    assert result.default_groups == ("cu124",)  # type: ignore[attr-defined]
    assert result.build_variables == (("llama-cpp-python", (("CMAKE_ARGS", "-DGGML_CUDA=on"),)),)  # type: ignore[attr-defined]
    assert result.reinstall_packages == ("llama-cpp-python",)  # type: ignore[attr-defined]
    torch = plan(dependencies=["torch"], labels=["cpu", "cu124"])
    assert torch.reinstall_packages == ()  # type: ignore[attr-defined]


def test_variant_index_enables_preview_feature() -> None:
    result = plan(**{"variant-indexes": {"My_Pkg": "https://example.org/simple/"}})
    assert result.preview_features == ("wheel-variants",)  # type: ignore[attr-defined]
    assert [i.to_dict() for i in result.indexes] == [  # type: ignore[attr-defined]
        {"name": "my-pkg-variants", "url": "https://example.org/simple", "explicit": True}
    ]


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ("sys_platform == 'linux'", "sys_platform != 'linux'"),
        (
            "sys_platform == 'darwin' and platform_machine == 'arm64'",
            "sys_platform != 'darwin' or platform_machine != 'arm64'",
        ),
        ("(sys_platform == 'linux' and python_version < '3.10') or sys_platform == 'win32'", None),
    ],
)
def test_negate_marker_is_the_complement(marker: str, expected: str | None) -> None:
    negated = negate_marker(marker)
    if expected is not None:
        assert negated == expected
    for environment in PLATFORMS:
        assert Marker(marker).evaluate(environment) != Marker(negated).evaluate(environment)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"dependencies": ["numpy"]}, "[tool.wheel-variants.uv] dependencies[0]: 'numpy' is neither in the catalog"),
        ({"dependencies": ["torch"], "labels": ["cpu", "cu999"]}, "label 'cu999' has no index for any of torch"),
        ({"dependencies": ["torch"], "default": "metal"}, "default: label 'metal' has no index"),
        ({"mode": "both"}, "[tool.wheel-variants.uv] mode: expected 'extras', 'groups' or 'markers', got 'both'"),
        ({"dependencies": ["torch"], "variant-indexes": {"torch": "https://x.org"}}, "variant-indexes.torch: also"),
    ],
)
def test_bad_input_one_clear_line(options: dict[str, object], message: str) -> None:
    with pytest.raises(UvConfigError) as caught:
        plan(**options)
    assert message in str(caught.value)
    assert len(str(caught.value).splitlines()) == 1


def test_render_preserves_comments_and_is_idempotent() -> None:
    result = plan(dependencies=["llama-cpp-python>=0.3", "torch"], labels=["cpu", "cu124", "metal"])
    first = render_pyproject(PYPROJECT, result)  # type: ignore[arg-type]
    assert first.changed and not first.clobbered
    assert first.text.startswith('# the app\n[project]\nname = "app"  # keep this comment\n')
    data = tomlkit.parse(first.text).unwrap()
    assert data["project"]["optional-dependencies"]["cu124"] == ["llama-cpp-python>=0.3", "torch"]
    assert data["tool"]["uv"]["conflicts"] == [[{"extra": "cpu"}, {"extra": "cu124"}, {"extra": "metal"}]]
    assert data["tool"]["uv"]["package"] is False
    second = render_pyproject(first.text, result)  # type: ignore[arg-type]
    assert second.text == first.text and not second.changed


def test_render_reports_hand_written_sources() -> None:
    text = PYPROJECT + '\n[tool.uv.sources]\ntorch = { git = "https://example.org/torch.git" }\n'
    rendered = render_pyproject(text, plan(dependencies=["torch"], labels=["cpu"]))  # type: ignore[arg-type]
    assert rendered.clobbered == ("[tool.uv.sources] torch = {'git': 'https://example.org/torch.git'}",)


def write_project(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(PYPROJECT + extra, encoding="utf-8")
    return path


def test_cli_write_check_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_project(tmp_path)
    assert main(["uv", "--project", str(tmp_path), "--check"]) == 1
    assert main(["uv", "--project", str(tmp_path), "--diff"]) == 0
    assert "+cu124 = [" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == PYPROJECT
    assert main(["uv", "--project", str(tmp_path), "--write", "--default", "cu124"]) == 0
    written = path.read_text(encoding="utf-8")
    assert "extra-build-variables" in written
    assert main(["uv", "--project", str(tmp_path), "--check", "--default", "cu124"]) == 0
    assert main(["uv", "--project", str(tmp_path), "--write", "--default", "cu124"]) == 0
    assert path.read_text(encoding="utf-8") == written


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('\n[tool.uv.sources]\ntorch = { path = "../torch" }\n', "hand-written uv configuration would be replaced"),
        ("", None),
    ],
)
def test_cli_refuses_to_clobber_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, message: str | None
) -> None:
    path = write_project(tmp_path, extra)
    before = path.read_text(encoding="utf-8")
    code = main(["uv", "--project", str(tmp_path), "--write"])
    if message is None:
        assert code == 0
        return
    assert code == 1
    captured = capsys.readouterr()
    assert message in captured.err and "-torch = { path" in captured.out
    assert path.read_text(encoding="utf-8") == before
    assert main(["uv", "--project", str(tmp_path), "--write", "--force"]) == 0
    assert "../torch" not in path.read_text(encoding="utf-8")


def test_cli_rejects_dependency_also_in_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_project(tmp_path)
    path.write_text(PYPROJECT.replace('["requests"]', '["requests", "torch>=2"]'), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    assert main(["uv", "--project", str(tmp_path), "--write"]) == 1
    err = capsys.readouterr().err
    assert "[project] dependencies lists torch" in err and len(err.strip().splitlines()) == 1
    assert path.read_text(encoding="utf-8") == before


def test_cli_unknown_package_leaves_pyproject_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_project(tmp_path)
    path.write_text(PYPROJECT.replace('"torch"]', '"numpy"]'), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    assert main(["uv", "--project", str(tmp_path), "--write"]) == 1
    assert "'numpy' is neither in the catalog" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == before
