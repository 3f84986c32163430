"""``pdm variants doctor``: is the plugin working here, and what will it do in this project.

Prints the tool versions, each PDM/unearth seam the plugin relies on, what detection found,
whether ``[tool.wheel-variants]`` is valid, the managed packages with their chosen variants and
the lock's state. Exits 1 when something is wrong, each problem with its fix on one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Findings", "run_doctor"]


@dataclass
class Findings:
    """What doctor found: lines to print and problems (each with its fix)."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def problem(self, what: str, fix: str) -> None:
        self.problems.append(f"{what}; fix: {fix}")


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


def check_tools(core: Any, findings: Findings) -> None:
    import platform

    from pdm.__version__ import __version__

    from wheel_variants import __version__ as ours

    from .._pdm.http import http_module
    from .._pdm.seams import SEAMS, check_pdm_version, missing_seams

    try:
        client = http_module().__name__
    except ImportError:
        client = "unknown"
    findings.lines.append(f"wheel-variants {ours}, Python {platform.python_version()}")
    findings.lines.append(
        f"PDM {__version__}, unearth {_version('unearth')}, hishel {_version('hishel')}, "
        f"HTTP client {client} {_version(client) if client != 'unknown' else ''}".rstrip()
    )
    missing = set(missing_seams())
    findings.lines.append(f"PDM seams: {len(SEAMS) - len(missing)} of {len(SEAMS)} present")
    for what, _check in SEAMS:
        findings.lines.append(f"  {'missing' if what in missing else 'ok':7} {what}")
    off = getattr(core, "_wheel_variants_off", None)
    unsupported = check_pdm_version(__version__)
    if off or unsupported or missing:
        findings.problem(
            off or unsupported or "the plugin is off",
            "install a supported PDM set (README, Install): pip install 'pdm==2.29.4' 'hishel[httpx2]==1.4.0' "
            "'unearth==0.19.0'",
        )
    else:
        findings.lines.append("Plugin: on")


def check_detection(findings: Findings) -> None:
    from wheel_variants.detection import detect

    detection = detect()
    if detection.answers:
        parts = [f"{answer.namespace} ({answer.source})" for answer in detection.answers]
        findings.lines.append(f"Detection: {', '.join(parts)}")
    else:
        findings.lines.append("Detection: nothing found (CPU-only fallbacks apply)")
    for warning in detection.warnings:
        findings.lines.append(f"  warning: {warning}")


def check_project(project: Any, findings: Findings) -> None:
    from pdm.exceptions import PdmUsageError

    from .._pdm.lockfile import lockfile_path, read_toml

    if getattr(project.core, "_wheel_variants_off", None) or not hasattr(project, "variants_plan"):
        return
    try:
        plan = project.variants_plan()
        targets = project.variants_targets()
    except PdmUsageError as error:
        findings.problem(f"[tool.wheel-variants] is not valid: {error}", "correct the key it names in pyproject.toml")
        return
    tool = read_toml(project.pyproject).get("tool", {})
    declared = isinstance(tool, dict) and "wheel-variants" in tool
    findings.lines.append(
        "Configuration: [tool.wheel-variants] valid" if declared else "Configuration: no [tool.wheel-variants] table"
    )
    if plan is None:
        findings.lines.append("Managed packages: none (PDM behaves exactly as without the plugin here)")
        return
    for selection in plan.selections:
        chosen = selection.chosen
        what = f"{chosen.label} from {chosen.index}" if chosen is not None else "no variant fits this machine"
        findings.lines.append(f"  {selection.package.name} ({selection.package.origin}): {what}")
    if targets:
        findings.lines.append(f"Team targets: {', '.join(target.spec.name for target in targets)}")
    path = lockfile_path(project.lockfile)
    if not path.exists():
        findings.problem(f"{path.name} does not exist yet", "run `pdm lock`")
        return
    from ..lock.table import missing_variants

    problems = missing_variants(project.variants_lock(), plan)
    for line in problems:
        findings.problem(f"{path.name}: {line}", "run `pdm lock` on this machine (or declare it as a target)")
    if not problems:
        findings.lines.append(f"Lock: {path.name} holds this machine's variants")


def run_doctor(project: Any) -> int:
    """Print the findings through PDM's UI; 1 when there is a problem."""
    from rich.markup import escape

    findings = Findings()
    check_tools(project.core, findings)
    check_detection(findings)
    check_project(project, findings)
    ui = project.core.ui
    for line in findings.lines:
        ui.echo(escape(line))
    for problem in findings.problems:
        ui.echo(escape(f"problem: {problem}"), err=True)
    if findings.problems:
        return 1
    ui.echo("No problems found.")
    return 0
