"""Marker algebra for uv sources: complement, conjunction, disjointness, variant platforms."""

from __future__ import annotations

import itertools

import pytest
from packaging.markers import Marker

from wheel_variants.packages import IndexVariant
from wheel_variants.properties import VariantProperty
from wheel_variants.uv.markers import MarkerAlgebraError, conjoin, disjoint, negate_marker, variant_marker

ENVIRONMENTS = [
    {"sys_platform": s, "platform_machine": m, "python_version": v}
    for s, m, v in itertools.product(
        ["linux", "win32", "darwin", "freebsd14"], ["x86_64", "AMD64", "arm64", "aarch64"], ["3.9", "3.12"]
    )
]
MAC_ARM = "sys_platform == 'darwin' and platform_machine == 'arm64'"
LINUX_OR_WINDOWS = "sys_platform == 'linux' or sys_platform == 'win32'"
CUDA = f"({LINUX_OR_WINDOWS}) and (platform_machine == 'x86_64' or platform_machine == 'AMD64')"


def overlaps_somewhere(first: str, second: str) -> bool:
    return any(Marker(first).evaluate(env) and Marker(second).evaluate(env) for env in ENVIRONMENTS)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (MAC_ARM, CUDA, True),
        (MAC_ARM, "platform_machine == 'arm64'", False),
        ("sys_platform == 'linux'", "sys_platform != 'linux'", True),
        ("sys_platform == 'linux'", "sys_platform != 'win32'", False),
        # version comparisons are not decided: assume an overlap (the safe answer)
        ("python_version < '3.10'", "python_version >= '3.10'", False),
    ],
)
def test_disjoint(first: str, second: str, expected: bool) -> None:
    assert disjoint(first, second) is expected
    if expected:
        assert not overlaps_somewhere(first, second)


def test_conjoin_parenthesises_alternatives_and_drops_duplicates() -> None:
    assert conjoin([None]) is None
    assert conjoin(["a == 'x'", None, "a == 'x'"]) == "a == 'x'"
    joined = conjoin(["sys_platform == 'linux' or sys_platform == 'win32'", "platform_machine == 'x86_64'"])
    assert joined == "(sys_platform == 'linux' or sys_platform == 'win32') and platform_machine == 'x86_64'"
    Marker(joined)


def test_negation_of_a_conjunction_of_alternatives_is_the_complement() -> None:
    negated = negate_marker(CUDA)
    for env in ENVIRONMENTS:
        assert Marker(CUDA).evaluate(env) != Marker(negated).evaluate(env)


def test_negate_refuses_operators_without_inverse() -> None:
    with pytest.raises(MarkerAlgebraError, match="operator '~=' has no inverse"):
        negate_marker("python_version ~= '3.10'")


def _variant(properties: list[str], marker: str | None = None) -> IndexVariant:
    parsed = frozenset(VariantProperty.parse(text, "test") for text in properties)
    return IndexVariant(label="x", index="https://example.org/x", properties=parsed, marker=marker)


def test_variant_marker_adds_the_namespace_platforms() -> None:
    assert variant_marker(_variant(["apple :: metal :: on"])) == MAC_ARM
    cuda = variant_marker(_variant(["nvidia :: cuda_version_lower_bound :: 12.4"], "platform_machine == 'x86_64'"))
    assert cuda == "(sys_platform == 'linux' or sys_platform == 'win32') and platform_machine == 'x86_64'"
    # torch's catalog marker is the platform itself: not repeated
    torch = _variant(["nvidia :: cuda_version_lower_bound :: 12.4"], LINUX_OR_WINDOWS)
    assert variant_marker(torch) == LINUX_OR_WINDOWS
    assert variant_marker(_variant([])) is None
