"""Index variants: packages published on per-backend indexes, as declared data.

The same schema serves the built-in catalog (``wheel_variants/catalog/packages.toml``) and the
user's ``pyproject.toml``, where it overrides the catalog package by package::

    [tool.wheel-variants]
    index-bases = { llama-cpp = "https://mirror.example/llama-cpp-python/whl" }   # optional

    [tool.wheel-variants.packages.llama-cpp-python]
    namespace-priorities = ["nvidia", "apple"]          # optional; default: order of first use
    identical-filenames = true                          # optional: every index has the same file names
    allow-other-sources = false                         # optional: when no variant fits, the other sources may serve it

    [tool.wheel-variants.packages.llama-cpp-python.variants.cu124]
    index = "{llama-cpp}/cu124"                         # "{name}" expands an index base
    properties = ["nvidia :: cuda_version_lower_bound :: 12.4"]
    marker = "platform_machine == 'x86_64'"             # optional PEP 508 marker
    build = { env = { CMAKE_ARGS = "-DGGML_CUDA=on" }, config-settings = { "cmake.args" = "..." } }

:func:`parse_packages` is pure and reports every problem of a table in one error;
:func:`select_variant` ranks a package's variants for a machine with the PEP 825 ordering.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from .errors import VariantsError
from .filename import NULL_LABEL, validate_label
from .grammar import validate_namespace
from .names import normalize_name
from .ordering import order_variants
from .properties import VariantProperty
from .supported import SupportedProperties
from .variant import Variant

__all__ = [
    "INDEX_BASE_ENV_PREFIX",
    "BuildSettings",
    "IndexVariant",
    "PackageVariants",
    "PackagesConfig",
    "PackagesConfigError",
    "Selection",
    "index_base_overrides",
    "normalize_name",
    "parse_packages",
    "select_variant",
]

INDEX_BASE_ENV_PREFIX = "WHEEL_VARIANTS_INDEX_BASE_"

_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_-]+)\}")
_PACKAGE_KEYS = frozenset({"namespace-priorities", "variants", "identical-filenames", "allow-other-sources"})
_VARIANT_KEYS = frozenset({"index", "properties", "marker", "build"})
_BUILD_KEYS = frozenset({"env", "config-settings"})


class PackagesConfigError(VariantsError):
    """A ``packages`` table (catalog or ``[tool.wheel-variants]``) is malformed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildSettings:
    """What a source build of one variant needs: environment variables and PEP 517 config settings."""

    env: tuple[tuple[str, str], ...] = ()
    config_settings: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.env or self.config_settings)

    def to_dict(self) -> dict[str, dict[str, str]]:
        result: dict[str, dict[str, str]] = {}
        if self.env:
            result["env"] = dict(self.env)
        if self.config_settings:
            result["config-settings"] = dict(self.config_settings)
        return result


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexVariant:
    """One label of a package: the index serving it, what it needs, how to build it."""

    label: str
    index: str
    properties: frozenset[VariantProperty] = frozenset()
    marker: str | None = None
    build: BuildSettings = BuildSettings()

    @property
    def variant(self) -> Variant:
        return Variant(label=self.label, properties=self.properties)

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"index": self.index}
        if self.properties:
            result["properties"] = [str(p) for p in sorted(self.properties)]
        if self.marker:
            result["marker"] = self.marker
        if self.build:
            result["build"] = self.build.to_dict()
        return result


@dataclass(frozen=True, slots=True, kw_only=True)
class PackageVariants:
    """All index variants of one package and where they were declared."""

    name: str
    variants: tuple[IndexVariant, ...]
    namespace_priorities: tuple[str, ...]
    origin: str
    # Every backend index publishes the same version and file name (no local version), so an
    # installer that compares names and versions keeps the old build when the index changes.
    identical_filenames: bool = False
    # When no variant fits a machine, the package may come from the project's other sources.
    # Off by default: anyone can register the name there (dependency confusion).
    allow_other_sources: bool = False

    def variant(self, label: str) -> IndexVariant | None:
        for candidate in self.variants:
            if candidate.label == label:
                return candidate
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class PackagesConfig:
    """Packages by normalised name, plus the named index bases their URLs were expanded with."""

    packages: tuple[PackageVariants, ...] = ()
    index_bases: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> PackageVariants | None:
        wanted = normalize_name(name)
        for package in self.packages:
            if package.name == wanted:
                return package
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(package.name for package in self.packages)

    def overridden_by(self, other: PackagesConfig) -> PackagesConfig:
        """A copy where *other*'s packages replace same-named ones (others are appended)."""
        replaced = {package.name: package for package in other.packages}
        kept = [replaced.pop(package.name, package) for package in self.packages]
        return PackagesConfig(packages=(*kept, *replaced.values()), index_bases=other.index_bases)


