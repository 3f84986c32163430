"""``pdm variants show [--all] [--json]``: this machine's properties and each managed package's ranking.

The text lists only the namespaces the project's variants use (``--all``: every property);
``--json`` always holds every property (see :mod:`pdm_variants.commands.showview`).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from pdm.cli.commands.base import BaseCommand

if TYPE_CHECKING:
    from pdm.project import Project

    from ..plan import VariantPlan

__all__ = ["VariantsCommand", "plan_report"]


def plan_report(plan: VariantPlan | None) -> dict[str, Any]:
    """The ``--json`` document (version 1)."""
    if plan is None:
        return {"version": 1, "supported": {}, "packages": {}}
    packages: dict[str, Any] = {}
    for selection in plan.selections:
        chosen = selection.chosen
        packages[selection.package.name] = {
            "origin": selection.package.origin,
            "chosen": chosen.label if chosen is not None else None,
            "ranked": [{"label": v.label, **v.to_dict()} for v in selection.ranked],
            "rejected": [{"label": label, "reason": reason} for label, reason in selection.rejected],
        }
    return {"version": 1, "supported": plan.supported.to_dict(), "packages": packages}


class VariantsCommand(BaseCommand):
    """Show and manage the variants wheel-variants selects (this machine, the lock, team targets)"""

    name = "variants"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        from wheel_variants.cli.uv import add_generator_arguments

        from .cache import add_cache_arguments
        from .target import add_target_arguments

        subparsers = parser.add_subparsers(
            title="commands", dest="variants_command", metavar="{show,doctor,add-target,uv,cache}"
        )
        show_help = (
            "Supported properties in the namespaces the project's variants use (--all: every one), "
            "each managed package's variant ranking with the losers' reasons, and what the lock installs "
            "here and for each team target"
        )
        show = subparsers.add_parser("show", help=show_help, description=show_help)
        show.add_argument(
            "--all", action="store_true", help="list every supported property of this machine, in every namespace"
        )
        show.add_argument(
            "--json", action="store_true", help="print a JSON document (version 1; it always holds every property)"
        )
        subparsers.add_parser(
            "doctor",
            help="Check the plugin on this PDM (versions, seams), detection, configuration and the lock; "
            "exit 1 on a problem",
        )
        add_target_arguments(
            subparsers.add_parser(
                "add-target", help="Declare this machine as a team target (then `pdm lock` locks it for everyone)"
            )
        )
        uv_help = (
            "Generate uv indexes and sources for per-backend packages: by platform (the markers form, "
            "default) or per extra/group; prints a diff unless --write (same as `wheel-variants uv`)"
        )
        uv = subparsers.add_parser("uv", help=uv_help, description=uv_help)
        add_generator_arguments(uv)
        add_cache_arguments(subparsers.add_parser("cache", help="List or clear built wheels by package and label"))

    def handle(self, project: Project, options: argparse.Namespace) -> None:
        if options.variants_command == "doctor":
            from .doctor import run_doctor

            code = run_doctor(project)
            if code:
                raise SystemExit(code)
            return
        off = getattr(project.core, "_wheel_variants_off", None)
        if off is not None:
            from pdm.exceptions import PdmUsageError
            from rich.markup import escape

            raise PdmUsageError(escape(off))
        if options.variants_command in {"show", "add-target"}:
            _require_project(project)
        if options.variants_command == "uv":
            _generate_uv_config(project, options)
            return
        if options.variants_command == "cache":
            from .cache import run_cache_command

            run_cache_command(project, options)
            return
        from .target import lock_report, print_lock_report, run_add_target

        if options.variants_command == "add-target":
            run_add_target(project, options)
            return
        plan = project.variants_plan() if hasattr(project, "variants_plan") else None
        report = plan_report(plan)
        report["locked"] = lock_report(project)
        ui = project.core.ui
        if getattr(options, "json", False):
            ui.echo(json.dumps(report, indent=2, sort_keys=True))
            return
        _print_supported(project, plan, show_all=options.all)
        if not report["packages"]:
            hint = "" if options.all else " (--all shows this machine's properties)"
            ui.echo(f"No variant-managed packages in this project.{hint}")
        for name, body in report["packages"].items():
            chosen = body["chosen"] or "none (no variant fits this machine)"
            ui.echo(f"[bold]{name}[/] ({body['origin']}): chosen [success]{chosen}[/]")
            for rank, variant in enumerate(body["ranked"], 1):
                ui.echo(f"  {rank}. {variant['label']}  {variant['index']}")
            for rejected in body["rejected"]:
                ui.echo(f"  x  {rejected['label']}: {rejected['reason']}")
        print_lock_report(project, report["locked"])


def _require_project(project: Project) -> None:
    """Stop with one line where there is no ``pyproject.toml`` (PDM would take the directory for an
    empty project, and ``show`` would report nothing as if that were the answer)."""
    if not project.pyproject.exists():
        from pdm.exceptions import PdmUsageError
        from rich.markup import escape

        raise PdmUsageError(
            escape(
                f"wheel-variants: {project.root} is not a PDM project (it has no pyproject.toml); "
                "run this in a project directory or pass it with `pdm variants -p DIR ...`"
            )
        )


def _print_supported(project: Project, plan: VariantPlan | None, *, show_all: bool) -> None:
    """The supported-properties section: the namespaces the project's variants use (declared, or
    recorded in the lock, as PEP 825 packages are), or all of them."""
    from rich.markup import escape

    from ..plan import detect_supported
    from .showview import supported_lines, variant_namespaces

    namespaces = None
    if not show_all:
        locked = project.variants_lock().records  # type: ignore[attr-defined]
        if plan is None and not locked:
            return  # nothing is managed: no namespace is used, and nothing needs detecting
        namespaces = variant_namespaces(plan.selections if plan is not None else (), locked)
    header, *lines = supported_lines(plan.supported if plan is not None else detect_supported(), namespaces)
    ui = project.core.ui
    ui.echo(f"[bold]{escape(header)}[/]")
    for line in lines:
        ui.echo(escape(line))


def _generate_uv_config(project: Project, options: argparse.Namespace) -> None:
    """Run the uv generator on this project; a bad declaration becomes one PDM error line."""
    from pdm.exceptions import PdmUsageError
    from rich.markup import escape

    from wheel_variants.cli.uv import run
    from wheel_variants.errors import VariantsError

    generator_options = argparse.Namespace(**vars(options))
    generator_options.project = project.root
    try:
        code = run(generator_options)
    except VariantsError as error:
        raise PdmUsageError(escape(str(error))) from None
    if code:
        raise SystemExit(code)
