"""Wheel builders that label the wheel after every build hook has run.

* :class:`LabellingWheelBuilder` is hatchling's ``wheel`` builder (same name, same target table,
  so native hooks gated on ``target_name == "wheel"`` still run) that builds one variant: the
  variant's environment is set before any hook is created, our ``variants`` hook is added if the
  project did not configure it, and the label is applied in ``build_standard``, after every hook,
  so a hook that rewrites ``build_data["tag"]`` cannot drop it. Used by :mod:`hatch_variants.build`
  and by the ``variant-wheel`` target.
* :class:`VariantWheelBuilder` is the ``variant-wheel`` target: ``hatch build -t variant-wheel``
  builds every declared variant, ``-t variant-wheel:cu126,null`` the listed ones.
"""

from __future__ import annotations

from collections.abc import Generator
from functools import cached_property
from typing import Any

from hatchling.builders.wheel import WheelBuilder, WheelBuilderConfig

from wheel_variants.buildconfig import VariantBuild, declared_labels, parse_label_list, parse_variant_table
from wheel_variants.errors import VariantsError

from .environment import variant_environment
from .hook import VariantsBuildHook
from .settings import HOOK_NAME, find_hook_config, plan_build
from .tag import label_build_data

__all__ = ["LabellingWheelBuilder", "VariantWheelBuilder"]


class LabellingWheelBuilder(WheelBuilder):
    """The ``wheel`` builder, building the variant *variant_label* (None: a plain wheel)."""

    def __init__(self, *args: Any, variant_label: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.variant_label = variant_label

    def plan(self) -> VariantBuild | None:
        if self.variant_label is None:
            return None
        return plan_build(self.metadata.config, self.config.build_config, self.variant_label)

    def build(self, **kwargs: Any) -> Generator[str, None, None]:
        try:
            plan = self.plan()
        except VariantsError as error:
            self.app.abort(f"[variants] {error}")
            return
        if plan is None:
            yield from super().build(**kwargs)
            return
        with variant_environment(plan.env):
            yield from super().build(**kwargs)

    def get_build_hooks(self, directory: str) -> dict[str, Any]:
        hooks: dict[str, Any] = super().get_build_hooks(directory)
        if self.variant_label is not None and HOOK_NAME not in hooks:
            config, _ = find_hook_config(self.config.build_config)
            hooks[HOOK_NAME] = VariantsBuildHook(
                self.root, dict(config), self.config, self.metadata, directory, self.PLUGIN_NAME, self.app
            )
        return hooks

    def build_standard(self, directory: str, **build_data: Any) -> str:
        if self.variant_label is not None:
            label_build_data(self, build_data, self.variant_label)
        path: str = super().build_standard(directory, **build_data)
        return path


class VariantWheelBuilderConfig(WheelBuilderConfig):
    @cached_property
    def dynamic_dependencies(self) -> list[str]:
        # Hooks configured on the wheel target run in our builds: install what they need too.
        own: list[str] = super().dynamic_dependencies
        builder = self.builder
        wheel = LabellingWheelBuilder(
            self.root, plugin_manager=builder.plugin_manager, metadata=builder.metadata, app=builder.app
        )
        return list(dict.fromkeys([*own, *wheel.config.dynamic_dependencies]))


class VariantWheelBuilder(WheelBuilder):
    """``hatch build -t variant-wheel[:label,label...]``: one labelled wheel per variant."""

    PLUGIN_NAME = "variant-wheel"

    @classmethod
    def get_config_class(cls) -> type[VariantWheelBuilderConfig]:
        return VariantWheelBuilderConfig

    def get_version_api(self) -> dict[str, Any]:
        return dict.fromkeys(self._labels(), self._unused_version_callable)

    def get_default_versions(self) -> list[str]:
        return list(self._labels())

    def _labels(self) -> tuple[str, ...]:
        return declared_labels(parse_variant_table(self.metadata.config))

    def _unused_version_callable(self, directory: str, **build_data: Any) -> str:  # pragma: no cover
        raise NotImplementedError("variant-wheel builds through LabellingWheelBuilder")

    def build(
        self,
        *,
        directory: str | None = None,
        versions: list[str] | None = None,
        **kwargs: Any,
    ) -> Generator[str, None, None]:
        try:
            labels = self._select(versions)
            for label in labels:  # validate every requested variant before building any
                plan_build(self.metadata.config, self.config.build_config, label)
        except VariantsError as error:
            self.app.abort(f"[variants] {error}")
            return
        for label in labels:
            builder = LabellingWheelBuilder(
                self.root,
                plugin_manager=self.plugin_manager,
                metadata=self.metadata,
                app=self.app,
                variant_label=label,
            )
            yield from builder.build(directory=directory, versions=["standard"], **kwargs)

    def _select(self, versions: list[str] | None) -> tuple[str, ...]:
        if versions:
            return parse_label_list(",".join(versions), "hatch build -t variant-wheel:<labels>")
        configured = self.target_config.get("versions")
        if configured:
            return parse_label_list(",".join(configured), "[tool.hatch.build.targets.variant-wheel] versions")
        labels = self._labels()
        if not labels:
            raise VariantsError(
                "hatch build -t variant-wheel: pyproject.toml declares no [variant.variants.<label>] table"
            )
        return labels
