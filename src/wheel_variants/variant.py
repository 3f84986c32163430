"""A variant: a label and the set of properties it stands for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .errors import InvalidLabelError, InvalidMetadataError, located
from .filename import NULL_LABEL, validate_label
from .grammar import validate_feature_name, validate_namespace, validate_value
from .properties import VariantFeature, VariantProperty

__all__ = ["Variant"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Variant:
    """One variant of a release: a label mapped to a set of properties.

    Within a feature the values are alternatives (OR); across features they all must hold (AND).
    The null variant (label ``null``) has no properties and is always compatible.
    """

    label: str
    properties: frozenset[VariantProperty] = frozenset()
    # ``((namespace, feature, values), ...)`` sorted: the grouping ordering works on, built once.
    grouped: tuple[tuple[str, str, frozenset[str]], ...] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        validate_label(self.label, "variant label")
        if self.label == NULL_LABEL and self.properties:
            raise InvalidLabelError(
                f"variant label {NULL_LABEL!r} is reserved for the null variant, which has no properties"
            )
        groups: dict[tuple[str, str], set[str]] = {}
        for prop in self.properties:
            groups.setdefault((prop.namespace, prop.feature), set()).add(prop.value)
        grouped = tuple(sorted((ns, feature, frozenset(values)) for (ns, feature), values in groups.items()))
        object.__setattr__(self, "grouped", grouped)

    @classmethod
    def of(cls, label: str, properties: Iterable[VariantProperty | str]) -> Variant:
        """Build from properties or ``ns :: f :: v`` strings."""
        parsed = frozenset(
            p if isinstance(p, VariantProperty) else VariantProperty.parse(p, f"variants.{label}") for p in properties
        )
        return cls(label=label, properties=parsed)

    @classmethod
    def from_dict(cls, label: str, data: object, where: str | None = None) -> Variant:
        """Build from the ``{namespace: {feature: [values]}}`` mapping used in variant JSON."""
        where = where or f"variants.{label}"
        validate_label(label, where)
        if not isinstance(data, Mapping):
            raise InvalidMetadataError(f"expected an object{located(where)}, got {type(data).__name__}")
        properties = []
        for namespace, features in data.items():
            path = f"{where}.{namespace}"
            validate_namespace(namespace, path)
            if not isinstance(features, Mapping):
                raise InvalidMetadataError(f"expected an object{located(path)}, got {type(features).__name__}")
            for feature, values in features.items():
                feature_path = f"{path}.{feature}"
                validate_feature_name(feature, feature_path)
                if not isinstance(values, list) or not values:
                    raise InvalidMetadataError(f"expected a non-empty list of values{located(feature_path)}")
                if len(set(values)) != len(values):
                    raise InvalidMetadataError(f"values repeat{located(feature_path)}: {values!r}")
                for index, value in enumerate(values):
                    validate_value(value, f"{feature_path}[{index}]")
                    properties.append(VariantProperty(namespace=namespace, feature=feature, value=value))
        if label == NULL_LABEL and properties:
            raise InvalidLabelError(
                f"variant label {NULL_LABEL!r}{located(where)} is reserved for the null variant, "
                "which has no properties"
            )
        return cls(label=label, properties=frozenset(properties))

    def to_dict(self) -> dict[str, dict[str, list[str]]]:
        """The JSON mapping; value lists sorted lexically as PEP 825 requires."""
        result: dict[str, dict[str, list[str]]] = {}
        for prop in sorted(self.properties):
            result.setdefault(prop.namespace, {}).setdefault(prop.feature, []).append(prop.value)
        return result

    @property
    def is_null(self) -> bool:
        return self.label == NULL_LABEL

    @property
    def namespaces(self) -> frozenset[str]:
        return frozenset(p.namespace for p in self.properties)

    def values_by_feature(self) -> dict[VariantFeature, frozenset[str]]:
        return {VariantFeature(namespace=ns, feature=feature): values for ns, feature, values in self.grouped}

    def describe(self) -> str:
        """One line, e.g. ``cu126 (nvidia :: cuda_version_lower_bound :: 12.6)``."""
        if not self.properties:
            return f"{self.label} (no properties)"
        return f"{self.label} ({', '.join(str(p) for p in sorted(self.properties))})"
