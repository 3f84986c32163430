"""Plan uv's ``[tool.uv]`` routing for variant-managed dependencies: :func:`plan_uv`, two forms.

The **markers** form (the default when ``[tool.wheel-variants.uv]`` lists no ``dependencies``)
routes every catalog or ``[tool.wheel-variants.packages]`` package the project already lists, in
place: one source per platform class (a platform-decided variant such as Metal on macOS arm64, the
default label where its marker holds, the fallback variant everywhere else), so one machine always
gets one build. The **extras** and **groups** forms route the requirements of
``[tool.wheel-variants.uv] dependencies`` through one extra or dependency group per label, for
switching backends on one machine. The options and the resulting :class:`~.plan.UvPlan` are in
``plan.py``. Nothing here reads files or the machine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement

from ..packages import IndexVariant, PackagesConfig, PackageVariants, normalize_name
from .markers import conjoin, disjoint, negate_marker, platform_decided, variant_marker
from .plan import UV_PREFIX, UvConfigError, UvIndex, UvOptions, UvPlan, UvSource

__all__ = ["plan_uv", "project_requirements"]


# -- helpers -------------------------------------------------------------------------------------


def _gated(requirement: Requirement, marker: str) -> str:
    gated = Requirement(str(requirement))
    gated.marker = Marker(f"({requirement.marker}) and ({marker})" if requirement.marker else marker)
    return str(gated)


def _identical(package: PackageVariants, options: UvOptions) -> bool:
    """Whether *package*'s backend indexes share file names (catalog fact or the uv table's list)."""
    return package.identical_filenames or package.name in {normalize_name(n) for n in options.identical_filenames}


def _fallback(package: PackageVariants) -> IndexVariant | None:
    for variant in package.variants:
        if not variant.properties and not variant.marker:
            return variant
    return None


# -- the project's own requirements ---------------------------------------------------------------


def project_requirements(document: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """``(where, requirement)`` for each requirement string a parsed ``pyproject.toml`` lists:
    ``[project] dependencies``, ``optional-dependencies`` and ``[dependency-groups]``. Entries
    that are not strings (``{include-group = ...}``) or not valid requirements are skipped: they
    are uv's to report."""
    found: list[tuple[str, str]] = []

    def add(where: str, values: object) -> None:
        for position, text in enumerate(values if isinstance(values, list) else []):
            if isinstance(text, str):
                found.append((f"{where}[{position}]", text))

    project = document.get("project")
    project = project if isinstance(project, Mapping) else {}
    add("[project] dependencies", project.get("dependencies"))
    for table, where in (
        (project.get("optional-dependencies"), "[project.optional-dependencies]"),
        (document.get("dependency-groups"), "[dependency-groups]"),
    ):
        for name, values in table.items() if isinstance(table, Mapping) else ():
            add(f"{where} {name}", values)
    valid = []
    for where, text in found:
        try:
            Requirement(text)
        except InvalidRequirement:
            continue
        valid.append((where, text))
    return tuple(valid)


# -- planning ------------------------------------------------------------------------------------


def plan_uv(options: UvOptions, packages: PackagesConfig, requirements: Sequence[tuple[str, str]] = ()) -> UvPlan:
    """Route through *packages*: *options*' dependencies (extras/groups forms) or the project's own
    *requirements* (markers form, from :func:`project_requirements`); raise one
    :class:`UvConfigError` listing every problem."""
    if options.mode == "markers":
        return _plan_markers(options, packages, requirements)
    problems: list[str] = []
    managed: list[tuple[Requirement, PackageVariants]] = []
    for position, text in enumerate(options.dependencies):
        requirement = Requirement(text)
        package = packages.get(requirement.name)
        if package is None:
            problems.append(
                f"{UV_PREFIX} dependencies[{position}]: {requirement.name!r} is neither in the catalog nor in "
                f"[tool.wheel-variants] packages (known: {', '.join(packages.names) or 'none'})"
            )
        else:
            managed.append((requirement, package))
    offered = list(dict.fromkeys(v.label for _, package in managed for v in package.variants))
    labels = list(options.labels) if options.labels is not None else offered
    for label in labels:
        if managed and label not in offered:
            problems.append(
                f"{UV_PREFIX} labels: label {label!r} has no index for any of "
                f"{', '.join(p.name for _, p in managed)} (offered: {', '.join(offered)})"
            )
    if options.default is not None and managed and options.default not in labels:
        problems.append(
            f"{UV_PREFIX} default: label {options.default!r} has no index among the generated "
            f"{options.mode} (known: {', '.join(labels)})"
        )
    names = [normalize_name(label) for label in labels]
    if len(set(names)) != len(names):
        problems.append(f"{UV_PREFIX} labels: {labels} give duplicate {options.mode} names {names}")
    _check_variant_indexes(options, [p for _, p in managed], problems)
    if problems:
        raise UvConfigError("\n".join(problems))
    return _build_plan(options, managed, labels)


