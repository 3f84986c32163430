"""``variant.json`` and ``{name}-{version}-variants.json``: model, reading, validation, writing.

Two schema generations are read:

* 0.1.x, PEP 825: ``$schema``, ``default-priorities.namespace``, ``variants``; nothing else.
* 0.2.x (and the 0.0.x URL that variantlib 0.2.0/0.2.1 wrote for the same shape), the providers
  draft: the above plus ``providers.<namespace>`` with ``requires``, ``plugin-api``, ``optional``,
  ``static-properties`` or ``builtin`` (a provider built into the installer), and variantlib's
  ``feature-order``, required when a static provider has several features. Empty lists
  (``"requires": []``, ``"static-properties": {}``, ``{"level": []}``) are refused, as variantlib does.

An unknown major version is refused. Written JSON is deterministic: object keys sorted (except
``static-properties``, whose feature order is a preference), value lists sorted lexically as
PEP 825 requires, so equal metadata gives byte-identical files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import InvalidMetadataError, UnsupportedSchemaError, VariantsError, located
from .filename import is_dots_label
from .grammar import validate_feature_name, validate_namespace, validate_value
from .jsonload import load_json
from .variant import Variant

__all__ = [
    "SCHEMA_V0_1",
    "SCHEMA_V0_2",
    "ProviderInfo",
    "VariantsMetadata",
    "dump_metadata",
    "metadata_from_dict",
    "parse_metadata",
    "schema_version",
    "variants_json_filename",
]

SCHEMA_V0_1 = "https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json"
SCHEMA_V0_2 = "https://variants-schema.wheelnext.dev/v0.2.0.json"

_SCHEMA_VERSION = re.compile(r"/v([0-9]{1,9})\.([0-9]{1,9})\.([0-9]{1,9})\.json$")
_PLUGIN_API = re.compile(r"[a-zA-Z0-9._]+( *: *[a-zA-Z0-9._]+)?")
_PROVIDER_KEYS = frozenset({"requires", "plugin-api", "optional", "static-properties", "feature-order", "builtin"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderInfo:
    """How to obtain a namespace's supported properties (providers draft, schema 0.2)."""

    requires: tuple[str, ...] = ()
    plugin_api: str | None = None
    optional: bool = False
    # Ordered ``(feature, (values best first))`` pairs; None when the provider is not static.
    static_properties: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    # The name of a provider built into the installer (providers draft ``builtin``); None otherwise.
    builtin: str | None = None

    @property
    def is_static(self) -> bool:
        return self.static_properties is not None

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if self.builtin is not None:
            result["builtin"] = self.builtin
        if self.static_properties is not None and len(self.static_properties) > 1:
            # variantlib needs the feature order spelled out when there are several features.
            result["feature-order"] = [feature for feature, _ in self.static_properties]
        if self.optional:
            result["optional"] = True
        if self.plugin_api is not None:
            result["plugin-api"] = self.plugin_api
        if self.requires:
            result["requires"] = list(self.requires)
        if self.static_properties is not None:
            result["static-properties"] = {feature: list(values) for feature, values in self.static_properties}
        return result


@dataclass(frozen=True, slots=True, kw_only=True)
class VariantsMetadata:
    """One metadata document: a wheel's ``variant.json`` or a release's ``*-variants.json``."""

    schema: str = SCHEMA_V0_2
    namespace_priorities: tuple[str, ...]
    providers: tuple[tuple[str, ProviderInfo], ...] = ()
    variants: tuple[Variant, ...] = ()
    # Why entries were left out while reading (a label made only of dots): warnings, not data.
    skipped: tuple[str, ...] = field(default=(), compare=False)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(v.label for v in self.variants)

    def variant(self, label: str) -> Variant | None:
        for candidate in self.variants:
            if candidate.label == label:
                return candidate
        return None

    def provider(self, namespace: str) -> ProviderInfo | None:
        for name, info in self.providers:
            if name == namespace:
                return info
        return None

    def only(self, label: str) -> VariantsMetadata:
        """The single-variant document that goes into the *label* wheel's ``variant.json``."""
        chosen = self.variant(label)
        if chosen is None:
            raise InvalidMetadataError(f"unknown variant label {label!r}; known labels: {list(self.labels)}")
        return VariantsMetadata(
            schema=self.schema,
            namespace_priorities=self.namespace_priorities,
            providers=self.providers,
            variants=(chosen,),
        )

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "$schema": self.schema,
            "default-priorities": {"namespace": list(self.namespace_priorities)},
        }
        if self.providers:
            result["providers"] = {name: info.to_dict() for name, info in sorted(self.providers)}
        result["variants"] = {v.label: v.to_dict() for v in sorted(self.variants, key=lambda v: v.label)}
        return result


