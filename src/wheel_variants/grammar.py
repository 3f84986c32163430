"""The PEP 825 character rules: what a namespace, a feature name and a value may be spelled with.

Apart from ``properties.py`` so that checking a machine's supported values (``supported.py``, on
the path of every ``wheel-variants detect``) does not build the property classes.
"""

from __future__ import annotations

import re

from .errors import InvalidPropertyError, located

__all__ = ["NAME", "VALUE", "validate_feature_name", "validate_namespace", "validate_value"]

NAME = re.compile(r"[a-z0-9_]+")
VALUE = re.compile(r"[a-z0-9_.]+")


def validate_namespace(namespace: object, where: str | None = None) -> str:
    """Return *namespace* if it is a valid PEP 825 namespace, else raise."""
    if not isinstance(namespace, str) or not NAME.fullmatch(namespace):
        raise InvalidPropertyError(
            f"invalid variant namespace {namespace!r}{located(where)}: namespaces are non-empty lowercase [a-z0-9_]"
        )
    return namespace


def validate_feature_name(feature: object, where: str | None = None) -> str:
    """Return *feature* if it is a valid PEP 825 feature name, else raise."""
    if not isinstance(feature, str) or not NAME.fullmatch(feature):
        raise InvalidPropertyError(
            f"invalid variant feature {feature!r}{located(where)}: feature names are non-empty lowercase [a-z0-9_]"
        )
    return feature


def validate_value(value: object, where: str | None = None) -> str:
    """Return *value* if it is a valid PEP 825 feature value, else raise."""
    if not isinstance(value, str) or not VALUE.fullmatch(value):
        raise InvalidPropertyError(
            f"invalid variant value {value!r}{located(where)}: values are non-empty lowercase [a-z0-9_.]"
        )
    return value
