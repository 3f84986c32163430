"""``wheel-variants uv``: write uv indexes and sources (by platform, or per extra/group) into pyproject.toml.

``pdm variants uv`` adds :func:`add_generator_arguments` to its own parser and calls :func:`run`:
the generator (packaging's markers, tomlkit) is imported when it runs, not when a parser is built.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..packages import PackagesConfig

__all__ = ["add_generator_arguments", "configure", "run"]


DESCRIPTION = """\
Route per-backend packages (the built-in catalog plus [tool.wheel-variants.packages]) to their
indexes: [[tool.uv.index]] entries with explicit = true, [tool.uv.sources] whose markers are
disjoint and cover every platform, extra-build-variables from the default label. Two forms:

markers (no [tool.wheel-variants.uv] dependencies): the packages the project already lists stay
  where they are and are routed by platform: Metal on macOS arm64, the default label where its
  marker holds (CUDA: x86_64 Linux and Windows), the fallback build (cpu) elsewhere. Pick it when
  each machine needs one build: `uv sync` needs no flags.
extras / groups ([tool.wheel-variants.uv] dependencies, --groups): one extra or dependency group
  per label, with conflicts and reinstall-package. Pick it to switch backends on one machine
  (`uv sync --extra cu124`).

Without --write/--check it prints the diff."""

EPILOG = """\
examples:
  wheel-variants uv --write --default cu124 && uv lock && uv sync
  wheel-variants uv --check --default cu124      (in CI)
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    add_generator_arguments(parser)
    parser.add_argument("--project", type=Path, default=Path(), metavar="DIR", help="project directory (default: .)")
    parser.set_defaults(handler=run)


def add_generator_arguments(parser: argparse.ArgumentParser) -> None:
    """The generator's options, shared with ``pdm variants uv`` (which supplies the project itself)."""
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="update pyproject.toml in place")
    action.add_argument("--check", action="store_true", help="exit 1 if pyproject.toml is out of date (for CI)")
    action.add_argument("--diff", action="store_true", help="print a unified diff and change nothing (default)")
    default = parser.add_mutually_exclusive_group()
    default.add_argument("--detect", action="store_true", help="pick the default label from this machine's hardware")
    default.add_argument("--default", metavar="LABEL", help="the default label (source-build variables, default group)")
    parser.add_argument("--groups", action="store_true", help="use [dependency-groups] instead of extras")
    parser.add_argument("--force", action="store_true", help="replace hand-written uv sources/extras/indexes")


def run(args: argparse.Namespace) -> int:
    import dataclasses

    from ..catalog import load_packages
    from ..fileio import atomic_write_text
    from ..tomlfile import parse_toml
    from ..uv.plan import UvConfigError, parse_uv_options
    from ..uv.routing import plan_uv, project_requirements
    from ..uv.writer import UvClobberError, render_pyproject, unified_diff

    path = args.project / "pyproject.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UvConfigError(f"{str(path)!r} not found (pass --project DIR)") from None
    document = parse_toml(text, str(path))
    tool = document.get("tool", {}).get("wheel-variants")
    packages = load_packages(tool)
    options = parse_uv_options(tool.get("uv") if isinstance(tool, dict) else None)
    if args.groups:
        options = dataclasses.replace(options, mode="groups")
    if options.mode != "markers" and options.dependencies == () and not options.variant_indexes:
        raise UvConfigError(
            f"{path}: [tool.wheel-variants.uv] dependencies is empty: nothing to route per {options.mode[:-1]}"
        )
    requirements = project_requirements(document) if options.mode == "markers" else ()
    if args.default:
        options = dataclasses.replace(options, default=args.default)
    elif args.detect:
        names = [text for _, text in requirements] if options.mode == "markers" else list(options.dependencies)
        options = dataclasses.replace(options, default=detected_label(names, options.labels, packages))
    plan = plan_uv(options, packages, requirements)
    rendered = render_pyproject(text, plan, path=str(path))
    diff = unified_diff(text, rendered.text, str(path))
    if rendered.clobbered and not args.force and not args.check:
        sys.stdout.write(diff)
        lines = "\n".join(f"  {item}" for item in rendered.clobbered)
        raise UvClobberError(f"{path}: hand-written uv configuration would be replaced:\n{lines}\nre-run with --force")
    if args.check:
        if rendered.changed:
            sys.stdout.write(diff)
            print(f"{path} is out of date: run `wheel-variants uv --write`", file=sys.stderr)
            return 1
        return 0
    if args.write:
        if rendered.changed:
            atomic_write_text(path, rendered.text)
            print(f"updated {path}", file=sys.stderr)
        for warning in plan.warnings:
            print(warning, file=sys.stderr)
        for package in rendered.rerouted:
            if package in plan.identical_filenames and package not in plan.reinstall_packages:
                print(
                    f"{package} now comes from another index here or elsewhere, with the same file names: "
                    f"after `uv lock`, run `uv sync --reinstall-package {package}` once",
                    file=sys.stderr,
                )
        return 0
    sys.stdout.write(diff)
    return 0


def detected_label(requirements: Sequence[str], labels: Sequence[str] | None, packages: PackagesConfig) -> str | None:
    """The best label for this machine among the managed packages' variants (the first package decides)."""
    from packaging.requirements import Requirement

    from ..detection import detect
    from ..packages import normalize_name, select_variant

    supported = detect().supported
    for text in requirements:
        package = packages.get(normalize_name(Requirement(text).name))
        if package is None:
            continue
        for variant in select_variant(package, supported).ranked:
            if labels is None or variant.label in labels:
                return variant.label
    return None