def schema_version(url: object, where: str = "$schema") -> tuple[int, int, int]:
    """The ``(major, minor, patch)`` a ``$schema`` URL names; refuse unknown majors."""
    if not isinstance(url, str):
        raise InvalidMetadataError(f"expected a schema URL string{located(where)}, got {url!r}")
    match = _SCHEMA_VERSION.search(url)
    if match is None:
        raise UnsupportedSchemaError(
            f"unrecognised schema URL {url!r}{located(where)}: expected one ending in 'vMAJOR.MINOR.PATCH.json'"
        )
    major, minor, patch = (int(part) for part in match.groups())
    if major != 0:
        raise UnsupportedSchemaError(
            f"unsupported variant metadata schema {url!r}{located(where)}: major version {major} is unknown "
            "(this tool reads 0.x); upgrade wheel-variants"
        )
    return major, minor, patch


def parse_metadata(data: str | bytes, source: str) -> VariantsMetadata:
    """Parse and validate a metadata document; *source* names it in error messages."""
    return metadata_from_dict(load_json(data, source), source)


def metadata_from_dict(document: object, source: str) -> VariantsMetadata:
    """Validate an already-decoded document, collecting every problem into one error."""
    if not isinstance(document, Mapping):
        raise InvalidMetadataError(f"{source}: expected a JSON object at the top level")
    problems: list[str] = []
    schema = document.get("$schema")
    if schema is None:
        raise InvalidMetadataError(f"{source}: missing required key '$schema'")
    try:
        _, minor, _ = schema_version(schema)
    except VariantsError as error:
        raise type(error)(f"{source}: {error}") from None
    has_providers_model = minor != 1

    allowed = {"$schema", "default-priorities", "variants"} | ({"providers"} if has_providers_model else set())
    for key in document:
        if key not in allowed:
            hint = " (PEP 825 schema 0.1 has no 'providers'; use schema 0.2)" if key == "providers" else ""
            problems.append(f"unexpected key {key!r}{hint}")

    priorities = _parse_priorities(document.get("default-priorities"), problems)
    providers = _parse_providers(document, has_providers_model, priorities, problems)
    skipped: list[str] = []
    variants = _parse_variants(document.get("variants"), priorities, problems, skipped)
    if problems:
        raise InvalidMetadataError(f"{source}: " + "; ".join(problems))
    return VariantsMetadata(
        schema=schema,
        namespace_priorities=priorities,
        providers=providers,
        variants=variants,
        skipped=tuple(f"{source}: {line}" for line in skipped),
    )


def _parse_priorities(value: object, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, Mapping):
        problems.append("'default-priorities' must be an object with a 'namespace' list")
        return ()
    for key in value:
        if key != "namespace":
            problems.append(
                f"unexpected key {key!r} in 'default-priorities' (feature and property priorities "
                "were removed by PEP 825)"
            )
    namespaces = value.get("namespace")
    if not isinstance(namespaces, list) or not namespaces:
        problems.append("'default-priorities.namespace' must be a non-empty list")
        return ()
    result: list[str] = []
    for index, namespace in enumerate(namespaces):
        try:
            result.append(validate_namespace(namespace, f"default-priorities.namespace[{index}]"))
        except VariantsError as error:
            problems.append(str(error))
    if len(set(result)) != len(result):
        problems.append(f"'default-priorities.namespace' repeats a namespace: {result!r}")
    return tuple(result)


def _parse_providers(
    document: Mapping[str, object], required: bool, priorities: tuple[str, ...], problems: list[str]
) -> tuple[tuple[str, ProviderInfo], ...]:
    value = document.get("providers")
    if value is None:
        if required:
            problems.append("missing required key 'providers' (schema 0.2 needs one per namespace)")
        return ()
    if not isinstance(value, Mapping):
        problems.append("'providers' must be an object")
        return ()
    providers: list[tuple[str, ProviderInfo]] = []
    for namespace, entry in value.items():
        try:
            validate_namespace(namespace, f"providers.{namespace}")
            providers.append((namespace, _parse_provider(entry, f"providers.{namespace}")))
        except VariantsError as error:
            problems.append(str(error))
    names = {str(name) for name in value}  # invalid entries were reported above; still present
    if priorities and names:
        missing = [ns for ns in priorities if ns not in names]
        extra = sorted(names - set(priorities))
        if missing:
            problems.append(f"'providers' lacks an entry for namespace(s) {missing} listed in default-priorities")
        if extra:
            problems.append(f"'providers' has namespace(s) {extra} missing from 'default-priorities.namespace'")
    return tuple(sorted(providers))


