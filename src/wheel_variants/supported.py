"""What a machine (or a named target) supports: ordered features and values per namespace.

This is plain data. Detection produces it, targets and overrides stand in for it, and ordering
consumes it. Order carries meaning: within a namespace, features come most preferred first, and
each feature's values come most preferred first (PEP 825 "Variant ordering", steps 2 and 3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .errors import InvalidPropertyError, located
from .grammar import validate_feature_name, validate_namespace, validate_value

__all__ = ["SupportedFeature", "SupportedProperties"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SupportedFeature:
    """One feature of one namespace with the values this machine supports, best first."""

    namespace: str
    feature: str
    values: tuple[str, ...]
    multi_value: bool = False

    def __post_init__(self) -> None:
        where = f"{self.namespace}.{self.feature}"
        validate_namespace(self.namespace, where)
        validate_feature_name(self.feature, where)
        for index, value in enumerate(self.values):
            validate_value(value, f"{where}[{index}]")
        if len(set(self.values)) != len(self.values):
            raise InvalidPropertyError(f"supported values{located(where)} repeat a value: {list(self.values)!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class SupportedProperties:
    """All supported features, grouped by namespace in the order given.

    ``features`` keeps the order in which features were supplied; only the relative order of
    features *within one namespace* matters (namespace priority comes from the package's
    metadata, not from the machine).
    """

    features: tuple[SupportedFeature, ...] = ()
    _index: dict[tuple[str, str], tuple[int, dict[str, int]]] = field(init=False, repr=False, compare=False, hash=False)
    _by_key: dict[tuple[str, str], SupportedFeature] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[tuple[str, str], tuple[int, dict[str, int]]] = {}
        position: dict[str, int] = {}
        for supported in self.features:
            key = (supported.namespace, supported.feature)
            if key in index:
                raise InvalidPropertyError(
                    f"supported feature '{supported.namespace} :: {supported.feature}' is given twice"
                )
            feature_index = position.get(supported.namespace, 0)
            position[supported.namespace] = feature_index + 1
            index[key] = (feature_index, {value: i for i, value in enumerate(supported.values)})
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_by_key", {(f.namespace, f.feature): f for f in self.features})

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Mapping[str, Sequence[str]]], where: str | None = None
    ) -> SupportedProperties:
        """Build from ``{namespace: {feature: [values best first]}}`` (mapping order is kept)."""
        if not isinstance(data, Mapping):
            raise InvalidPropertyError(f"supported properties{located(where)} must be a table/object")
        features = []
        for namespace, namespace_features in data.items():
            path = f"{where}.{namespace}" if where else str(namespace)
            validate_namespace(namespace, path)
            if not isinstance(namespace_features, Mapping):
                raise InvalidPropertyError(f"supported features{located(path)} must be a table/object")
            for feature, values in namespace_features.items():
                feature_path = f"{path}.{feature}"
                validate_feature_name(feature, feature_path)
                if isinstance(values, str) or not isinstance(values, Sequence):
                    raise InvalidPropertyError(f"supported values{located(feature_path)} must be a list")
                for i, value in enumerate(values):
                    validate_value(value, f"{feature_path}[{i}]")
                features.append(SupportedFeature(namespace=namespace, feature=feature, values=tuple(values)))
        return cls(features=tuple(features))

    def to_dict(self) -> dict[str, dict[str, list[str]]]:
        result: dict[str, dict[str, list[str]]] = {}
        for supported in self.features:
            result.setdefault(supported.namespace, {})[supported.feature] = list(supported.values)
        return result

    @property
    def namespaces(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.namespace for f in self.features))

    def supports_namespace(self, namespace: str) -> bool:
        return any(ns == namespace for ns, _ in self._by_key)

    def feature_rank(self, namespace: str, feature: str) -> tuple[int, dict[str, int]] | None:
        """Return ``(feature index within namespace, {value: value index})`` or None."""
        return self._index.get((namespace, feature))

    def values_for(self, namespace: str, feature: str) -> tuple[str, ...]:
        found = self._by_key.get((namespace, feature))
        return found.values if found is not None else ()

    def replacing(self, namespaces: Iterable[str], other: SupportedProperties) -> SupportedProperties:
        """Return a copy whose *namespaces* answers come from *other* instead of from ``self``."""
        dropped = set(namespaces)
        kept = tuple(f for f in self.features if f.namespace not in dropped)
        taken = tuple(f for f in other.features if f.namespace in dropped)
        return SupportedProperties(features=kept + taken)

    def __bool__(self) -> bool:
        return bool(self.features)
