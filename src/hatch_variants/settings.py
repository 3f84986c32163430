"""Where the plugin's settings live and how a requested label becomes a build plan."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from wheel_variants.buildconfig import VariantBuild, plan_variant_build

__all__ = ["HATCH_VARIANT", "HOOK_NAME", "find_hook_config", "plan_build", "requested_label"]

HOOK_NAME = "variants"
HATCH_VARIANT = "HATCH_VARIANT"


def requested_label() -> str | None:
    """The label named by ``HATCH_VARIANT``; unset or empty means a non-variant build."""
    value = os.environ.get(HATCH_VARIANT, "").strip()
    return value or None


def find_hook_config(build_config: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
    """The ``variants`` hook table for the wheel target and its location (for error messages).

    *build_config* is ``[tool.hatch.build]``; the wheel target's table wins over the global one,
    as in hatchling. Found even when the hook is not enabled, so that the builder and the PEP 517
    backend see the per-variant settings regardless.
    """
    targets = build_config.get("targets", {})
    wheel = targets.get("wheel", {}) if isinstance(targets, Mapping) else {}
    hooks = wheel.get("hooks", {}) if isinstance(wheel, Mapping) else {}
    if isinstance(hooks, Mapping) and isinstance(hooks.get(HOOK_NAME), Mapping):
        return hooks[HOOK_NAME], f"[tool.hatch.build.targets.wheel.hooks.{HOOK_NAME}]"
    hooks = build_config.get("hooks", {})
    if isinstance(hooks, Mapping) and isinstance(hooks.get(HOOK_NAME), Mapping):
        return hooks[HOOK_NAME], f"[tool.hatch.build.hooks.{HOOK_NAME}]"
    return {}, f"[tool.hatch.build.targets.wheel.hooks.{HOOK_NAME}]"


def plan_build(pyproject: Mapping[str, Any], build_config: Mapping[str, Any], label: str) -> VariantBuild:
    """Validate the declarations and resolve *label* (raises a located VariantsError).

    *pyproject* holds ``[variant]``; *build_config* is hatch's ``[tool.hatch.build]`` (which may
    come from ``hatch.toml``).
    """
    hook_config, where = find_hook_config(build_config)
    return plan_variant_build(pyproject, hook_config, label, hook_where=where)
