"""Plan uv's ``[tool.uv]`` routing for variant-managed dependencies, as plain data.

Input: the ``[tool.wheel-variants.uv]`` table plus the packages in effect (catalog overridden by
``[tool.wheel-variants.packages]``)::

    [tool.wheel-variants.uv]
    dependencies = ["llama-cpp-python>=0.3"]   # routed per backend; keep them out of [project] dependencies
    labels = ["cpu", "cu124", "metal"]         # optional: the extras/groups to offer (default: every label)
    mode = "extras"                            # or "groups" ([dependency-groups], default-groups = [default])
    default = "cu124"                          # optional: default label (source-build variables, default group)
    identical-filenames = ["my-pkg"]           # optional: indexes publish the same file names (no +local)
    variant-indexes = { my-pkg = "https://example.org/simple" }   # PEP 825 variant wheels

Output (:class:`UvPlan`): explicit indexes, per-package source lists where each extra/group is
routed on every platform (a variant's marker plus its complement, routed to the package's fallback
variant, so markers are pairwise disjoint and nothing falls through to the default index), one
``conflicts`` set, the extras or groups themselves, build variables for source builds and comments.
Nothing here reads files or the machine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement

from .errors import VariantsError
from .packages import IndexVariant, PackagesConfig, PackageVariants, normalize_name

__all__ = [
    "PLATFORM_MARKERS",
    "UV_PREFIX",
    "UvConfigError",
    "UvIndex",
    "UvOptions",
    "UvPlan",
    "UvSource",
    "negate_marker",
    "parse_uv_options",
    "plan_uv",
]

UV_PREFIX = "[tool.wheel-variants.uv]"
_KEYS = frozenset({"dependencies", "labels", "mode", "default", "identical-filenames", "variant-indexes"})

# Where a variant is decided by the platform alone and the catalog gives no marker of its own.
PLATFORM_MARKERS: Mapping[str, str] = {"apple": "sys_platform == 'darwin' and platform_machine == 'arm64'"}

# Packages known to publish the same file name (no local version) on every backend index.
KNOWN_IDENTICAL_FILENAMES = frozenset({"llama-cpp-python"})

_NEGATED_OPS = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">", "in": "not in", "not in": "in"}

Mode = Literal["extras", "groups"]


class UvConfigError(VariantsError):
    """The uv generator's input is inconsistent (unknown package, label without index...)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UvOptions:
    dependencies: tuple[str, ...] = ()
    labels: tuple[str, ...] | None = None
    mode: Mode = "extras"
    default: str | None = None
    identical_filenames: tuple[str, ...] = ()
    variant_indexes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class UvIndex:
    name: str
    url: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "url": self.url, "explicit": True}


@dataclass(frozen=True, slots=True, kw_only=True)
class UvSource:
    index: str
    extra: str | None = None
    group: str | None = None
    marker: str | None = None

    def to_dict(self) -> dict[str, str]:
        result = {"index": self.index}
        for key, value in (("extra", self.extra), ("group", self.group), ("marker", self.marker)):
            if value is not None:
                result[key] = value
        return result


@dataclass(frozen=True, slots=True, kw_only=True)
class UvPlan:
    mode: Mode
    indexes: tuple[UvIndex, ...] = ()
    sources: tuple[tuple[str, tuple[UvSource, ...]], ...] = ()
    # extra or group name -> requirement strings
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()
    build_variables: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    config_settings: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    default_groups: tuple[str, ...] = ()
    preview_features: tuple[str, ...] = ()
    # package -> comment lines written above its sources
    comments: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def conflicts(self) -> tuple[dict[str, str], ...]:
        key = "extra" if self.mode == "extras" else "group"
        return tuple({key: name} for name, _ in self.choices) if len(self.choices) > 1 else ()

    @property
    def managed_packages(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.sources)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(line for _, lines in self.comments for line in lines if line.startswith("WARNING"))


# -- input ---------------------------------------------------------------------------------------


