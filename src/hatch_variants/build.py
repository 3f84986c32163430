"""PEP 517 / PEP 660 backend: ``hatchling.build`` plus ``-C variant-label=<label>``.

Hatchling drops ``config_settings`` (pypa/hatch#1072), so this thin wrapper reads the label and
builds with :class:`~hatch_variants.builder.LabellingWheelBuilder`::

    [build-system]
    requires = ["hatchling", "wheel-variants"]
    build-backend = "hatch_variants.build"

    python -m build --wheel -C variant-label=cu126
    uv build --wheel -C variant-label=null
    pip wheel . -C variant-label=cu128     # pip itself refuses to install the result: expected

Without the setting the ``HATCH_VARIANT`` environment variable is honoured (so
``HATCH_VARIANT=cu126 hatch build -t wheel`` works with this backend too); with neither, the
wheel is a plain non-variant wheel. Editable wheels and sdists are never variants.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from hatchling import build as _hatchling

from wheel_variants.buildconfig import parse_label_list
from wheel_variants.errors import InvalidLabelError, VariantsError

from .settings import requested_label

__all__ = [
    "build_editable",
    "build_sdist",
    "build_wheel",
    "get_requires_for_build_editable",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
]

CONFIG_SETTING = "variant-label"

get_requires_for_build_sdist = _hatchling.get_requires_for_build_sdist
get_requires_for_build_editable = _hatchling.get_requires_for_build_editable
build_sdist = _hatchling.build_sdist
build_editable = _hatchling.build_editable

if hasattr(_hatchling, "prepare_metadata_for_build_wheel"):  # hatchling hides them under pip
    __all__ += ["prepare_metadata_for_build_editable", "prepare_metadata_for_build_wheel"]
    prepare_metadata_for_build_editable = _hatchling.prepare_metadata_for_build_editable

    def prepare_metadata_for_build_wheel(metadata_directory: str, config_settings: dict[str, Any] | None = None) -> str:
        """Plain METADATA, as hatchling writes it; a variant's extra dependencies appear only in
        the built wheel (hatchling's own rule for hook-added dependencies, see hatchling.build)."""
        _label(config_settings)  # a bad label fails here already
        result: str = _hatchling.prepare_metadata_for_build_wheel(metadata_directory)
        return result


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    _label(config_settings)
    requires: list[str] = _hatchling.get_requires_for_build_wheel()
    return requires


def build_wheel(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    from .builder import LabellingWheelBuilder

    builder = LabellingWheelBuilder(str(Path.cwd()), variant_label=_label(config_settings))
    artifacts = list(builder.build(directory=wheel_directory, versions=["standard"]))
    return Path(artifacts[0]).name


def _label(config_settings: dict[str, Any] | None) -> str | None:
    value = (config_settings or {}).get(CONFIG_SETTING)
    if value is None:
        return requested_label()
    if isinstance(value, list):  # `-C variant-label=a -C variant-label=b`
        value = ",".join(str(item) for item in value)
    where = f"-C {CONFIG_SETTING}"
    try:
        labels = parse_label_list(str(value), where)
        if len(labels) != 1:
            raise InvalidLabelError(
                f"{where}={value!r} names {len(labels)} variants; a PEP 517 build makes one wheel "
                "(use hatch build -t variant-wheel for several)"
            )
    except VariantsError as error:
        _abort(error)
    return labels[0]


def _abort(error: VariantsError) -> NoReturn:
    from hatchling.bridge.app import Application

    Application().abort(f"[variants] {error}")
    raise AssertionError("unreachable")  # pragma: no cover
