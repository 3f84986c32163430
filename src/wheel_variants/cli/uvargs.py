"""light"""

from __future__ import annotations

import argparse


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
