"""The ``wheel-variants`` command line.

Each subcommand lives in its own module exposing ``register(subparsers)``; the module is imported
only when the command line is built, so ``import wheel_variants`` stays cheap.
"""

from __future__ import annotations

import importlib
import sys

from ..errors import VariantsError

TYPE_CHECKING = False
if TYPE_CHECKING:  # argparse and collections are imported lazily: `detect --json` has a fast path
    import argparse
    from collections.abc import Sequence

__all__ = ["main"]

# Module names under wheel_variants.cli, in the order `--help` lists them.
COMMAND_MODULES: tuple[str, ...] = ("detect", "explain", "label", "index", "uv", "convert")


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="wheel-variants",
        description=(
            "Work with PEP 825 variant wheels: see what this machine supports, explain which "
            "variant wins and why, label wheels and write index metadata."
        ),
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"wheel-variants {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments[:1] == ["detect"]:
        # A fresh cached `detect --json` answer is printed without building the parser.
        from .detect import fast_main

        fast = fast_main(arguments[1:])
        if fast is not None:
            return fast
    parser = build_parser()
    args = parser.parse_args(arguments)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        result: int = args.handler(args)
    except VariantsError as error:
        print(f"wheel-variants: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("wheel-variants: interrupted", file=sys.stderr)
        return 130
    return result
