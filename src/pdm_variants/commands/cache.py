"""``pdm variants cache list|clear [PACKAGE] [--label LABEL]``: the variant-keyed built wheels."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pdm.project import Project

    from wheel_variants.buildstore import BuildStore

__all__ = ["add_cache_arguments", "run_cache_command"]


def add_cache_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(title="cache commands", dest="cache_command", metavar="{list,clear}")
    listing = commands.add_parser("list", help="List built wheels by package and variant label")
    clear = commands.add_parser("clear", help="Remove built wheels (all, one package, or one label)")
    for sub in (listing, clear):
        sub.add_argument("package", nargs="?", help="only this package")
        sub.add_argument("--label", help="only builds of this variant label")
    listing.add_argument("--json", action="store_true", help="print a JSON document")


def _store(project: Project) -> BuildStore:
    from wheel_variants.buildstore import BuildStore

    from ..cache.wheels import STORE_DIR, file_lock

    return BuildStore(project.cache("wheels") / STORE_DIR, file_lock)


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"


def run_cache_command(project: Project, options: argparse.Namespace) -> None:
    from rich.markup import escape

    ui = project.core.ui
    store = _store(project)
    package, label = getattr(options, "package", None), getattr(options, "label", None)
    if getattr(options, "cache_command", None) == "clear":
        removed = store.remove(package, label)
        for entry in removed:
            ui.echo(escape(f"Removed {entry.package} [{entry.label or 'no label'}] {', '.join(entry.wheels)}"))
        ui.echo(f"{len(removed)} build{'s' if len(removed) != 1 else ''} removed")
        return
    entries = store.entries(package, label)
    if getattr(options, "json", False):
        ui.echo(json.dumps({"version": 1, "entries": [e.to_dict() for e in entries]}, indent=2, sort_keys=True))
        return
    if not entries:
        ui.echo("No variant builds in the cache.")
        return
    current = None
    for entry in entries:
        if entry.package != current:
            current = entry.package
            ui.echo(f"[bold]{escape(entry.package)}[/]")
        env = entry.record.get("build", {}).get("env", {})
        settings = entry.record.get("build", {}).get("config-settings", {})
        detail = " ".join([*(f"{k}={v}" for k, v in env.items()), *(f"-C{k}={v}" for k, v in settings.items())])
        line = f"  {entry.label or '(no label)'}  {', '.join(entry.wheels)}  {_size(entry.size)}  {detail}"
        ui.echo(escape(line.rstrip()))