def parse_uv_options(table: Mapping[str, Any] | None) -> UvOptions:
    """Validate ``[tool.wheel-variants.uv]``; every problem is reported, one per line."""
    if table is None:
        return UvOptions()
    if not isinstance(table, Mapping):
        raise UvConfigError(f"{UV_PREFIX} must be a table, not {type(table).__name__}")
    problems: list[str] = []
    for key in table:
        if key not in _KEYS:
            problems.append(f"{UV_PREFIX} {key}: unknown key (expected one of {sorted(_KEYS)})")
    dependencies = _strings(table.get("dependencies", []), "dependencies", problems)
    for position, text in enumerate(dependencies):
        try:
            Requirement(text)
        except InvalidRequirement as error:
            problems.append(f"{UV_PREFIX} dependencies[{position}]: invalid requirement {text!r}: {error}")
    labels = table.get("labels")
    mode = table.get("mode", "extras")
    if mode not in ("extras", "groups"):
        problems.append(f"{UV_PREFIX} mode: expected 'extras' or 'groups', got {mode!r}")
        mode = "extras"
    default = table.get("default")
    if default is not None and not isinstance(default, str):
        problems.append(f"{UV_PREFIX} default: expected a label string, got {default!r}")
        default = None
    indexes = table.get("variant-indexes", {})
    if not isinstance(indexes, Mapping) or not all(isinstance(v, str) and v for v in indexes.values()):
        problems.append(f"{UV_PREFIX} variant-indexes: expected a table of package = index URL, got {indexes!r}")
        indexes = {}
    options = UvOptions(
        dependencies=tuple(dependencies),
        labels=None if labels is None else tuple(_strings(labels, "labels", problems)),
        mode=mode,
        default=default,
        identical_filenames=tuple(_strings(table.get("identical-filenames", []), "identical-filenames", problems)),
        variant_indexes=tuple((normalize_name(str(k)), str(v).rstrip("/")) for k, v in indexes.items()),
    )
    if problems:
        raise UvConfigError("\n".join(problems))
    return options


