"""``wheel-variants uv``: write uv indexes and sources (by platform, or per extra/group) into pyproject.toml."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..catalog import load_packages
from ..fileio import atomic_write_text
from ..packages import PackagesConfig, normalize_name, select_variant
from ..tomlfile import parse_toml
from ..uv.plan import UvConfigError, parse_uv_options
from ..uv.routing import plan_uv, project_requirements
from ..uv.writer import UvClobberError, render_pyproject, unified_diff
from .uvargs import add_generator_arguments

__all__ = ["add_generator_arguments", "register", "run"]


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


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "uv",
        help="generate uv indexes and sources (by platform, or per extra/group) for per-backend packages",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_generator_arguments(parser)
    parser.add_argument("--project", type=Path, default=Path(), metavar="DIR", help="project directory (default: .)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
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

    supported = detect().supported
    for text in requirements:
        package = packages.get(normalize_name(Requirement(text).name))
        if package is None:
            continue
        for variant in select_variant(package, supported).ranked:
            if labels is None or variant.label in labels:
                return variant.label
    return None