def _parse_provider(entry: object, where: str) -> ProviderInfo:
    if not isinstance(entry, Mapping):
        raise InvalidMetadataError(f"expected an object{located(where)}")
    unknown = sorted(set(entry) - _PROVIDER_KEYS)
    if unknown:
        raise InvalidMetadataError(f"unexpected key(s) {unknown}{located(where)}")
    requires = entry.get("requires")
    static = entry.get("static-properties")
    builtin = entry.get("builtin")
    if [requires, static, builtin].count(None) != 2:
        raise InvalidMetadataError(
            f"exactly one of 'requires', 'static-properties' and 'builtin' is needed{located(where)}"
        )
    if builtin is not None and (not isinstance(builtin, str) or not builtin.strip()):
        raise InvalidMetadataError(f"expected a provider name string{located(where + '.builtin')}, got {builtin!r}")
    if static is None and "feature-order" in entry:
        raise InvalidMetadataError(f"'feature-order' is only valid with 'static-properties'{located(where)}")
    plugin_api = entry.get("plugin-api")
    if plugin_api is not None:
        if requires is None:
            raise InvalidMetadataError(f"'plugin-api' is only valid with 'requires'{located(where)}")
        if not isinstance(plugin_api, str) or not _PLUGIN_API.fullmatch(plugin_api):
            raise InvalidMetadataError(
                f"invalid plugin-api {plugin_api!r}{located(where + '.plugin-api')}: expected 'module(:object)'"
            )
    optional = entry.get("optional", False)
    if not isinstance(optional, bool):
        raise InvalidMetadataError(f"expected true or false{located(where + '.optional')}, got {optional!r}")
    requirements: tuple[str, ...] = ()
    if requires is not None:
        if not isinstance(requires, list) or not all(isinstance(r, str) and r.strip() for r in requires):
            raise InvalidMetadataError(f"expected a list of requirement strings{located(where + '.requires')}")
        if not requires:
            raise InvalidMetadataError(f"empty list{located(where + '.requires')}: name the provider's distribution")
        requirements = tuple(requires)
    return ProviderInfo(
        requires=requirements,
        plugin_api=plugin_api,
        optional=optional,
        static_properties=None if static is None else _parse_static(static, entry.get("feature-order"), where),
        builtin=builtin,
    )


def _parse_static(static: object, feature_order: object, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    path = f"{where}.static-properties"
    if not isinstance(static, Mapping):
        raise InvalidMetadataError(f"expected an object{located(path)}")
    if not static:
        raise InvalidMetadataError(f"empty object{located(path)}: a static provider lists at least one feature")
    features: dict[str, tuple[str, ...]] = {}
    for feature, values in static.items():
        validate_feature_name(feature, f"{path}.{feature}")
        if not isinstance(values, list) or not values:
            raise InvalidMetadataError(f"expected a non-empty list of values{located(f'{path}.{feature}')}")
        for index, item in enumerate(values):
            validate_value(item, f"{path}.{feature}[{index}]")
        if len(set(values)) != len(values):
            raise InvalidMetadataError(f"values repeat{located(f'{path}.{feature}')}: {values!r}")
        features[feature] = tuple(values)
    order = list(features)
    if feature_order is None and len(features) > 1:
        # JSON object order carries no meaning: several features need an explicit order.
        raise InvalidMetadataError(
            f"'feature-order'{located(where)} is needed with several static features {sorted(features)}"
        )
    if feature_order is not None:
        if not isinstance(feature_order, list) or set(feature_order) != set(features):
            raise InvalidMetadataError(
                f"'feature-order'{located(where)} must list exactly the static features {sorted(features)}"
            )
        order = feature_order
    return tuple((feature, features[feature]) for feature in order)


def _parse_variants(
    value: object, priorities: tuple[str, ...], problems: list[str], skipped: list[str]
) -> tuple[Variant, ...]:
    if not isinstance(value, Mapping):
        problems.append("'variants' must be an object mapping labels to properties")
        return ()
    variants: list[Variant] = []
    known = set(priorities)
    for label, properties in value.items():
        where = f"variants.{label}"
        if is_dots_label(label):
            # Valid under PEP 825, but '.' or '..' must never become a path part: skip only it.
            skipped.append(f"skipped the variant {label!r}: a label made only of dots cannot name a file here")
            continue
        try:
            variant = Variant.from_dict(label, properties, where)
        except VariantsError as error:
            problems.append(str(error))
            continue
        undeclared = sorted(variant.namespaces - known)
        if priorities and undeclared:
            problems.append(f"namespace(s) {undeclared}{located(where)} missing from 'default-priorities.namespace'")
        variants.append(variant)
    return tuple(sorted(variants, key=lambda v: v.label))


def dump_metadata(metadata: VariantsMetadata) -> str:
    """Serialize deterministically (2-space indent, trailing newline)."""
    return json.dumps(metadata.to_dict(), indent=2, ensure_ascii=False) + "\n"


def variants_json_filename(name: str, version: str) -> str:
    """``{name}-{version}-variants.json`` with name and version normalized as in wheel filenames."""
    from packaging.utils import canonicalize_version

    normalized_name = re.sub(r"[-_.]+", "_", name).lower()
    normalized_version = canonicalize_version(version, strip_trailing_zero=False).replace("-", "_")
    return f"{normalized_name}-{normalized_version}-variants.json"
