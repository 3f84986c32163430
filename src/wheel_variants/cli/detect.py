"""``wheel-variants detect``: what this machine (or a captured tree, or a target) supports."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # this module is on the `detect --json` fast path: no typing/collections at run time
    from collections.abc import Sequence
    from typing import Any

__all__ = ["configure", "fast_main", "flags_only", "run"]


def configure(parser: Any) -> None:
    parser.description = (
        "Print every namespace this machine supports with its ordered values and the probe that "
        "answered. Overrides: WHEEL_VARIANTS_PROPERTIES, WHEEL_VARIANTS_TARGET (see docs/detection.md)."
    )
    parser.add_argument("--json", action="store_true", help="print the stable JSON document")
    parser.add_argument(
        "--root",
        metavar="DIR",
        help="read /proc, /sys, /opt/rocm ... from a captured tree (no NVML, no commands)",
    )
    parser.add_argument(
        "--target",
        metavar="NAME|FILE",
        help=(
            "show a target of [tool.wheel-variants.targets] (namespace tables, provider inputs such as "
            'cuda-driver = "12.8", or a file) or a target JSON file'
        ),
    )
    parser.add_argument("--no-cache", action="store_true", help="probe again; do not read or write the cache")
    parser.set_defaults(handler=run)


def run(args: Any) -> int:
    from ..detection.answer import format_detection
    from ..detection.probe import detect

    detection = detect(args.root, target=args.target, use_cache=not args.no_cache)
    sys.stdout.write(detection.to_json() if args.json else format_detection(detection))
    return 0


def flags_only(argv: Sequence[str]) -> Any | None:
    """The parsed arguments when *argv* holds nothing but ``--json`` and ``--no-cache`` (how scripts
    run it), without importing argparse, which would double the imports of a probe.

    None for anything else: argparse parses it, with its abbreviations, errors and help.
    """
    if not set(argv) <= {"--json", "--no-cache"}:
        return None
    from types import SimpleNamespace

    return SimpleNamespace(json="--json" in argv, no_cache="--no-cache" in argv, root=None, target=None, handler=run)


def fast_main(argv: Sequence[str]) -> int | None:
    """``detect --json`` served straight from a fresh disk cache, before argparse is even imported.

    Returns None whenever the fast path does not apply (other options, overrides set, no fresh
    cache entry); the caller then runs the normal command, which refreshes the cache.
    """
    import os

    if list(argv) != ["--json"]:
        return None
    if os.environ.get("WHEEL_VARIANTS_TARGET") or os.environ.get("WHEEL_VARIANTS_PROPERTIES"):
        return None
    from .. import __version__
    from ..detection.cache import cache_dir, cache_key, read_cached

    text = read_cached(cache_dir(), cache_key(None, __version__))
    if text is None:
        return None
    sys.stdout.write(text)
    return 0