def _check_variant_indexes(options: UvOptions, managed: Sequence[PackageVariants], problems: list[str]) -> None:
    variant_names = {name for name, _ in options.variant_indexes}
    for package in managed:
        if package.name in variant_names:
            problems.append(
                f"{UV_PREFIX} variant-indexes.{package.name}: also an index-variant package; "
                "a package is either index-routed or a PEP 825 variant package"
            )


class _Indexes:
    """The explicit indexes of a plan, one per URL, named ``<package>-<label>``."""

    def __init__(self) -> None:
        self.by_name: dict[str, UvIndex] = {}

    def name_for(self, package: PackageVariants, variant: IndexVariant) -> str:
        for index in self.by_name.values():
            if index.url == variant.index:
                return index.name
        name = f"{package.name}-{normalize_name(variant.label)}"
        self.by_name[name] = UvIndex(name=name, url=variant.index)
        return name

    def add_variant_indexes(self, options: UvOptions) -> list[tuple[str, tuple[UvSource, ...]]]:
        sources: list[tuple[str, tuple[UvSource, ...]]] = []
        for name, url in options.variant_indexes:
            self.by_name[f"{name}-variants"] = UvIndex(name=f"{name}-variants", url=url)
            sources.append((name, (UvSource(index=f"{name}-variants"),)))
        return sources


def _owned_indexes(packages: Iterable[PackageVariants]) -> tuple[UvIndex, ...]:
    return tuple(
        UvIndex(name=f"{package.name}-{normalize_name(variant.label)}", url=variant.index)
        for package in packages
        for variant in package.variants
    )


def _build_settings(
    packages: Sequence[PackageVariants], default: str | None
) -> tuple[list[tuple[str, tuple[tuple[str, str], ...]]], list[tuple[str, tuple[tuple[str, str], ...]]]]:
    build_variables, config_settings = [], []
    for package in packages:
        chosen = package.variant(default) if default else None
        if chosen is not None and chosen.build.env:
            build_variables.append((package.name, chosen.build.env))
        if chosen is not None and chosen.build.config_settings:
            config_settings.append((package.name, chosen.build.config_settings))
    return build_variables, config_settings


def _build_plan(options: UvOptions, managed: list[tuple[Requirement, PackageVariants]], labels: list[str]) -> UvPlan:
    indexes = _Indexes()
    index_for = indexes.name_for
    key = "extra" if options.mode == "extras" else "group"
    choices: dict[str, list[str]] = {normalize_name(label): [] for label in labels}
    sources: list[tuple[str, tuple[UvSource, ...]]] = []
    comments: list[tuple[str, tuple[str, ...]]] = []
    reinstall: list[str] = []
    for requirement, package in managed:
        fallback = _fallback(package)
        entries: list[UvSource] = []
        notes: list[str] = []
        for label in labels:
            choice = normalize_name(label)
            variant = package.variant(label)
            text = str(requirement)
            if variant is None:
                if fallback is None:
                    notes.append(f"{choice}: {package.name} has no {label!r} build and no fallback; left out")
                    continue
                entries.append(UvSource(index=index_for(package, fallback), **{key: choice}))
            else:
                marker = variant_marker(variant)
                here = index_for(package, variant)
                if marker is None:
                    entries.append(UvSource(index=here, **{key: choice}))
                elif fallback is None or fallback is variant:
                    # No complement to route to: gate the requirement itself.
                    text = _gated(requirement, marker)
                    entries.append(UvSource(index=here, **{key: choice}, marker=marker))
                else:
                    entries.append(UvSource(index=here, **{key: choice}, marker=marker))
                    entries.append(
                        UvSource(index=index_for(package, fallback), **{key: choice}, marker=negate_marker(marker))
                    )
                    notes.append(f"{choice}: where `{marker}` is false, {package.name} comes from {fallback.label!r}")
            choices[choice].append(text)
        if _identical(package, options) and len({s.index for s in entries}) > 1:
            reinstall.append(package.name)  # every switch of extras/groups needs it
            notes.insert(
                0,
                f"publishes the same version and file name on every backend index: [tool.uv] reinstall-package "
                f"makes each `uv sync` reinstall it, so switching {options.mode} takes effect",
            )
        sources.append((package.name, tuple(entries)))
        comments.append((package.name, tuple(notes)))
    build_variables, config_settings = _build_settings([p for _, p in managed], options.default)
    sources.extend(indexes.add_variant_indexes(options))
    default_groups: tuple[str, ...] = ()
    if options.mode == "groups" and options.default is not None:
        default_groups = (normalize_name(options.default),)
    return UvPlan(
        mode=options.mode,
        indexes=tuple(indexes.by_name.values()),
        sources=tuple(sources),
        choices=tuple((name, tuple(reqs)) for name, reqs in choices.items() if reqs),
        build_variables=tuple(build_variables),
        config_settings=tuple(config_settings),
        default_groups=default_groups,
        reinstall_packages=tuple(reinstall),
        identical_filenames=tuple(reinstall),
        owned_indexes=_owned_indexes(p for _, p in managed),
        preview_features=("wheel-variants",) if options.variant_indexes else (),
        comments=tuple(comments),
    )


