"""``wheel-variants label``: turn a finished wheel into a variant wheel (after auditwheel/delocate)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..buildconfig import labelling_metadata, parse_variant_table
from ..errors import InvalidLabelError, InvalidMetadataError
from ..filename import NULL_LABEL
from ..properties import VariantProperty
from ..tomlfile import parse_toml
from ..wheelfile import make_variant_wheel

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write a variant copy of WHEEL into the output directory: .dist-info/variant.json added, "
        "RECORD rewritten, the label appended to the filename. Providers and namespace priorities "
        "come from the [variant] table of --pyproject."
    )
    parser.add_argument("wheel", type=Path, help="a non-variant wheel")
    parser.add_argument("--label", "-l", help="the variant label (properties default to [variant.variants.LABEL])")
    parser.add_argument(
        "--property",
        "-p",
        dest="properties",
        action="append",
        metavar="'NS :: FEATURE :: VALUE'",
        help="a property of the variant (repeat for several)",
    )
    parser.add_argument("--null", action="store_true", help="make the null variant (label 'null', no properties)")
    parser.add_argument("--pyproject", type=Path, default=Path("pyproject.toml"), help="default: ./pyproject.toml")
    parser.add_argument("--output-dir", "-o", type=Path, required=True, help="where to write the variant wheel")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.null:
        if args.properties:
            raise InvalidLabelError("--null makes the null variant, which has no properties; drop -p")
        if args.label not in (None, NULL_LABEL):
            raise InvalidLabelError(f"--null and --label {args.label!r} disagree; the null variant is 'null'")
        label = NULL_LABEL
    elif args.label is None:
        raise InvalidLabelError("give --label LABEL (or --null)")
    else:
        label = args.label
    properties = (
        None
        if not args.properties
        else [VariantProperty.parse(text, f"-p #{index + 1}") for index, text in enumerate(args.properties)]
    )
    source = str(args.pyproject)
    declared = parse_variant_table(load_toml(args.pyproject), source)
    metadata = labelling_metadata(declared, label, properties, source=source)
    written = make_variant_wheel(args.wheel, metadata, args.output_dir)
    print(written)
    return 0


def load_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file into plain dicts; a syntax error names the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidMetadataError(f"{str(path)!r} not found (pass --pyproject)") from None
    return parse_toml(text, str(path))
