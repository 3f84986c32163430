"""The uv generator's markers form: the project's own requirements routed by platform, in place."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import tomlkit
from packaging.markers import Marker

from wheel_variants.catalog import load_packages
from wheel_variants.cli import build_parser, main
from wheel_variants.packages import parse_packages
from wheel_variants.uv.plan import UvConfigError, UvPlan, parse_uv_options
from wheel_variants.uv.routing import plan_uv, project_requirements

PLATFORMS = {
    (s, m): {"sys_platform": s, "platform_machine": m, "python_version": "3.12"}
    for s, m in itertools.product(["linux", "win32", "darwin", "freebsd14"], ["x86_64", "AMD64", "arm64", "aarch64"])
}
PROJECT = (
    '[project]\nname = "app"\nversion = "0.1"\nrequires-python = ">=3.10"\ndependencies = ["llama-cpp-python>=0.3"]'
)


def markers_plan(
    default: str | None = None, deps: tuple[str, ...] = ("llama-cpp-python>=0.3",), **table: object
) -> UvPlan:
    options = parse_uv_options({"default": default, **table} if default else (table or None))
    requirements = tuple((f"[project] dependencies[{i}]", d) for i, d in enumerate(deps))
    return plan_uv(options, load_packages(None, {}), requirements)


def route(plan: UvPlan, package: str) -> dict[tuple[str, str], str]:
    """platform -> index, asserting that exactly one source holds on every platform."""
    entries = dict(plan.sources)[package]
    routes = {}
    for key, environment in PLATFORMS.items():
        hits = [e.index for e in entries if e.marker is None or Marker(e.marker).evaluate(environment)]
        assert len(hits) == 1, (package, key, hits)
        routes[key] = hits[0]
    return routes


@pytest.mark.parametrize(
    ("default", "expected"),
    [
        ("cu124", {("linux", "x86_64"): "cu124", ("win32", "AMD64"): "cu124", ("darwin", "x86_64"): "cpu"}),
        ("cpu", {("linux", "x86_64"): "cpu", ("win32", "AMD64"): "cpu"}),
        ("metal", {("linux", "x86_64"): "cpu"}),
        (None, {("linux", "x86_64"): "cpu"}),
    ],
)
def test_llama_routes_one_build_per_platform(default: str | None, expected: dict[tuple[str, str], str]) -> None:
    plan = markers_plan(default)
    routes = route(plan, "llama-cpp-python")
    expected = {("darwin", "arm64"): "metal", ("linux", "aarch64"): "cpu", ("freebsd14", "x86_64"): "cpu", **expected}
    for platform, label in expected.items():
        assert routes[platform] == f"llama-cpp-python-{label}", platform
    assert plan.choices == () and plan.conflicts == () and plan.reinstall_packages == ()
    assert {index.name for index in plan.indexes} == set(routes.values())
    assert plan.identical_filenames == ("llama-cpp-python",)


def test_torch_routes_cuda_on_linux_and_windows_only() -> None:
    routes = route(markers_plan("cu126", deps=("torch>=2",)), "torch")
    assert routes[("linux", "aarch64")] == "torch-cu126" and routes[("win32", "AMD64")] == "torch-cu126"
    assert routes[("darwin", "arm64")] == "torch-cpu"


def test_overlapping_default_takes_what_the_platform_decided_variant_leaves() -> None:
    user = parse_packages(
        {
            "packages": {
                "mine": {
                    "variants": {
                        "cpu": {"index": "https://example.org/cpu"},
                        "metal": {"index": "https://example.org/metal", "properties": ["apple :: metal :: on"]},
                        "arm": {"index": "https://example.org/arm", "marker": "platform_machine == 'arm64'"},
                    }
                }
            }
        },
        prefix="[tool.wheel-variants]",
        origin="pyproject.toml",
    )
    plan = plan_uv(parse_uv_options({"default": "arm"}), user, (("x", "mine"),))
    routes = route(plan, "mine")
    assert routes[("darwin", "arm64")] == "mine-metal" and routes[("linux", "arm64")] == "mine-arm"
    assert routes[("linux", "x86_64")] == "mine-cpu"
    assert plan.identical_filenames == ()


def test_a_package_in_variant_indexes_is_routed_there_only() -> None:
    plan = markers_plan(deps=("llama-cpp-python", "torch"), **{"variant-indexes": {"torch": "https://example.org/v"}})
    assert [name for name, _ in plan.sources] == ["llama-cpp-python", "torch"]
    assert [entry.index for entry in dict(plan.sources)["torch"]] == ["torch-variants"]


def test_project_requirements_are_found_where_they_are_written() -> None:
    document = tomlkit.parse(
        '[project]\ndependencies = ["a"]\n[project.optional-dependencies]\ngpu = ["torch>=2", "not a req!"]\n'
        '[dependency-groups]\ndev = [{include-group = "x"}, "llama-cpp-python"]\n'
    ).unwrap()
    assert project_requirements(document) == (
        ("[project] dependencies[0]", "a"),
        ("[project.optional-dependencies] gpu[0]", "torch>=2"),
        ("[dependency-groups] dev[1]", "llama-cpp-python"),
    )


@pytest.mark.parametrize(
    ("table", "deps", "message"),
    [
        ({"mode": "markers", "dependencies": ["torch"]}, (), "[tool.wheel-variants.uv] dependencies: the markers form"),
        ({"mode": "markers", "labels": ["cpu"]}, (), "[tool.wheel-variants.uv] labels: the markers form"),
        ({}, ("requests",), "nothing to route: [project] dependencies, optional-dependencies and [dependency-groups]"),
        ({"default": "rocm6.4"}, ("llama-cpp-python",), "default: label 'rocm6.4' has no index for any of llama"),
    ],
)
def test_bad_input_one_line(table: dict[str, object], deps: tuple[str, ...], message: str) -> None:
    with pytest.raises(UvConfigError) as caught:
        plan_uv(parse_uv_options(table), load_packages(None, {}), tuple(("x", d) for d in deps))
    assert message in str(caught.value)
    assert len(str(caught.value).splitlines()) == 1


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_routes_in_place_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, PROJECT)  # no final newline
    assert main(["uv", "--project", str(tmp_path), "--write", "--default", "cu124"]) == 0
    text = path.read_text(encoding="utf-8")
    data = tomlkit.parse(text).unwrap()
    assert data["project"]["dependencies"] == ["llama-cpp-python>=0.3"]
    assert "optional-dependencies" not in data["project"] and "conflicts" not in data["tool"]["uv"]
    assert all(index["explicit"] is True for index in data["tool"]["uv"]["index"])
    assert data["tool"]["uv"]["extra-build-variables"] == {"llama-cpp-python": {"CMAKE_ARGS": "-DGGML_CUDA=on"}}
    assert [entry["index"] for entry in data["tool"]["uv"]["sources"]["llama-cpp-python"]] == [
        "llama-cpp-python-metal",
        "llama-cpp-python-cu124",
        "llama-cpp-python-cpu",
    ]
    assert main(["uv", "--project", str(tmp_path), "--check", "--default", "cu124"]) == 0
    assert main(["uv", "--project", str(tmp_path), "--write", "--default", "cu124"]) == 0
    assert path.read_text(encoding="utf-8") == text


def assert_tidy(text: str) -> None:
    """Ends with one newline; no double blank lines; a blank line before each header except the
    user's own compact `[tool.other]` / `[tool.wheel-variants.uv]` boundary, which is kept."""
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\n\n\n" not in text
    lines = text.splitlines()
    for number, line in enumerate(lines[1:], 1):
        if line.startswith("[") and not line.startswith("[{") and lines[number - 1] != "key = 1":
            assert lines[number - 1] == "", (number, line, text)
    assert "key = 1\n[tool.wheel-variants.uv]" in text or "wheel-variants.uv" not in text