# -- the markers form ----------------------------------------------------------------------------


def _plan_markers(options: UvOptions, packages: PackagesConfig, requirements: Sequence[tuple[str, str]]) -> UvPlan:
    managed: dict[str, PackageVariants] = {}
    variant_names = {name for name, _ in options.variant_indexes}
    for _, text in requirements:
        package = packages.get(Requirement(text).name)
        # a package named in variant-indexes is routed there, as PEP 825 variant wheels
        if package is not None and package.name not in variant_names:
            managed.setdefault(package.name, package)
    problems: list[str] = []
    if not managed and not options.variant_indexes:
        problems.append(
            "nothing to route: [project] dependencies, optional-dependencies and [dependency-groups] list none "
            f"of the variant-managed packages (known: {', '.join(packages.names) or 'none'}); declare yours in "
            f"[tool.wheel-variants.packages], or list requirements in {UV_PREFIX} dependencies for the extras form"
        )
    offered = list(dict.fromkeys(v.label for package in managed.values() for v in package.variants))
    if options.default is not None and managed and options.default not in offered:
        problems.append(
            f"{UV_PREFIX} default: label {options.default!r} has no index for any of "
            f"{', '.join(managed)} (offered: {', '.join(offered)})"
        )
    if problems:
        raise UvConfigError("\n".join(problems))
    indexes = _Indexes()
    sources: list[tuple[str, tuple[UvSource, ...]]] = []
    comments: list[tuple[str, tuple[str, ...]]] = []
    identical: list[str] = []
    for package in managed.values():
        entries, notes = _platform_routes(package, options.default, indexes)
        if _identical(package, options) and len({entry.index for entry in entries}) > 1:
            # One machine keeps one route; only a changed route needs a reinstall, and a
            # reinstall-package setting would re-fetch the wheel on every sync: say the command.
            identical.append(package.name)
            notes.insert(
                0,
                "publishes the same version and file name on every backend index: when its route for a "
                f"platform changes (another default label), run `uv sync --reinstall-package {package.name}` once",
            )
        sources.append((package.name, entries))
        comments.append((package.name, tuple(notes)))
    build_variables, config_settings = _build_settings(list(managed.values()), options.default)
    sources.extend(indexes.add_variant_indexes(options))
    return UvPlan(
        mode="markers",
        indexes=tuple(indexes.by_name.values()),
        sources=tuple(sources),
        identical_filenames=tuple(identical),
        owned_indexes=_owned_indexes(managed.values()),
        build_variables=tuple(build_variables),
        config_settings=tuple(config_settings),
        preview_features=("wheel-variants",) if options.variant_indexes else (),
        comments=tuple(comments),
    )


def _platform_routes(
    package: PackageVariants, default: str | None, indexes: _Indexes
) -> tuple[tuple[UvSource, ...], list[str]]:
    """One source per platform class, in order: platform-decided variants (Metal on macOS arm64),
    the *default* label where its marker holds, the fallback variant everywhere else. Each class
    takes what the earlier ones left, so the markers are pairwise disjoint and cover every platform."""
    classes = [variant for variant in package.variants if platform_decided(variant)]
    chosen = package.variant(default) if default else None
    fallback = _fallback(package)
    notes: list[str] = []
    if default and chosen is None:
        notes.append(f"has no {default!r} build: only the platform-decided and fallback builds are routed")
    if chosen is not None and chosen is not fallback and chosen not in classes:
        classes.append(chosen)
    entries: list[UvSource] = []
    taken: list[str] = []  # markers of the classes routed so far
    for variant in classes:
        marker = variant_marker(variant)
        if marker is None:  # holds everywhere the earlier classes do not
            entries.append(UvSource(index=indexes.name_for(package, variant), marker=_rest(taken)))
            return tuple(entries), notes
        overlapping = [negate_marker(m) for m in taken if not disjoint(m, marker)]
        entries.append(UvSource(index=indexes.name_for(package, variant), marker=conjoin([marker, *overlapping])))
        taken.append(marker)
    if fallback is not None:
        entries.append(UvSource(index=indexes.name_for(package, fallback), marker=_rest(taken)))
    else:
        notes.append(f"has no fallback build: where `{_rest(taken)}` holds, uv looks for it on the default index")
    return tuple(entries), notes


def _rest(taken: Sequence[str]) -> str | None:
    return conjoin(negate_marker(marker) for marker in taken)