def index_base_overrides(environ: Mapping[str, str]) -> dict[str, str]:
    """``WHEEL_VARIANTS_INDEX_BASE_<NAME>=url`` variables as ``{name: url}`` (``_`` -> ``-``, lower case)."""
    return {
        key[len(INDEX_BASE_ENV_PREFIX) :].lower().replace("_", "-"): value.rstrip("/")
        for key, value in environ.items()
        if key.startswith(INDEX_BASE_ENV_PREFIX) and value.strip()
    }


def parse_packages(
    table: Mapping[str, Any] | None,
    *,
    prefix: str,
    origin: str,
    default_bases: Mapping[str, str] | None = None,
    override_bases: Mapping[str, str] | None = None,
) -> PackagesConfig:
    """Validate a table holding ``index-bases`` and ``packages`` (other keys are ignored).

    *prefix* locates messages (``"[tool.wheel-variants]"`` or the catalog's file name). Index
    bases, used to expand ``{name}`` in index URLs, come from *default_bases*, then the table's
    own ``index-bases``, then *override_bases* (the later wins).
    """
    if table is None:
        return PackagesConfig(index_bases=tuple(sorted({**(default_bases or {}), **(override_bases or {})}.items())))
    problems: list[str] = []
    bases = dict(default_bases or {})
    bases.update(_index_bases(table.get("index-bases", {}), prefix, problems))
    bases.update(override_bases or {})
    packages_table = table.get("packages", {})
    packages: list[PackageVariants] = []
    if not isinstance(packages_table, Mapping):
        problems.append(f"{prefix} packages: expected a table of packages, got {packages_table!r}")
    else:
        for name, body in packages_table.items():
            package = _package(str(name), body, f"{prefix} packages.{name}", origin, bases, problems)
            if package is not None:
                packages.append(package)
    if problems:
        raise PackagesConfigError("\n".join(problems))
    return PackagesConfig(packages=tuple(packages), index_bases=tuple(sorted(bases.items())))


def _index_bases(value: object, prefix: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(url, str) and url.strip() for url in value.values()):
        problems.append(f"{prefix} index-bases: expected a table of name = URL strings, got {value!r}")
        return {}
    return {str(name): url.rstrip("/") for name, url in value.items()}


def _is_table_of(
    value: object, allowed: frozenset[str], where: str, problems: list[str]
) -> TypeGuard[Mapping[str, Any]]:
    """True for a table (unknown keys are recorded as problems); False, with the reason, otherwise."""
    if not isinstance(value, Mapping):
        problems.append(f"{where}: expected a table, got {value!r}")
        return False
    from .suggest import unknown_key

    problems.extend(unknown_key(key, allowed, where) for key in value if key not in allowed)
    return True


def _package(
    name: str, body: object, where: str, origin: str, bases: Mapping[str, str], problems: list[str]
) -> PackageVariants | None:
    before = len(problems)
    if not _is_table_of(body, _PACKAGE_KEYS, where, problems):
        return None
    variants_table = body.get("variants")
    variants: list[IndexVariant] = []
    if not isinstance(variants_table, Mapping) or not variants_table:
        problems.append(f"{where}.variants: expected a non-empty table of labels, got {variants_table!r}")
    else:
        for label, spec in variants_table.items():
            variant = _variant(str(label), spec, f"{where}.variants.{label}", bases, problems)
            if variant is not None:
                variants.append(variant)
    used = list(dict.fromkeys(p.namespace for v in variants for p in sorted(v.properties)))
    priorities = body.get("namespace-priorities")
    if priorities is None:
        order = used
    elif not isinstance(priorities, list) or not all(isinstance(ns, str) for ns in priorities):
        problems.append(f"{where}.namespace-priorities: expected a list of namespaces, got {priorities!r}")
        order = used
    else:
        order = []
        for index, namespace in enumerate(priorities):
            try:
                order.append(validate_namespace(namespace, f"{where}.namespace-priorities[{index}]"))
            except VariantsError as error:
                problems.append(str(error))
        missing = [ns for ns in used if ns not in order]
        if missing:
            problems.append(f"{where}.namespace-priorities: lacks namespace(s) {missing} that variants use")
    identical = _flag(body, "identical-filenames", where, problems)
    other_sources = _flag(body, "allow-other-sources", where, problems)
    if len(problems) != before:
        return None
    return PackageVariants(
        name=normalize_name(name),
        variants=tuple(variants),
        namespace_priorities=tuple(order),
        origin=origin,
        identical_filenames=identical,
        allow_other_sources=other_sources,
    )


def _flag(body: Mapping[str, Any], key: str, where: str, problems: list[str]) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        problems.append(f"{where}.{key}: expected true or false, got {value!r}")
    return value is True


