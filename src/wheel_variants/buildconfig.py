"""The producer's side of a variant build: the ``[variant]`` pyproject table and per-variant settings.

``[variant]`` (the building draft of PEP 817/825) declares what the variants *are*::

    [variant.default-priorities]
    namespace = ["nvidia"]
    [variant.providers.nvidia]
    requires = ["nvidia-variant-provider"]
    plugin-api = "nvidia_variant_provider.plugin:NvidiaVariantPlugin"
    [variant.variants.cu126]
    nvidia.cuda_version_lower_bound = ["12.6"]
    [variant.variants.null]          # the null variant: no properties

The build tool's hook table says how to *build* each one (``builds.<label>``): an environment
(``CMAKE_ARGS``, ``CFLAGS``...), extra runtime dependencies and extra artifacts. Everything is
validated here, with the key path in each message; nothing in this module does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import InvalidLabelError, InvalidMetadataError, located
from .filename import NULL_LABEL, validate_label
from .metadata import SCHEMA_V0_2, VariantsMetadata, metadata_from_dict
from .properties import VariantProperty
from .suggest import did_you_mean
from .variant import Variant

__all__ = [
    "KNOWN_SINGLE_VALUE_FEATURES",
    "VariantBuild",
    "VariantBuildSettings",
    "check_variant",
    "declared_labels",
    "labelling_metadata",
    "parse_build_settings",
    "parse_label_list",
    "parse_variant_table",
    "plan_variant_build",
]

VARIANT_TABLE = "[variant]"
StaticFeatures = tuple[tuple[str, tuple[str, ...]], ...]
_VARIANT_KEYS = frozenset({"$schema", "default-priorities", "providers", "variants"})
_BUILD_KEYS = frozenset({"env", "dependencies", "artifacts"})
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# Features whose providers declare ``multi_value = False``: a wheel may list one value only.
# Facts from the providers' sources (nvidia-variant-provider, provider-variant-x86-64/aarch64,
# amd-variant-provider); features not listed here are not checked.
KNOWN_SINGLE_VALUE_FEATURES: frozenset[tuple[str, str]] = frozenset(
    {
        ("nvidia", "cuda_version_lower_bound"),
        ("nvidia", "cuda_version_upper_bound"),
        ("x86_64", "level"),
        ("aarch64", "version"),
        ("amd", "rocm_version"),
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class VariantBuildSettings:
    """How to build one variant: environment, extra ``Requires-Dist`` lines, extra artifacts."""

    label: str
    env: tuple[tuple[str, str], ...] = ()
    dependencies: tuple[str, ...] = ()
    artifacts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class VariantBuild:
    """Everything one variant build needs: its label, its ``variant.json`` document, its settings."""

    label: str
    metadata: VariantsMetadata
    settings: VariantBuildSettings

    @property
    def env(self) -> dict[str, str]:
        return dict(self.settings.env)


def parse_variant_table(pyproject: Mapping[str, Any], source: str = "pyproject.toml") -> VariantsMetadata:
    """Validate the ``[variant]`` table of *pyproject* (a decoded TOML document).

    Returns metadata holding every declared variant in declaration order; the null variant is
    included only when declared (``[variant.variants.null]``, an empty table).
    """
    table = pyproject.get("variant")
    if table is None:
        raise InvalidMetadataError(
            f"{source}: no {VARIANT_TABLE} table; declare [variant.default-priorities], "
            "[variant.providers.<namespace>] and [variant.variants.<label>]"
        )
    if not isinstance(table, Mapping):
        raise InvalidMetadataError(f"{source}: {VARIANT_TABLE} must be a table, got {type(table).__name__}")
    unknown = sorted(set(table) - _VARIANT_KEYS)
    if unknown:
        hint = did_you_mean(unknown[0], _VARIANT_KEYS)
        raise InvalidMetadataError(
            f"{source}: unknown key(s) {unknown} in {VARIANT_TABLE}{hint}; expected {sorted(_VARIANT_KEYS)}"
        )
    schema = table.get("$schema", SCHEMA_V0_2)
    header = {
        "$schema": schema,
        "default-priorities": table.get("default-priorities"),
        "variants": {},
    }
    if "providers" in table:
        header["providers"] = table["providers"]
    shell = metadata_from_dict(header, f"{source} {VARIANT_TABLE}")

    declared = table.get("variants", {})
    if not isinstance(declared, Mapping):
        raise InvalidMetadataError(
            f"{source}: {VARIANT_TABLE} variants must be a table of labels, got {type(declared).__name__}"
        )
    static = {name: info.static_properties for name, info in shell.providers if info.static_properties is not None}
    variants = tuple(
        _parse_variant(label, data, shell.namespace_priorities, static) for label, data in declared.items()
    )
    return VariantsMetadata(
        schema=shell.schema,
        namespace_priorities=shell.namespace_priorities,
        providers=shell.providers,
        variants=variants,
    )


def _parse_variant(
    label: object, data: object, namespaces: tuple[str, ...], static: Mapping[str, StaticFeatures]
) -> Variant:
    where = f"{VARIANT_TABLE} variants.{label}"
    validate_label(label, where)
    assert isinstance(label, str)
    variant = Variant.from_dict(label, data, where)
    check_variant(variant, namespaces, where, static)
    return variant


def check_variant(
    variant: Variant, namespaces: Sequence[str], where: str, static: Mapping[str, StaticFeatures] | None = None
) -> None:
    """Refuse namespaces missing from *namespaces*, features their namespace does not know (a
    built-in namespace's vocabulary; the features of a *static* provider) and several values for
    a known single-value feature."""
    from .providers.vocabulary import check_features, unknown_feature

    for namespace in sorted(variant.namespaces):
        if namespace not in namespaces:
            raise InvalidMetadataError(
                f"namespace {namespace!r}{located(f'{where}.{namespace}')} is not declared in "
                f"{VARIANT_TABLE} default-priorities.namespace {list(namespaces)}"
            )
    static = static or {}
    for prop in sorted(variant.properties):
        path = f"{where}.{prop.namespace}.{prop.feature}"
        if prop.namespace not in static:
            check_features((prop,), path)  # a built-in namespace: its providers' vocabulary
            continue
        features = [feature for feature, _ in static[prop.namespace]]
        if prop.feature not in features:
            raise InvalidMetadataError(unknown_feature(prop.namespace, prop.feature, features, path, "static"))
    for feature, values in sorted(variant.values_by_feature().items()):
        if len(values) > 1 and (feature.namespace, feature.feature) in KNOWN_SINGLE_VALUE_FEATURES:
            raise InvalidMetadataError(
                f"several values {sorted(values)} for the single-value feature {str(feature)!r}"
                f"{located(f'{where}.{feature.namespace}.{feature.feature}')}"
            )


def declared_labels(metadata: VariantsMetadata) -> tuple[str, ...]:
    """The labels ``build all`` builds, in declaration order."""
    return tuple(variant.label for variant in metadata.variants)


def parse_build_settings(
    hook_config: Mapping[str, Any], known_labels: Sequence[str], where: str
) -> dict[str, VariantBuildSettings]:
    """Validate the ``builds`` table of a build-hook configuration found at *where*."""
    builds = hook_config.get("builds", {})
    if not isinstance(builds, Mapping):
        raise InvalidMetadataError(f"{where} builds must be a table of labels, got {type(builds).__name__}")
    result: dict[str, VariantBuildSettings] = {}
    for label, entry in builds.items():
        path = f"{where} builds.{label}"
        validate_label(label, path)
        if label not in known_labels and label != NULL_LABEL:
            raise InvalidLabelError(
                f"unknown variant label {label!r}{located(path)}{did_you_mean(label, known_labels)} "
                f"(declared: {list(known_labels)}; declare it as [variant.variants.{label}])"
            )
        if not isinstance(entry, Mapping):
            raise InvalidMetadataError(f"expected a table{located(path)}, got {type(entry).__name__}")
        unknown = sorted(set(entry) - _BUILD_KEYS)
        if unknown:
            hint = did_you_mean(unknown[0], _BUILD_KEYS)
            raise InvalidMetadataError(
                f"unknown key(s) {unknown}{located(path)}{hint}; expected some of {sorted(_BUILD_KEYS)}"
            )
        result[label] = VariantBuildSettings(
            label=label,
            env=_parse_env(entry.get("env", {}), f"{path}.env"),
            dependencies=_parse_strings(entry.get("dependencies", []), f"{path}.dependencies"),
            artifacts=_parse_strings(entry.get("artifacts", []), f"{path}.artifacts"),
        )
    return result


def _parse_env(value: object, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping):
        raise InvalidMetadataError(f"expected a table of strings{located(where)}, got {value!r}")
    pairs: list[tuple[str, str]] = []
    for name, text in value.items():
        if not isinstance(name, str) or not _ENV_NAME.fullmatch(name):
            raise InvalidMetadataError(f"invalid environment variable name {name!r}{located(where)}")
        if not isinstance(text, str):
            raise InvalidMetadataError(f"expected a string{located(f'{where}.{name}')}, got {text!r}")
        pairs.append((name, text))
    return tuple(pairs)


def _parse_strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise InvalidMetadataError(f"expected a list of strings{located(where)}, got {value!r}")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise InvalidMetadataError(f"expected a non-empty string{located(f'{where}[{index}]')}, got {item!r}")
    return tuple(value)


def parse_label_list(text: str, where: str) -> tuple[str, ...]:
    """Split ``"cu126,null"`` into labels; each valid, none repeated."""
    labels = [part.strip() for part in text.split(",") if part.strip()]
    if not labels:
        raise InvalidLabelError(f"no variant label given{located(where)}")
    for label in labels:
        validate_label(label, where)
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise InvalidLabelError(f"variant label(s) {repeated} requested more than once{located(where)}")
    return tuple(labels)


def plan_variant_build(
    pyproject: Mapping[str, Any],
    hook_config: Mapping[str, Any],
    label: str,
    *,
    hook_where: str,
    source: str = "pyproject.toml",
) -> VariantBuild:
    """Resolve *label* against the declarations: its single-variant metadata and build settings.

    ``null`` is always buildable; any other label must be declared in ``[variant.variants]``.
    """
    validate_label(label, "requested variant label")
    metadata = parse_variant_table(pyproject, source)
    labels = declared_labels(metadata)
    settings = parse_build_settings(hook_config, labels, hook_where)
    if label == NULL_LABEL and metadata.variant(NULL_LABEL) is None:
        metadata = VariantsMetadata(
            schema=metadata.schema,
            namespace_priorities=metadata.namespace_priorities,
            providers=metadata.providers,
            variants=(*metadata.variants, Variant(label=NULL_LABEL)),
        )
    if metadata.variant(label) is None:
        raise InvalidLabelError(
            f"unknown variant label {label!r} requested{did_you_mean(label, (*labels, NULL_LABEL)) or ':'} "
            f"{source} declares {list(labels)} in {VARIANT_TABLE} variants (and {NULL_LABEL!r} is always available)"
        )
    return VariantBuild(
        label=label,
        metadata=metadata.only(label),
        settings=settings.get(label, VariantBuildSettings(label=label)),
    )


def labelling_metadata(
    declared: VariantsMetadata,
    label: str,
    properties: Sequence[VariantProperty] | None,
    *,
    source: str = "pyproject.toml",
) -> VariantsMetadata:
    """The single-variant document for labelling an existing wheel as *label*.

    With *properties* None the label must be declared (or be ``null``); with properties given
    they must agree with a declared label of that name.
    """
    where = f"variants.{label}"
    validate_label(label, "--label")
    if properties is None:
        chosen = declared.variant(label)
        if chosen is None and label != NULL_LABEL:
            labels = declared_labels(declared)
            raise InvalidLabelError(
                f"unknown variant label {label!r}{did_you_mean(label, labels) or ':'} {source} declares "
                f"{list(labels)}; pass its properties with -p 'namespace :: feature :: value'"
            )
        chosen = chosen or Variant(label=NULL_LABEL)
    else:
        chosen = Variant(label=label, properties=frozenset(properties))
        existing = declared.variant(label)
        if existing is not None and existing != chosen:
            raise InvalidMetadataError(
                f"variant label {label!r} is declared in {source} as {existing.describe()}, "
                f"but the command line gives {chosen.describe()}"
            )
    static = {name: info.static_properties for name, info in declared.providers if info.static_properties is not None}
    check_variant(chosen, declared.namespace_priorities, where, static)
    return VariantsMetadata(
        schema=declared.schema,
        namespace_priorities=declared.namespace_priorities,
        providers=declared.providers,
        variants=(chosen,),
    )
