"""The one exception family for bad input.

Every parse or validation problem is a :class:`VariantsError` (a ``ValueError``) whose message
names where the problem is (file, key path, option) and quotes the offending value.
"""

from __future__ import annotations

__all__ = [
    "InputLimitError",
    "InvalidFilenameError",
    "InvalidLabelError",
    "InvalidMetadataError",
    "InvalidPropertyError",
    "InvalidTomlError",
    "MetadataConflictError",
    "RemoteMetadataError",
    "UnsupportedSchemaError",
    "VariantsError",
]


class VariantsError(ValueError):
    """Base of all errors raised for bad input."""


class InvalidPropertyError(VariantsError):
    """A variant property, feature, namespace or value breaks the PEP 825 grammar."""


class InvalidLabelError(VariantsError):
    """A variant label breaks the PEP 825 grammar or a reserved-label rule."""


class InvalidFilenameError(VariantsError):
    """A wheel filename cannot be parsed."""


class InvalidMetadataError(VariantsError):
    """A ``variant.json`` or ``*-variants.json`` document is malformed."""


class UnsupportedSchemaError(InvalidMetadataError):
    """A document declares a schema version this library does not read (a variants JSON's
    ``$schema``, the plugin's lock table's ``schema``)."""


class MetadataConflictError(VariantsError):
    """Two metadata documents cannot be merged."""


def located(where: str | None) -> str:
    """Format an optional location as `` in 'where'`` for error messages."""
    return f" in {where!r}" if where else ""


class InvalidTomlError(VariantsError):
    """A TOML file (pyproject.toml, a target file, the catalog) does not parse."""


class InputLimitError(VariantsError):
    """Input that is too large, or not a regular file, was refused before reading it whole."""


class RemoteMetadataError(VariantsError):
    """A wheel's metadata could not be read from its index: a bad answer, archive or metadata file.

    The message names the URL and what was wrong, on one line."""