@pytest.mark.parametrize("extras", [False, True])
def test_output_is_tidy(tmp_path: Path, extras: bool) -> None:
    text = PROJECT.replace('["llama-cpp-python>=0.3"]', "[]") if extras else PROJECT
    text += "\n[tool.uv]\npackage = false\n[tool.other]\nkey = 1"
    if extras:
        text += '\n[tool.wheel-variants.uv]\ndependencies = ["llama-cpp-python"]\nlabels = ["cpu", "cu124"]'
    path = write(tmp_path, text)
    assert main(["uv", "--project", str(tmp_path), "--write", "--default", "cu124"]) == 0
    assert_tidy(path.read_text(encoding="utf-8"))


def test_help_ends_with_a_newline_and_says_when_to_pick_which_form() -> None:
    parser = build_parser("uv")
    uv = parser._subparsers._group_actions[0].choices["uv"]  # type: ignore[union-attr]
    text = uv.format_help()
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "markers (no [tool.wheel-variants.uv] dependencies)" in text and "switch backends on one" in text


def test_changing_the_default_says_how_to_reinstall(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, PROJECT)
    assert main(["uv", "--project", str(tmp_path), "--write", "--default", "cu124"]) == 0
    assert "--reinstall-package" not in capsys.readouterr().err
    assert main(["uv", "--project", str(tmp_path), "--write", "--default", "cpu"]) == 0
    err = capsys.readouterr().err
    assert "run `uv sync --reinstall-package llama-cpp-python` once" in err
    # the cu124 index an earlier run wrote is removed with its last source; so are its build variables
    text = (tmp_path / "pyproject.toml").read_text()
    assert "llama-cpp-python-cu124" not in text and "extra-build-variables" not in text
    assert main(["uv", "--project", str(tmp_path), "--check", "--default", "cpu"]) == 0


def test_user_package_declares_identical_filenames(tmp_path: Path) -> None:
    text = (
        '[project]\nname = "app"\nversion = "0.1"\ndependencies = []\n\n'
        '[tool.wheel-variants.uv]\ndependencies = ["mine"]\n\n'
        "[tool.wheel-variants.packages.mine]\nidentical-filenames = true\n"
        '[tool.wheel-variants.packages.mine.variants.cpu]\nindex = "https://example.org/cpu"\n'
        '[tool.wheel-variants.packages.mine.variants.gpu]\nindex = "https://example.org/gpu"\n'
        'properties = ["nvidia :: cuda_version_lower_bound :: 12.4"]\n'
    )
    path = write(tmp_path, text)
    assert main(["uv", "--project", str(tmp_path), "--write"]) == 0
    assert tomlkit.parse(path.read_text()).unwrap()["tool"]["uv"]["reinstall-package"] == ["mine"]
    path.write_text(text.replace("identical-filenames = true\n", ""))
    assert main(["uv", "--project", str(tmp_path), "--write"]) == 0
    assert "reinstall-package" not in path.read_text()
