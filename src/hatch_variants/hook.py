"""The ``variants`` build hook on hatchling's ``wheel`` target.

A no-op unless a variant is requested (``HATCH_VARIANT=<label>``, or the label handed over by our
builder or PEP 517 backend); never active for editable wheels or other targets. When active it:

1. applies the variant's environment (refusing if hooks that ran before it did not see it);
2. adds the variant's dependencies and artifacts to ``build_data``;
3. adds ``.dist-info/variant.json`` (listed in RECORD by hatchling);
4. labels the wheel after every hook has run (our builders do it themselves; under stock
   hatchling the hook wraps the one call hatchling makes between hooks and archive);
5. in ``finalize``, checks the file really carries the label (else deletes it and fails), then
   rewrites ``{name}-{version}-variants.json`` for every variant wheel in the output directory.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

from wheel_variants.buildconfig import VariantBuild
from wheel_variants.errors import VariantsError
from wheel_variants.filename import WheelFilename
from wheel_variants.indexjson import write_index_json
from wheel_variants.metadata import dump_metadata
from wheel_variants.wheelfile import VARIANT_JSON

from .environment import environment_applied
from .settings import HOOK_NAME, plan_build, requested_label
from .tag import label_build_data

__all__ = ["VariantsBuildHook"]


class VariantsBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = HOOK_NAME

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plan: VariantBuild | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._saved_env: dict[str, str | None] = {}
        self._patched_config: Any = None

    # -- which variant ---------------------------------------------------------------------------

    def _label(self, version: str) -> str | None:
        if self.target_name != "wheel" or version != "standard":
            return None
        builder = self.build_config.builder
        if _labels_itself(builder):  # our LabellingWheelBuilder decides, whatever the environment says
            label: str | None = builder.variant_label
            return label
        return requested_label()

    # -- hatchling hook API ----------------------------------------------------------------------

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        label = self._label(version)
        if label is None:
            return
        try:
            self._initialize(label, build_data)
        except VariantsError as error:
            self._cleanup()
            self.app.abort(f"[variants] {error}")

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        plan = self._plan
        if plan is None:
            return
        self._plan = None
        self._cleanup()
        artifact = Path(artifact_path)
        if WheelFilename.parse(artifact.name).label != plan.label:
            artifact.unlink()
            self.app.abort(
                f"[variants] the wheel came out as {artifact.name!r}, without the label {plan.label!r} "
                "(deleted): this hatchling version builds the file name in a way hatch-variants does not "
                'know; use build-backend = "hatch_variants.build" or hatch build -t variant-wheel'
            )
        try:
            write_index_json(artifact.parent)
        except VariantsError as error:
            self.app.abort(
                f"[variants] built {artifact.name!r}, but {artifact.parent.name}/ cannot be indexed: {error}"
            )

    # -- steps -----------------------------------------------------------------------------------

    def _initialize(self, label: str, build_data: dict[str, Any]) -> None:
        plan = plan_build(self.metadata.config, self.build_config.build_config, label)
        env = plan.env
        if env and not environment_applied(env):
            earlier = _hooks_before(build_data)
            if earlier:
                raise VariantsError(
                    f"variant {label!r} sets {sorted(env)} but the build hook(s) {earlier} ran before "
                    f"'{HOOK_NAME}' without it; list the '{HOOK_NAME}' hook first (e.g. in "
                    f'[tool.hatch.build.hooks.{HOOK_NAME}]) or use build-backend = "hatch_variants.build"'
                )
            self._saved_env = {name: os.environ.get(name) for name in env}
            os.environ.update(env)

        build_data["dependencies"].extend(plan.settings.dependencies)
        build_data["artifacts"].extend(plan.settings.artifacts)

        self._scratch = tempfile.TemporaryDirectory(prefix="hatch-variants-")
        variant_json = Path(self._scratch.name) / VARIANT_JSON
        variant_json.write_text(dump_metadata(plan.metadata), encoding="utf-8")
        project_id = self.build_config.builder.artifact_project_id
        build_data["force_include"][str(variant_json)] = f"{project_id}.dist-info/{VARIANT_JSON}"

        builder = self.build_config.builder
        if not _labels_itself(builder):
            # Stock WheelBuilder: label the tag once every hook has run (see _label_after_hooks).
            self._label_after_hooks(builder, label)
        self._plan = plan

    def _label_after_hooks(self, builder: Any, label: str) -> None:
        """Label the tag between the last hook's ``initialize`` and the archive being written.

        Stock hatchling gives hooks no such point, but every build enters
        ``builder.config.set_build_data(build_data)`` right then, with the final ``build_data``;
        we wrap that one call (on this config instance, for this build only). ``finalize``
        re-checks the file name, so a hatchling that changed this path fails loudly.
        """
        config = self.build_config
        original = config.set_build_data

        @contextmanager
        def set_build_data(build_data: dict[str, Any]) -> Iterator[None]:
            label_build_data(builder, build_data, label)
            with original(build_data):
                yield

        config.set_build_data = set_build_data
        self._patched_config = config

    def _cleanup(self) -> None:
        if self._patched_config is not None:
            del self._patched_config.set_build_data  # back to the class's method
            self._patched_config = None
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env = {}
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None


def _hooks_before(build_data: dict[str, Any]) -> list[str]:
    order = list(build_data.get("build_hooks", ()))
    return order[: order.index(HOOK_NAME)] if HOOK_NAME in order else order


def _labels_itself(builder: object) -> bool:
    """True for builders (ours) that carry the label and apply it after every hook."""
    return hasattr(builder, "variant_label")