def _variant(
    label: str, spec: object, where: str, bases: Mapping[str, str], problems: list[str]
) -> IndexVariant | None:
    try:
        validate_label(label, where)
    except VariantsError as error:
        problems.append(str(error))
        return None
    if label == NULL_LABEL:
        problems.append(f"{where}: the label {NULL_LABEL!r} is reserved for PEP 825 null variants")
        return None
    before = len(problems)
    if not _is_table_of(spec, _VARIANT_KEYS, where, problems):
        return None
    index = _index_url(spec.get("index"), f"{where}.index", bases, problems)
    properties: list[VariantProperty] = []
    raw = spec.get("properties", [])
    if not isinstance(raw, list):
        problems.append(f"{where}.properties: expected a list of 'namespace :: feature :: value', got {raw!r}")
    else:
        from .providers.vocabulary import check_features

        for position, text in enumerate(raw):
            try:
                prop = VariantProperty.parse(text, f"{where}.properties[{position}]")
                check_features((prop,), f"{where}.properties[{position}]")  # a misspelled built-in feature
                properties.append(prop)
            except VariantsError as error:
                problems.append(str(error))
    marker = spec.get("marker")
    if marker is not None:
        marker = _marker(marker, f"{where}.marker", problems)
    build = _build(spec.get("build", {}), f"{where}.build", problems)
    if len(problems) != before or index is None:
        return None
    return IndexVariant(label=label, index=index, properties=frozenset(properties), marker=marker, build=build)


def _index_url(value: object, where: str, bases: Mapping[str, str], problems: list[str]) -> str | None:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: expected an index URL string, got {value!r}")
        return None
    unknown = [name for name in _PLACEHOLDER.findall(value) if name not in bases]
    if unknown:
        problems.append(
            f"{where}: unknown index base(s) {unknown} in {value!r} (known: {sorted(bases) or 'none'}; "
            "declare them in index-bases)"
        )
        return None
    url = _PLACEHOLDER.sub(lambda match: bases[match.group(1)], value).rstrip("/")
    if not url.startswith(("http://", "https://", "file://")):
        problems.append(f"{where}: expected an http(s) or file URL, got {url!r}")
        return None
    return url


def _marker(value: object, where: str, problems: list[str]) -> str | None:
    from packaging.markers import InvalidMarker, Marker

    if not isinstance(value, str):
        problems.append(f"{where}: expected a PEP 508 marker string, got {value!r}")
        return None
    try:
        Marker(value)
    except InvalidMarker as error:
        problems.append(f"{where}: invalid marker {value!r}: {error}")
        return None
    return value


def _string_table(value: object, where: str, problems: list[str]) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        problems.append(f"{where}: expected a table of name = string, got {value!r}")
        return ()
    return tuple((str(key), item) for key, item in value.items())


def _build(value: object, where: str, problems: list[str]) -> BuildSettings:
    if not isinstance(value, Mapping):
        problems.append(f"{where}: expected a table with 'env' and/or 'config-settings', got {value!r}")
        return BuildSettings()
    from .suggest import unknown_key

    problems.extend(unknown_key(key, _BUILD_KEYS, where) for key in value if key not in _BUILD_KEYS)
    return BuildSettings(
        env=_string_table(value.get("env", {}), f"{where}.env", problems),
        config_settings=_string_table(value.get("config-settings", {}), f"{where}.config-settings", problems),
    )


# -- selection -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Selection:
    """A package's variants ranked for one machine: the chosen one first, each loser with a reason."""

    package: PackageVariants
    ranked: tuple[IndexVariant, ...]
    rejected: tuple[tuple[str, str], ...] = ()

    @property
    def chosen(self) -> IndexVariant | None:
        return self.ranked[0] if self.ranked else None

    def reason(self, label: str) -> str | None:
        return dict(self.rejected).get(label)


def select_variant(
    package: PackageVariants,
    supported: SupportedProperties,
    marker_environment: Mapping[str, str] | None = None,
) -> Selection:
    """Rank *package*'s variants: markers first (*marker_environment*, default: this
    interpreter), then the PEP 825 ordering of their properties against *supported*."""
    from packaging.markers import Marker

    rejected: list[tuple[str, str]] = []
    eligible: list[IndexVariant] = []
    environment = dict(marker_environment) if marker_environment is not None else None
    for variant in package.variants:
        if variant.marker and not Marker(variant.marker).evaluate(environment):
            rejected.append((variant.label, f"marker {variant.marker!r} is false here"))
        else:
            eligible.append(variant)
    ordering = order_variants((v.variant for v in eligible), supported, package.namespace_priorities)
    by_label = {variant.label: variant for variant in eligible}
    rejected.extend((rejection.label, rejection.reason) for rejection in ordering.rejected)
    return Selection(
        package=package,
        ranked=tuple(by_label[label] for label in ordering.ordered),
        rejected=tuple(sorted(rejected)),
    )
