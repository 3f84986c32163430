"""``pdm variants show [--json]``: this machine's properties and each managed package's ranking."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from pdm.cli.commands.base import BaseCommand

if TYPE_CHECKING:
    from pdm.project import Project

    from .plan import VariantPlan

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
        from wheel_variants.cli.uvargs import add_generator_arguments

        from .cachecommand import add_cache_arguments
        from .targetcommand import add_target_arguments

        subparsers = parser.add_subparsers(
            title="commands", dest="variants_command", metavar="{show,doctor,add-target,uv,cache}"
        )
        show = subparsers.add_parser("show", help="Supported properties and per-package variant ranking")
        show.add_argument("--json", action="store_true", help="print a JSON document")
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
        uv = subparsers.add_parser(
            "uv",
            help="Generate uv indexes, sources and conflicts for this project (same as `wheel-variants uv`)",
        )
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
        if options.variants_command == "uv":
            _generate_uv_config(project, options)
            return
        if options.variants_command == "cache":
            from .cachecommand import run_cache_command

            run_cache_command(project, options)
            return
        from .targetcommand import lock_report, print_lock_report, run_add_target

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
        supported = report["supported"]
        ui.echo("[bold]Supported properties on this machine:[/]")
        if not supported:
            ui.echo("  (none detected)")
        for namespace, features in supported.items():
            for feature, values in features.items():
                ui.echo(f"  {namespace} :: {feature} :: {', '.join(values)}")
        if not report["packages"]:
            ui.echo("No variant-managed packages in this project.")
        for name, body in report["packages"].items():
            chosen = body["chosen"] or "none (no variant fits this machine)"
            ui.echo(f"[bold]{name}[/] ({body['origin']}): chosen [success]{chosen}[/]")
            for rank, variant in enumerate(body["ranked"], 1):
                ui.echo(f"  {rank}. {variant['label']}  {variant['index']}")
            for rejected in body["rejected"]:
                ui.echo(f"  x  {rejected['label']}: {rejected['reason']}")
        print_lock_report(project, report["locked"])


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
