"""PEP 508 marker algebra for uv source routing: complement, conjunction, disjointness, platforms.

uv requires the markers of one package's sources to be pairwise disjoint, and a platform no
source covers falls back to the default index. These pure helpers build such marker sets from
variant markers and the platforms a variant namespace can exist on. Nothing here reads files or
the machine.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from packaging.markers import InvalidMarker, Marker

from ..errors import VariantsError
from ..packages import IndexVariant

__all__ = [
    "NAMESPACE_PLATFORMS",
    "PLATFORM_DECIDED",
    "MarkerAlgebraError",
    "conjoin",
    "disjoint",
    "negate_marker",
    "platform_decided",
    "variant_marker",
]

# Where a namespace's hardware can exist at all (a variant needing it is routed there only).
NAMESPACE_PLATFORMS: Mapping[str, str] = {
    "apple": "sys_platform == 'darwin' and platform_machine == 'arm64'",
    "nvidia": "sys_platform == 'linux' or sys_platform == 'win32'",
}
# Namespaces the platform alone decides: every macOS arm64 machine has Metal.
PLATFORM_DECIDED = frozenset({"apple"})

_NEGATED_OPS = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">", "in": "not in", "not in": "in"}


class MarkerAlgebraError(VariantsError):
    """A marker cannot be parsed or complemented."""


def _parse(marker: str) -> Marker:
    try:
        return Marker(marker)
    except InvalidMarker as error:
        raise MarkerAlgebraError(f"invalid marker {marker!r}: {error}") from error


def negate_marker(marker: str) -> str:
    """A PEP 508 marker true exactly where *marker* is false (De Morgan; operators inverted)."""
    return _negate(_parse(marker)._markers, marker)


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
        raise MarkerAlgebraError(
            f"cannot build the complement of marker {whole!r}: operator {op.value!r} has no inverse"
        )
    return f"{_side(lhs)} {inverted} {_side(rhs)}"


def _side(node: Any) -> str:
    # A marker variable is written bare, a value quoted (single quotes, as uv prints them).
    return f"'{node.value}'" if type(node).__name__ == "Value" else str(node.value)


def conjoin(markers: Iterable[str | None]) -> str | None:
    """``a and b and ...`` (each part parenthesised when it holds an ``or``); duplicates and None dropped."""
    parts = list(dict.fromkeys(m for m in markers if m))
    if len(parts) <= 1:
        return parts[0] if parts else None
    return " and ".join(f"({part})" if " or " in part else part for part in parts)


def _atoms(items: Sequence[Any]) -> Iterable[tuple[Any, str, Any]]:
    for item in items:
        if isinstance(item, list):
            yield from _atoms(item)
        elif isinstance(item, tuple):
            yield item[0], item[1].value, item[2]


def disjoint(first: str, second: str) -> bool:
    """True when no environment satisfies both markers; False when they overlap or cannot be decided.

    Decided exactly for markers made of ``==``/``!=`` comparisons between a variable and a value:
    each variable then matters only through the values mentioned, so those values plus one
    unmentioned value per variable cover every case. Other operators give False (assume overlap).
    """
    values: dict[str, set[str]] = {}
    parsed = [_parse(first), _parse(second)]
    for marker in parsed:
        for lhs, op, rhs in _atoms(marker._markers):
            kinds = {type(lhs).__name__, type(rhs).__name__}
            if op not in ("==", "!=") or kinds != {"Variable", "Value"}:
                return False
            variable, value = (lhs, rhs) if type(lhs).__name__ == "Variable" else (rhs, lhs)
            values.setdefault(str(variable.value), set()).add(str(value.value))
    names = sorted(values)
    choices = [[*sorted(values[name]), "\x00unmentioned"] for name in names]
    for combination in itertools.product(*choices):
        environment = dict(zip(names, combination, strict=True))
        if all(marker.evaluate(environment) for marker in parsed):
            return False
    return True


def variant_marker(variant: IndexVariant) -> str | None:
    """Where *variant* can be installed: its own marker and the platforms of its namespaces."""
    namespaces = sorted({prop.namespace for prop in variant.properties})
    return conjoin([*(NAMESPACE_PLATFORMS.get(ns) for ns in namespaces), variant.marker])


def platform_decided(variant: IndexVariant) -> bool:
    """Whether the platform alone decides *variant* (all its namespaces are in :data:`PLATFORM_DECIDED`)."""
    namespaces = {prop.namespace for prop in variant.properties}
    return bool(namespaces) and namespaces <= PLATFORM_DECIDED and not variant.marker
