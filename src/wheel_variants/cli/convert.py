"""``wheel-variants convert``: a package's per-backend indexes as one PEP 825 index folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from ..convert.progress import SilentProgress
from ..errors import VariantsError

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Download the wheels of PACKAGE from each of its index variants (the built-in catalog, or "
        "[tool.wheel-variants.packages.<name>] of --project), label them and write OUTDIR/<name>/: "
        "variant wheels, the fallback as a plain wheel and as the null variant, the release's "
        "*-variants.json and index.html. A rerun downloads only what changed."
    )
    parser.add_argument("package", metavar="PACKAGE")
    parser.add_argument("--output-dir", "-o", type=Path, required=True, metavar="OUTDIR")
    parser.add_argument(
        "--project", type=Path, metavar="DIR", help="read [tool.wheel-variants] and [variant.providers] of DIR"
    )
    parser.add_argument(
        "--label", "-l", dest="labels", action="append", default=[], metavar="LABEL", help="only this label (repeat)"
    )
    parser.add_argument("--version", help="PEP 440 specifier, e.g. '==0.3.2' (default: the newest version)")
    parser.add_argument("--python-tag", dest="python_tags", action="append", default=[], metavar="TAG")
    parser.add_argument(
        "--platform", dest="platforms", action="append", default=[], metavar="PATTERN", help="e.g. 'manylinux*_x86_64'"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..catalog import load_packages
    from ..convert.plan import ConvertOptions
    from ..convert.providers import declared_providers
    from ..convert.run import convert_package
    from ..suggest import did_you_mean

    pyproject: dict[str, Any] = {}
    source = "pyproject.toml"
    if args.project is not None:
        from .label import load_toml

        path = args.project / "pyproject.toml"
        source = str(path)
        pyproject = load_toml(path)
    tool = pyproject.get("tool", {}).get("wheel-variants") if isinstance(pyproject.get("tool"), dict) else None
    packages = load_packages(tool)
    package = packages.get(args.package)
    if package is None:
        hint = did_you_mean(args.package, packages.names) or ";"
        raise VariantsError(
            f"unknown package {args.package!r}{hint} known: {list(packages.names)} "
            "(declare it in [tool.wheel-variants.packages] and pass --project)"
        )
    options = ConvertOptions(
        labels=tuple(args.labels),
        version=args.version,
        python_tags=tuple(args.python_tags),
        platforms=tuple(args.platforms),
    )
    result = convert_package(
        package,
        args.output_dir,
        options,
        declared_providers=declared_providers(pyproject, source),
        progress=_bar(sys.stderr) if sys.stderr.isatty() else _Lines(sys.stdout),
    )
    plan = result.plan
    print(
        f"{result.directory}: {len(plan.wheels)} wheel(s) of {plan.name} {', '.join(plan.versions)} "
        f"from {len({w.label for w in plan.wheels})} label(s); {len(result.downloaded)} downloaded, "
        f"{len(result.written)} file(s) written"
    )
    return 0


class _Lines(SilentProgress):
    """One line per file, for logs and CI."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def done(self, label: str, filename: str, outcome: str) -> None:
        print(f"{label}: {filename}: {outcome}", file=self.stream, flush=True)


class _Bar(_Lines):
    """A one-line progress bar per file on a terminal, redrawn in place."""

    WIDTH = 24

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.name, self.total, self.read = "", 0, 0

    def start(self, label: str, filename: str) -> None:
        self.name, self.total, self.read = f"{label}: {filename}", 0, 0

    def size(self, total: int | None) -> None:
        self.total = total or 0

    def advance(self, count: int) -> None:
        self.read += count
        if self.total:
            filled = self.WIDTH * self.read // self.total
            bar = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {100 * self.read // self.total:3d}%"
        else:
            bar = f"{self.read / 1048576:.1f} MiB"
        self.stream.write(f"\r{self.name} {bar}\x1b[K")
        self.stream.flush()

    def done(self, label: str, filename: str, outcome: str) -> None:
        self.stream.write(f"\r{label}: {filename}: {outcome}\x1b[K\n")
        self.stream.flush()


def _bar(stream: TextIO) -> _Bar:
    return _Bar(stream)
