"""The ``wheel-variants`` command line.

Each subcommand lives in its own module exposing ``configure(parser)``, which gives the parser its
description and arguments and sets ``handler``. :data:`COMMANDS` names every subcommand with its
one-line help, so ``--help`` lists them all without importing them; only the chosen subcommand's
module is imported (``wheel-variants detect`` imports detection, never uv planning or tomlkit).
"""

from __future__ import annotations

import sys

from ..errors import VariantsError

TYPE_CHECKING = False
if TYPE_CHECKING:  # argparse and collections are imported lazily: `detect --json` has a fast path
    import argparse
    from collections.abc import Sequence

__all__ = ["COMMANDS", "build_parser", "main"]

#: Module name under wheel_variants.cli -> one-line help, in the order `--help` lists them.
COMMANDS: dict[str, str] = {
    "detect": "show the variant properties this machine supports",
    "explain": "rank a release's variants for this machine and give each loser's reason",
    "label": "add variant.json and a variant label to an existing wheel",
    "index": "write {name}-{version}-variants.json for the variant wheels in a directory",
    "uv": "generate uv indexes and sources (by platform, or per extra/group) for per-backend packages",
    "convert": "turn a package's per-backend indexes into one PEP 825 index folder",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser, with every subcommand listed and *command*'s arguments filled in.

    A subcommand that is not *command* gets only its help line: its module is not imported.
    """
    import argparse
    import importlib

    parser = argparse.ArgumentParser(
        prog="wheel-variants",
        description=(
            "Work with PEP 825 variant wheels: see what this machine supports, explain which "
            "variant wins and why, label wheels, write index metadata and convert per-backend indexes."
        ),
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"wheel-variants {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_line in COMMANDS.items():
        subparser = subparsers.add_parser(name, help=help_line)
        if name == command:
            importlib.import_module(f"{__name__}.{name}").configure(subparser)
    return parser


def chosen_command(arguments: Sequence[str]) -> str | None:
    """The subcommand *arguments* name: the first one that is not an option (the top level's
    options take no value), or None."""
    for argument in arguments:
        if argument != "--" and not argument.startswith("-"):
            return argument
    return None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = None
    if arguments[:1] == ["detect"]:
        # A fresh cached `detect --json` answer is printed without building the parser, and plain
        # `detect [--json] [--no-cache]` runs without argparse.
        from .detect import fast_main, flags_only

        fast = fast_main(arguments[1:])
        if fast is not None:
            return fast
        args = flags_only(arguments[1:])
    if args is None:
        parser = build_parser(chosen_command(arguments))
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
