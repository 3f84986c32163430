"""Which supported properties ``pdm variants show`` prints (:mod:`pdm_variants.commands.showview`, pure)."""

from __future__ import annotations

from pdm_variants.commands.showview import supported_lines, variant_namespaces
from pdm_variants.plan import VariantPlan, make_plan
from wheel_variants.packages import parse_packages
from wheel_variants.supported import SupportedProperties

MACHINE = SupportedProperties.from_dict({
    "nvidia": {"cuda_version_lower_bound": ["12.4", "12.0"]},
    "x86_64": {"level": ["v3", "v2", "v1"], "avx2": ["on"], "fma": ["on"]},
})  # fmt: skip


def _plan(variants: dict[str, dict[str, object]]) -> VariantPlan:
    config = parse_packages(
        {"packages": {"gpulib": {"variants": variants}}}, prefix="[tool.wheel-variants]", origin="pyproject.toml"
    )
    return make_plan(config.packages, MACHINE)


def test_namespaces_come_from_the_declared_and_the_locked_variants() -> None:
    plan = _plan({
        "cu124": {"index": "https://example.org/cu124", "properties": ["nvidia :: cuda_version_lower_bound :: 12.4"]},
        "cpu": {"index": "https://example.org/cpu"},
    })  # fmt: skip
    assert variant_namespaces(plan.selections, {}) == {"nvidia"}
    locked = {"gpulib": {"variants": {"metal": {"properties": ["apple :: metal :: on"]}, "cpu": {}}}}
    assert variant_namespaces(plan.selections, locked) == {"nvidia", "apple"}


def test_lines_keep_the_used_namespaces_and_count_the_rest() -> None:
    assert supported_lines(MACHINE, {"nvidia", "apple"}) == [
        "Supported properties on this machine (namespaces the project's variants use):",
        "  nvidia :: cuda_version_lower_bound :: 12.4, 12.0",
        "  (nothing detected in apple)",
        "  (3 more features in other namespaces: x86_64; --all shows them)",
    ]


def test_all_lists_every_feature_and_no_note() -> None:
    assert supported_lines(MACHINE, None) == [
        "Supported properties on this machine:",
        "  nvidia :: cuda_version_lower_bound :: 12.4, 12.0",
        "  x86_64 :: level :: v3, v2, v1",
        "  x86_64 :: avx2 :: on",
        "  x86_64 :: fma :: on",
    ]
    assert supported_lines(SupportedProperties(), None) == [
        "Supported properties on this machine:",
        "  (none detected)",
    ]


def test_variants_without_properties_and_a_single_hidden_feature() -> None:
    machine = SupportedProperties.from_dict({"x86_64": {"level": ["v1"]}})
    assert supported_lines(machine, set()) == [
        "Supported properties on this machine (namespaces the project's variants use):",
        "  (the project's variants need no property)",
        "  (1 more feature in other namespaces: x86_64; --all shows them)",
    ]
