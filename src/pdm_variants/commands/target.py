"""``pdm variants add-target`` and the lock half of ``pdm variants show`` (team targets, locked variants)."""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdm.project import Project


__all__ = ["TARGETS_DIR", "add_target_arguments", "lock_report", "print_lock_report", "run_add_target"]

#: Where ``add-target`` writes each machine's ``wheel-variants detect --json`` capture.
TARGETS_DIR = "variant-targets"
_TARGET_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="target name: lower-case letters, digits, '_', '.', '-'")
    parser.add_argument("--force", action="store_true", help="replace a target of that name")


def run_add_target(project: Project, options: argparse.Namespace) -> None:
    """Capture this machine (overrides honoured) as ``variant-targets/<name>.json`` and declare it."""
    import tomlkit
    from pdm.exceptions import PdmUsageError

    from wheel_variants.detection import detect
    from wheel_variants.fileio import atomic_write_text

    name = options.name
    if not _TARGET_NAME.fullmatch(name):
        raise PdmUsageError(f"wheel-variants: invalid target name {name!r} (use lower-case letters, digits, _ . -)")
    pyproject_path = project.root / "pyproject.toml"
    document = tomlkit.parse(pyproject_path.read_text(encoding="utf-8"))
    tool = document.setdefault("tool", tomlkit.table(is_super_table=True))
    section = tool.setdefault("wheel-variants", tomlkit.table())
    targets = section.setdefault("targets", tomlkit.table(is_super_table=True))
    if name in targets and not options.force:
        raise PdmUsageError(f"wheel-variants: target {name!r} is already declared in pyproject.toml (use --force)")
    relative = f"{TARGETS_DIR}/{name}.json"
    detection = detect()
    (project.root / TARGETS_DIR).mkdir(exist_ok=True)
    atomic_write_text(project.root / relative, detection.to_json())
    entry = tomlkit.table()
    entry["file"] = relative
    targets[name] = entry
    atomic_write_text(pyproject_path, tomlkit.dumps(document))
    count = sum(len(f.values) > 0 for f in detection.supported.features)
    project.core.ui.echo(
        f"Added target [success]{name}[/] ({count} supported features) as {relative}; "
        "commit it and run `pdm lock` to lock it for the team"
    )


def lock_report(project: Project) -> dict[str, Any]:
    """The lock's view for this machine: per locked package the ranking of its locked labels, and
    per team target the labels it gets, whether this machine matches it and, per package, the
    label's files and dependency changes (``installs``, :func:`pdm_variants.commands.targetview.target_packages`)."""
    from ..lock.choice import choose_locked_label
    from .targetview import target_packages

    lock = project.variants_lock()  # type: ignore[attr-defined]
    if not (lock.records or lock.targets):
        return {"packages": {}, "targets": {}}  # nothing to rank: no need to ask the environment
    files = lock.files_by_package()
    supported = project.variant_wheels().supported  # type: ignore[attr-defined]
    spec = project.environment.spec
    packages: dict[str, Any] = {}
    for name, record in sorted(lock.records.items()):
        choice = choose_locked_label(
            record,
            [(f.name, f.hash) for f in files.get(name, [])],
            supported,
            spec.markers_with_defaults(),
            lambda f: spec.wheel_compatibility(f) is not None,
        )
        packages[name] = {
            "origin": record.get("origin"),
            "chosen": choice.label,
            "ranked": list(choice.ordered),
            "rejected": [{"label": label, "reason": reason} for label, reason in choice.rejected],
        }
    labels = {target: dict(body.get("packages", {})) for target, body in sorted(lock.targets.items())}
    installs = target_packages(lock, labels)
    targets: dict[str, Any] = {}
    for target, chosen in labels.items():
        targets[target] = {
            "packages": chosen,
            "matches": all(packages.get(name, {}).get("chosen") == label for name, label in chosen.items()),
            "installs": {name: package.to_dict() for name, package in installs[target].items()},
        }
    return {"packages": packages, "targets": targets}


def print_lock_report(project: Project, report: dict[str, Any]) -> None:
    from rich.markup import escape

    from .targetview import target_lines

    ui = project.core.ui
    if report["packages"]:
        ui.echo("[bold]In the lock, for this machine:[/]")
    for name, body in report["packages"].items():
        chosen = body["chosen"]
        if chosen is None:
            chosen = "a non-variant file" if body["origin"] == "pep825" else "nothing (no locked variant fits)"
        ui.echo(f"  {name}: installs [success]{chosen}[/] (locked, best first: {', '.join(body['ranked']) or '-'})")
        for rejected in body["rejected"]:
            ui.echo(f"    x  {rejected['label']}: {rejected['reason']}")
    if report["targets"]:
        ui.echo("[bold]Team targets in the lock:[/]")
    for line in target_lines(report["targets"]):
        ui.echo(escape(line))
