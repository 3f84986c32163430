"""A machine's answer as data: what ``wheel-variants detect --json`` prints and targets hold.

JSON schema (version 1; keys and order are stable)::

    {
      "version": 1,
      "namespaces": {                       # in detection order
        "x86_64": {
          "source": "/proc/cpuinfo",        # which probe answered (nvml, sysfs, override, target...)
          "features": {"level": ["v3", "v2", "v1"], "avx2": ["on"]},   # best first
          "multi_value": []                 # features whose values may be combined
        }
      },
      "unsupported": {"foo": "why"},        # namespaces a package asked for that nothing answers
      "warnings": ["nvidia: ..."]           # sources that were present but unusable
    }

A hand-written target may also be the short form ``{"namespace": {"feature": [values]}}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..errors import VariantsError, located
from ..supported import SupportedFeature, SupportedProperties

TYPE_CHECKING = False
if TYPE_CHECKING:  # importing typing costs milliseconds on every `wheel-variants detect`
    from typing import Any

__all__ = ["SCHEMA_VERSION", "Detection", "NamespaceAnswer", "format_detection"]

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class NamespaceAnswer:
    """One namespace's supported features and the probe (or override) that gave them."""

    namespace: str
    source: str
    features: tuple[SupportedFeature, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Detection:
    """Everything detection found: per-namespace answers, unsupported namespaces, warnings."""

    answers: tuple[NamespaceAnswer, ...] = ()
    unsupported: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()
    supported: SupportedProperties = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        features = tuple(feature for answer in self.answers for feature in answer.features)
        object.__setattr__(self, "supported", SupportedProperties(features=features))

    @property
    def namespaces(self) -> tuple[str, ...]:
        return tuple(answer.namespace for answer in self.answers)

    def source(self, namespace: str) -> str | None:
        for answer in self.answers:
            if answer.namespace == namespace:
                return answer.source
        return None

    def answer(self, namespace: str) -> NamespaceAnswer | None:
        for answer in self.answers:
            if answer.namespace == namespace:
                return answer
        return None

    def replacing(
        self,
        answers: Iterable[NamespaceAnswer],
        *,
        unsupported: Iterable[tuple[str, str]] = (),
        warnings: Iterable[str] = (),
    ) -> Detection:
        """A copy where *answers* replace same-namespace answers (others are appended)."""
        new = {answer.namespace: answer for answer in answers}
        kept = [new.pop(answer.namespace, answer) for answer in self.answers]
        kept.extend(new.values())
        answered = {answer.namespace for answer in kept if answer.features}
        extra_unsupported = [item for item in unsupported if item[0] not in answered]
        merged = [item for item in self.unsupported if item[0] not in answered] + extra_unsupported
        return Detection(
            answers=tuple(answer for answer in kept if answer.features),
            unsupported=tuple(dict(merged).items()),
            warnings=self.warnings + tuple(warnings),
        )

    # -- JSON --------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": SCHEMA_VERSION,
            "namespaces": {
                answer.namespace: {
                    "source": answer.source,
                    "features": {feature.feature: list(feature.values) for feature in answer.features},
                    "multi_value": [feature.feature for feature in answer.features if feature.multi_value],
                }
                for answer in self.answers
            },
            "unsupported": dict(self.unsupported),
            "warnings": list(self.warnings),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: object, where: str | None = None, source: str = "target") -> Detection:
        """Read the ``detect --json`` document, or the short ``{ns: {feature: [values]}}`` form."""
        if not isinstance(data, Mapping):
            raise VariantsError(f"machine answer{located(where)} must be a JSON object")
        if "namespaces" not in data:
            short = SupportedProperties.from_dict(data, where)
            return cls(answers=_group(short.features, source))
        version = data.get("version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise VariantsError(f"machine answer{located(where)}: unsupported version {version!r} (expected 1)")
        namespaces = data["namespaces"]
        if not isinstance(namespaces, Mapping):
            raise VariantsError(f"'namespaces'{located(where)} must be an object")
        answers = []
        for namespace, body in namespaces.items():
            path = f"{where}.namespaces.{namespace}" if where else f"namespaces.{namespace}"
            if not isinstance(body, Mapping) or not isinstance(body.get("features", {}), Mapping):
                raise VariantsError(f"machine answer{located(path)} must be an object with 'features'")
            multi = body.get("multi_value", [])
            if not isinstance(multi, list):
                raise VariantsError(f"'multi_value'{located(path)} must be a list of feature names")
            parsed = SupportedProperties.from_dict({namespace: body.get("features", {})}, path)
            features = tuple(
                SupportedFeature(
                    namespace=f.namespace, feature=f.feature, values=f.values, multi_value=f.feature in multi
                )
                for f in parsed.features
            )
            answers.append(
                NamespaceAnswer(namespace=namespace, source=str(body.get("source", source)), features=features)
            )
        unsupported = data.get("unsupported", {})
        warnings = data.get("warnings", [])
        if not isinstance(unsupported, Mapping) or not isinstance(warnings, list):
            raise VariantsError(f"machine answer{located(where)}: 'unsupported' must be an object, 'warnings' a list")
        return cls(
            answers=tuple(answer for answer in answers if answer.features),
            unsupported=tuple((str(k), str(v)) for k, v in unsupported.items()),
            warnings=tuple(str(w) for w in warnings),
        )


def _group(features: Iterable[SupportedFeature], source: str) -> tuple[NamespaceAnswer, ...]:
    grouped: dict[str, list[SupportedFeature]] = {}
    for feature in features:
        grouped.setdefault(feature.namespace, []).append(feature)
    return tuple(
        NamespaceAnswer(namespace=namespace, source=source, features=tuple(items))
        for namespace, items in grouped.items()
    )


def format_detection(detection: Detection, *, width: int = 8) -> str:
    """Human-readable lines: each namespace with its source and values (long lists shortened)."""
    lines = []
    for answer in detection.answers:
        lines.append(f"{answer.namespace}  (from {answer.source})")
        for feature in answer.features:
            values = list(feature.values)
            shown = (
                ", ".join(values)
                if len(values) <= width
                else (f"{', '.join(values[: width - 2])}, ... {', '.join(values[-2:])}  ({len(values)} values)")
            )
            multi = "  [multi-value]" if feature.multi_value else ""
            lines.append(f"  {feature.feature}: {shown}{multi}")
    if not detection.answers:
        lines.append("no variant properties detected")
    for namespace, reason in detection.unsupported:
        lines.append(f"unsupported {namespace}: {reason}")
    lines.extend(f"warning: {warning}" for warning in detection.warnings)
    return "\n".join(lines) + "\n"
