"""``wheel-variants explain``: which variant of a release this machine gets, and why not the others."""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Read variant wheels (or a directory of them) or a *-variants.json file, rank the variants "
        "for this machine (or --target) and print the winner and why every other variant lost."
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a directory, .whl files or a *-variants.json")
    parser.add_argument(
        "--target", metavar="NAME|FILE", help="rank for a target of [tool.wheel-variants.targets] or a target JSON file"
    )
    parser.add_argument("--root", metavar="DIR", help="detect from a captured tree instead of this machine")
    parser.add_argument("--json", action="store_true", help="print JSON: per release the ordered labels")
    parser.add_argument("--no-cache", action="store_true", help="do not use the detection cache")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..explain import explain

    explanations = explain(args.paths, target=args.target, root=args.root, use_cache=not args.no_cache)
    if args.json:
        json.dump({"releases": [e.to_dict() for e in explanations]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    for explanation in explanations:
        print(f"{explanation.source}:")
        winner = explanation.winner
        print(f"  winner: {winner}" if winner else "  no compatible variant (and no null variant)")
        for rank, label in enumerate(explanation.ordered[1:], start=2):
            print(f"  {rank}. {label}: compatible, ranked lower")
        for label, reason in explanation.rejected:
            print(f"  rejected {label}: {reason}")
        for warning in explanation.warnings:
            print(f"  note: {warning}")
    return 0
