"""Variant features and properties: the ``namespace :: feature :: value`` grammar of PEP 825."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InvalidPropertyError, located
from .grammar import NAME as _NAME
from .grammar import VALUE as _VALUE
from .grammar import validate_feature_name, validate_namespace, validate_value

__all__ = ["VariantFeature", "VariantProperty"]

_SEPARATOR = re.compile(r"\s*::\s*")


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class VariantFeature:
    """A ``namespace :: feature`` pair."""

    namespace: str
    feature: str

    def __post_init__(self) -> None:
        validate_namespace(self.namespace)
        validate_feature_name(self.feature)

    def __str__(self) -> str:
        return f"{self.namespace} :: {self.feature}"

    @classmethod
    def parse(cls, text: str, where: str | None = None) -> VariantFeature:
        """Parse ``ns :: feature``; whitespace around ``::`` is insignificant."""
        parts = _split(text, 2, "feature", "namespace :: feature", where)
        _check_part(parts[0], _NAME, text, "namespaces are lowercase [a-z0-9_]", where)
        _check_part(parts[1], _NAME, text, "feature names are lowercase [a-z0-9_]", where)
        return cls(namespace=parts[0], feature=parts[1])


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class VariantProperty:
    """A ``namespace :: feature :: value`` triple.

    Ordering is by ``(namespace, feature, value)``, which is the order PEP 825 tools sort
    properties in.
    """

    namespace: str
    feature: str
    value: str

    def __post_init__(self) -> None:
        validate_namespace(self.namespace)
        validate_feature_name(self.feature)
        validate_value(self.value)

    def __str__(self) -> str:
        return f"{self.namespace} :: {self.feature} :: {self.value}"

    @property
    def feature_key(self) -> VariantFeature:
        return VariantFeature(namespace=self.namespace, feature=self.feature)

    @classmethod
    def parse(cls, text: str, where: str | None = None) -> VariantProperty:
        """Parse ``ns :: feature :: value``; whitespace around ``::`` is insignificant."""
        parts = _split(text, 3, "property", "namespace :: feature :: value", where)
        _check_part(parts[0], _NAME, text, "namespaces are lowercase [a-z0-9_]", where, "property")
        _check_part(parts[1], _NAME, text, "feature names are lowercase [a-z0-9_]", where, "property")
        _check_part(parts[2], _VALUE, text, "values are lowercase [a-z0-9_.]", where, "property")
        return cls(namespace=parts[0], feature=parts[1], value=parts[2])


def _split(text: object, count: int, kind: str, shape: str, where: str | None) -> list[str]:
    if not isinstance(text, str):
        raise InvalidPropertyError(f"invalid variant {kind} {text!r}{located(where)}: expected a string")
    parts = _SEPARATOR.split(text.strip())
    if len(parts) != count:
        raise InvalidPropertyError(f"invalid variant {kind} {text!r}{located(where)}: expected '{shape}'")
    return parts


def _check_part(
    part: str,
    pattern: re.Pattern[str],
    text: str,
    rule: str,
    where: str | None,
    kind: str = "feature",
) -> None:
    if not pattern.fullmatch(part):
        raise InvalidPropertyError(f"invalid variant {kind} {text!r}{located(where)}: {rule}")
