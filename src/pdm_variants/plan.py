"""What the plugin will do for one project: which packages it manages and the variant of each.

Pure apart from :func:`detect_supported`, the single door to hardware detection. A project with
no managed package gets no plan (``None``) and the plugin leaves PDM alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from wheel_variants.packages import PackagesConfig, PackageVariants, Selection, normalize_name, select_variant
from wheel_variants.supported import SupportedProperties

__all__ = ["VariantPlan", "detect_supported", "direct_dependency_names", "make_plan", "managed_packages", "source_name"]

from .declared import direct_dependency_names


def source_name(package: str, label: str) -> str:
    """The name of the PDM source that serves *package*'s variant *label* (one per package and label)."""
    return f"wheel-variants-{package}-{label}"


def detect_supported(environ: Mapping[str, str] | None = None) -> SupportedProperties:
    """This machine's supported properties (overrides and targets honoured; see ``wheel_variants.detection``)."""
    from wheel_variants.detection import detect

    return detect(environ=environ).supported


def managed_packages(
    config: PackagesConfig, declared: Iterable[str], locked: Iterable[str]
) -> tuple[PackageVariants, ...]:
    """User-configured packages always; catalog packages the project declares or has locked."""
    relevant = {normalize_name(name) for name in (*declared, *locked)}
    return tuple(p for p in config.packages if p.origin != "catalog" or p.name in relevant)


@dataclass(frozen=True, slots=True, kw_only=True)
class VariantPlan:
    """The selection for every managed package on this machine."""

    supported: SupportedProperties
    selections: tuple[Selection, ...]

    def selection(self, name: str) -> Selection | None:
        wanted = normalize_name(name)
        for selection in self.selections:
            if selection.package.name == wanted:
                return selection
        return None

    @property
    def names(self) -> frozenset[str]:
        return frozenset(s.package.name for s in self.selections)

    def chosen_label(self, name: str) -> str | None:
        selection = self.selection(name)
        chosen = selection.chosen if selection is not None else None
        return chosen.label if chosen is not None else None

    def routes(self) -> list[tuple[str, str, str]]:
        """``(source name, index URL, package)`` for every package with a chosen variant."""
        routes = []
        for selection in self.selections:
            chosen = selection.chosen
            if chosen is not None:
                routes.append((source_name(selection.package.name, chosen.label), chosen.index, selection.package.name))
        return routes

    def build_env(self) -> dict[str, str]:
        env: dict[str, str] = {}
        for selection in self.selections:
            if selection.chosen is not None:
                env.update(selection.chosen.build.env)
        return env

    def build_config_settings(self) -> dict[str, str]:
        settings: dict[str, str] = {}
        for selection in self.selections:
            if selection.chosen is not None:
                settings.update(selection.chosen.build.config_settings)
        return settings


def make_plan(
    packages: Iterable[PackageVariants],
    supported: SupportedProperties,
    marker_environment: Mapping[str, str] | None = None,
) -> VariantPlan:
    return VariantPlan(
        supported=supported,
        selections=tuple(select_variant(package, supported, marker_environment) for package in packages),
    )
