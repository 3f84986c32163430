"""Targets and overrides: a machine answer given as data instead of detected.

Precedence (highest first), applied by :func:`wheel_variants.detection.detect`:

1. ``WHEEL_VARIANTS_PROPERTIES="ns :: feature :: value; ..."`` — replaces the answer of every
   namespace it names (values in the order given, best first); other namespaces are kept.
2. ``WHEEL_VARIANTS_TARGET=<name or path>`` (or ``--target``) — a named target from
   ``[tool.wheel-variants.targets]`` (namespace tables, provider inputs such as
   ``cuda-driver = "12.8"`` answered by the built-in providers, see ``provider_inputs.py``, or a
   file) or a JSON file (``detect --json`` output or the short ``{ns: {feature: [values]}}``
   form) *replaces detection entirely*: cross-building for a CUDA box on a laptop must not leak
   the laptop's CPU or GPU into the answer.
3. Vendor overrides read by the built-in probes (``NV_VARIANT_PROVIDER_FORCE_*``,
   ``AMD_VARIANT_PROVIDER_FORCE_*``, ``INTEL_VARIANT_PROVIDER_FORCE_DEVICE_IP``).
4. Hardware probes.
"""

# Plain os.path strings, as the rest of the detection code uses.
# ruff: noqa: PTH113, PTH118, PTH119

from __future__ import annotations

import os
from collections.abc import Mapping

from ..errors import VariantsError
from ..supported import SupportedFeature
from .answer import Detection, NamespaceAnswer

TYPE_CHECKING = False
if TYPE_CHECKING:  # the configuration is read only for a target: plain detection never needs it
    from ..config import TargetSpec, VariantsConfig

__all__ = ["PROPERTIES_ENV", "TARGET_ENV", "load_target", "parse_properties_override", "properties_override"]

TARGET_ENV = "WHEEL_VARIANTS_TARGET"
PROPERTIES_ENV = "WHEEL_VARIANTS_PROPERTIES"


def parse_properties_override(text: str, source: str = PROPERTIES_ENV) -> tuple[NamespaceAnswer, ...]:
    """``"nvidia :: sm_arch :: 90_real; nvidia :: sm_arch :: 90_virtual"`` -> answers per namespace.

    Entries are separated by ``;`` or newlines; repeated features collect values in order.
    """
    from ..properties import VariantProperty  # here: plain detection never builds the property classes

    grouped: dict[str, dict[str, list[str]]] = {}
    entries = [entry.strip() for entry in text.replace("\n", ";").split(";")]
    for index, entry in enumerate(entry for entry in entries if entry):
        prop = VariantProperty.parse(entry, f"{source}[{index}]")
        values = grouped.setdefault(prop.namespace, {}).setdefault(prop.feature, [])
        if prop.value not in values:
            values.append(prop.value)
    return tuple(
        NamespaceAnswer(
            namespace=namespace,
            source=source,
            features=tuple(
                SupportedFeature(namespace=namespace, feature=feature, values=tuple(values))
                for feature, values in features.items()
            ),
        )
        for namespace, features in grouped.items()
    )


def properties_override(environ: Mapping[str, str]) -> tuple[NamespaceAnswer, ...]:
    text = environ.get(PROPERTIES_ENV, "")
    return parse_properties_override(text) if text.strip() else ()


def load_target(name_or_path: str, config: VariantsConfig | None = None) -> Detection:
    """A named target of *config* (or of the nearest ``pyproject.toml``), or a JSON file."""
    from ..config import VariantsConfig, find_pyproject, read_config

    if config is None:
        looks_like_file = os.sep in name_or_path or name_or_path.endswith(".json")
        config = VariantsConfig() if looks_like_file else read_config(find_pyproject())
    spec = config.target(name_or_path)
    if spec is not None and spec.file is None:
        return _inline_target(spec)
    path = name_or_path
    if spec is not None and spec.file is not None:
        path = os.path.join(config.project_dir, spec.file)
    elif not os.path.isfile(path):
        known = ", ".join(repr(s.name) for s in config.targets) or "none"
        raise VariantsError(
            f"unknown target {name_or_path!r}: not a file and not in [tool.wheel-variants.targets] "
            f"(known targets: {known})"
        )
    from ..boundedio import read_regular_file
    from ..jsonload import MAX_JSON_BYTES, load_json

    try:
        data = read_regular_file(path, MAX_JSON_BYTES, f"target file {path}")
    except OSError as error:
        raise VariantsError(f"cannot read target file {path}: {error.strerror}") from None
    return Detection.from_dict(load_json(data, path), os.path.basename(path), source=f"target {path}")


def _inline_target(spec: TargetSpec) -> Detection:
    """Provider inputs (answered by the providers' own derivations) first, then namespace tables."""
    answers: tuple[NamespaceAnswer, ...] = ()
    warnings: tuple[str, ...] = ()
    if spec.inputs is not None:
        answers, warnings = spec.inputs.answers(f"target {spec.name} (inputs)")
    if spec.properties is not None:
        source = f"target {spec.name}"
        answers += tuple(
            NamespaceAnswer(
                namespace=namespace,
                source=source,
                features=tuple(f for f in spec.properties.features if f.namespace == namespace),
            )
            for namespace in spec.properties.namespaces
        )
    return Detection(answers=answers, warnings=tuple(f"target {spec.name}: {warning}" for warning in warnings))
