"""Warnings about a variant plan that would otherwise go unnoticed (pure functions).

An unknown namespace in a declared variant is **not** an error: nothing built in detects it,
but ``WHEEL_VARIANTS_PROPERTIES`` or a target file (``WHEEL_VARIANTS_TARGET``) can supply it,
and a team may declare variants for machines other than this one. It is, however, the usual
shape of a typo (``nvida``), so when nothing on this machine supplies such a namespace the plan
warns, naming the configuration key. A package none of whose variants fits this machine is not
resolved from the project's other sources (anyone may publish its name there): resolution stops
with :func:`no_fit_refusal`, unless the package sets ``allow-other-sources``, which gets a warning
with each variant's reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from wheel_variants.packages import Selection
from wheel_variants.supported import SupportedProperties

__all__ = ["no_fit_refusal", "plan_warnings", "unknown_namespace_warnings", "unfit_package_warning"]


def _where(selection: Selection, label: str) -> str:
    package = selection.package
    table = "catalog" if package.origin == "catalog" else "[tool.wheel-variants]"
    return f"{table} packages.{package.name}.variants.{label}.properties"


def unknown_namespace_warnings(
    selection: Selection, supported: SupportedProperties, builtin: Iterable[str]
) -> list[str]:
    """One line per (variant, namespace) that no built-in provider knows and this machine lacks."""
    known = set(builtin)
    lines = []
    for variant in selection.package.variants:
        namespaces = sorted({p.namespace for p in variant.properties})
        for namespace in namespaces:
            if namespace in known or supported.supports_namespace(namespace):
                continue
            lines.append(
                f"wheel-variants: {_where(selection, variant.label)}: namespace {namespace!r} has no built-in "
                "provider and nothing on this machine supplies it (WHEEL_VARIANTS_PROPERTIES or a "
                f"WHEEL_VARIANTS_TARGET file can), so variant {variant.label!r} is never chosen here"
            )
    return lines


def _reasons(selection: Selection) -> str:
    return "; ".join(f"{label}: {reason}" for label, reason in selection.rejected)


def unfit_package_warning(selection: Selection) -> str | None:
    """A line when no variant of a package that allows other sources fits this machine (None
    otherwise: a package without ``allow-other-sources`` is refused instead, see :func:`no_fit_refusal`)."""
    package = selection.package
    if selection.chosen is not None or not package.variants or not package.allow_other_sources:
        return None
    return (
        f"wheel-variants: no variant of {package.name} fits this machine ({_reasons(selection)}); "
        "it resolves from the project's other sources (allow-other-sources = true)"
    )


def no_fit_refusal(selection: Selection) -> str:
    """Why a managed package no variant of which fits is not looked up on the other sources."""
    name = selection.package.name
    return (
        f"wheel-variants: no variant of {name} fits this machine ({_reasons(selection)}). "
        f"{name} is not looked up on the project's other sources, where anyone may publish that name. "
        "Declare a variant without properties (it fits every machine), a team target "
        f"(`pdm variants add-target NAME`), or `allow-other-sources = true` in [tool.wheel-variants.packages.{name}]"
    )


def plan_warnings(selections: Iterable[Selection], supported: SupportedProperties, builtin: Iterable[str]) -> list[str]:
    """Every warning for a plan's *selections*, in a stable order."""
    builtin = tuple(builtin)
    lines: list[str] = []
    for selection in selections:
        lines.extend(unknown_namespace_warnings(selection, supported, builtin))
        unfit = unfit_package_warning(selection)
        if unfit is not None:
            lines.append(unfit)
    return lines
