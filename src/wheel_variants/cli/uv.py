"""``wheel-variants uv``: write uv indexes, sources, extras/groups and conflicts into pyproject.toml."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from ..catalog import load_packages
from ..fileio import atomic_write_text
from ..packages import PackagesConfig, normalize_name, select_variant
from ..tomlfile import parse_toml
from ..uvconfig import UvConfigError, UvOptions, parse_uv_options, plan_uv
from ..uvwriter import UvClobberError, render_pyproject, unified_diff
from .uvargs import add_generator_arguments

__all__ = ["add_generator_arguments", "register", "run"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "uv",
        help="generate uv indexes, sources, extras/groups and conflicts for variant-managed dependencies",
        description=(
            "Route the dependencies listed in [tool.wheel-variants.uv] dependencies to their per-backend "
            "indexes (built-in catalog plus [tool.wheel-variants.packages]): one extra (or dependency group) "
            "per label, [[tool.uv.index]] entries with explicit = true, [tool.uv.sources] with platform "
            "markers and fallbacks, [tool.uv] conflicts and extra-build-variables. Without --write/--check "
            "it prints the diff."
        ),
        epilog="example: wheel-variants uv --default cu124 --write && uv sync --extra cu124",
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
    tool = parse_toml(text, str(path)).get("tool", {}).get("wheel-variants")
    packages = load_packages(tool)
    options = parse_uv_options(tool.get("uv") if isinstance(tool, dict) else None)
    if options.dependencies == () and not options.variant_indexes:
        raise UvConfigError(f"{path}: [tool.wheel-variants.uv] dependencies is empty: nothing to route")
    if args.groups:
        options = dataclasses.replace(options, mode="groups")
    if args.default:
        options = dataclasses.replace(options, default=args.default)
    elif args.detect:
        options = dataclasses.replace(options, default=detected_label(options, packages))
    plan = plan_uv(options, packages)
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
        return 0
    sys.stdout.write(diff)
    return 0


def detected_label(options: UvOptions, packages: PackagesConfig) -> str | None:
    """The best label for this machine among the managed packages' variants (the first package decides)."""
    from packaging.requirements import Requirement

    from ..detect import detect

    supported = detect().supported
    for text in options.dependencies:
        package = packages.get(normalize_name(Requirement(text).name))
        if package is None:
            continue
        for variant in select_variant(package, supported).ranked:
            if options.labels is None or variant.label in options.labels:
                return variant.label
    return None