def _strings(value: object, key: str, problems: list[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append(f"{UV_PREFIX} {key}: expected a list of strings, got {value!r}")
        return []
    return list(value)


# -- markers -------------------------------------------------------------------------------------


def negate_marker(marker: str) -> str:
    """A PEP 508 marker true exactly where *marker* is false (De Morgan; operators inverted)."""
    try:
        parsed = Marker(marker)
    except InvalidMarker as error:
        raise UvConfigError(f"invalid marker {marker!r}: {error}") from error
    return _negate(parsed._markers, marker)


def _negate(items: Sequence[Any], whole: str) -> str:
    # packaging's parsed form: [atom, "and"|"or", atom, ...], an atom a (lhs, op, rhs) tuple or a nested list.
    # "and" binds tighter than "or": split on "or" first.
    alternatives: list[list[Any]] = [[]]
    for item in items:
        if item == "or":
            alternatives.append([])
        elif item != "and":
            alternatives[-1].append(item)
    # not (A or B) = not A and not B ; not (a and b) = not a or not b
    negated = [" or ".join(_negate_atom(atom, whole) for atom in conjunction) for conjunction in alternatives]
    if len(negated) == 1:
        return negated[0]
    return " and ".join(
        f"({part})" if len(conj) > 1 else part for part, conj in zip(negated, alternatives, strict=True)
    )


def _negate_atom(atom: Any, whole: str) -> str:
    if isinstance(atom, list):
        return "(" + _negate(atom, whole) + ")"
    lhs, op, rhs = atom
    inverted = _NEGATED_OPS.get(op.value)
    if inverted is None:
        raise UvConfigError(f"cannot build the complement of marker {whole!r}: operator {op.value!r} has no inverse")
    return f"{_side(lhs)} {inverted} {_side(rhs)}"


def _side(node: Any) -> str:
    # A marker variable is written bare, a value quoted (single quotes, as uv prints them).
    return f"'{node.value}'" if type(node).__name__ == "Value" else str(node.value)


def _variant_marker(package: PackageVariants, variant: IndexVariant) -> str | None:
    if variant.marker:
        return variant.marker
    namespaces = {prop.namespace for prop in variant.properties}
    if len(namespaces) == 1:
        return PLATFORM_MARKERS.get(next(iter(namespaces)))
    return None


def _gated(requirement: Requirement, marker: str) -> str:
    gated = Requirement(str(requirement))
    gated.marker = Marker(f"({requirement.marker}) and ({marker})" if requirement.marker else marker)
    return str(gated)


def _fallback(package: PackageVariants) -> IndexVariant | None:
    for variant in package.variants:
        if not variant.properties and not variant.marker:
            return variant
    return None


# -- planning ------------------------------------------------------------------------------------


def plan_uv(options: UvOptions, packages: PackagesConfig) -> UvPlan:
    """Route *options*' dependencies through *packages*; raise one :class:`UvConfigError` listing every problem."""
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
    variant_names = {name for name, _ in options.variant_indexes}
    for requirement, _ in managed:
        if normalize_name(requirement.name) in variant_names:
            problems.append(
                f"{UV_PREFIX} variant-indexes.{requirement.name}: also listed in dependencies; "
                "a package is either index-routed or a PEP 825 variant package"
            )
    if problems:
        raise UvConfigError("\n".join(problems))
    return _build_plan(options, managed, labels)


def _build_plan(options: UvOptions, managed: list[tuple[Requirement, PackageVariants]], labels: list[str]) -> UvPlan:
    indexes: dict[str, UvIndex] = {}

    def index_for(package: PackageVariants, variant: IndexVariant) -> str:
        for index in indexes.values():
            if index.url == variant.index:
                return index.name
        name = f"{package.name}-{normalize_name(variant.label)}"
        indexes[name] = UvIndex(name=name, url=variant.index)
        return name

    key = "extra" if options.mode == "extras" else "group"
    identical = KNOWN_IDENTICAL_FILENAMES | {normalize_name(n) for n in options.identical_filenames}
    choices: dict[str, list[str]] = {normalize_name(label): [] for label in labels}
    sources: list[tuple[str, tuple[UvSource, ...]]] = []
    comments: list[tuple[str, tuple[str, ...]]] = []
    build_variables: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    config_settings: list[tuple[str, tuple[tuple[str, str], ...]]] = []
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
                marker = _variant_marker(package, variant)
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
        if package.name in identical and len({s.index for s in entries}) > 1:
            notes.insert(
                0,
                f"WARNING: {package.name} publishes the same version and file name on every backend index; "
                f"after switching {options.mode} run `uv sync --reinstall-package {package.name} ...`",
            )
        sources.append((package.name, tuple(entries)))
        comments.append((package.name, tuple(notes)))
        chosen = package.variant(options.default) if options.default else None
        if chosen is not None and chosen.build.env:
            build_variables.append((package.name, chosen.build.env))
        if chosen is not None and chosen.build.config_settings:
            config_settings.append((package.name, chosen.build.config_settings))
    for name, url in options.variant_indexes:
        indexes[f"{name}-variants"] = UvIndex(name=f"{name}-variants", url=url)
        sources.append((name, (UvSource(index=f"{name}-variants"),)))
    default_groups: tuple[str, ...] = ()
    if options.mode == "groups" and options.default is not None:
        default_groups = (normalize_name(options.default),)
    return UvPlan(
        mode=options.mode,
        indexes=tuple(indexes.values()),
        sources=tuple(sources),
        choices=tuple((name, tuple(reqs)) for name, reqs in choices.items() if reqs),
        build_variables=tuple(build_variables),
        config_settings=tuple(config_settings),
        default_groups=default_groups,
        preview_features=("wheel-variants",) if options.variant_indexes else (),
        comments=tuple(comments),
    )
