"""``wheel-variants index``: (re)write ``{name}-{version}-variants.json`` for a directory of wheels."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..indexjson import write_index_json

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Merge the variant.json of every variant wheel in DIRECTORY into one "
        "{name}-{version}-variants.json per release (atomic; a conflict writes nothing)."
    )
    parser.add_argument("directory", type=Path)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    written = write_index_json(args.directory)
    for path in written:
        print(path)
    if not written:
        print(f"no variant wheels in {args.directory}")
    return 0
