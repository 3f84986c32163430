"""uv's ``[tool.uv]`` routing for variant-managed dependencies as plain data, and its options.

:class:`UvOptions` is ``[tool.wheel-variants.uv]`` validated (:func:`parse_uv_options`)::

    [tool.wheel-variants.uv]
    dependencies = ["llama-cpp-python>=0.3"]   # extras/groups forms; keep them out of [project] dependencies
    labels = ["cpu", "cu124", "metal"]         # optional: the extras/groups to offer (default: every label)
    mode = "extras"                            # "groups", or "markers" (the project's own requirements)
    default = "cu124"                          # optional: default label (markers, build variables, default group)
    identical-filenames = ["my-pkg"]           # optional: indexes publish the same file names (no +local)
    variant-indexes = { my-pkg = "https://example.org/simple" }   # PEP 825 variant wheels

:class:`UvPlan` is what ``routing.plan_uv`` makes of them and ``writer.render_pyproject`` writes:
explicit indexes, per-package source lists whose markers are pairwise disjoint and cover every
platform (nothing falls through to the default index), the extras or groups and their
``conflicts`` set, build variables for source builds, ``reinstall-package`` for packages whose
indexes share file names (switching extras would keep the old build) and comments. Nothing here
reads files or the machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from packaging.requirements import InvalidRequirement, Requirement

from ..errors import VariantsError
from ..names import normalize_name

__all__ = [
    "UV_PREFIX",
    "Mode",
    "UvConfigError",
    "UvIndex",
    "UvOptions",
    "UvPlan",
    "UvSource",
    "parse_uv_options",
]

UV_PREFIX = "[tool.wheel-variants.uv]"
_KEYS = frozenset({"dependencies", "labels", "mode", "default", "identical-filenames", "variant-indexes"})
_MODES = ("extras", "groups", "markers")

Mode = Literal["extras", "groups", "markers"]


class UvConfigError(VariantsError):
    """The uv generator's input is inconsistent (unknown package, label without index...)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UvOptions:
    dependencies: tuple[str, ...] = ()
    labels: tuple[str, ...] | None = None
    mode: Mode = "extras"
    default: str | None = None
    identical_filenames: tuple[str, ...] = ()
    variant_indexes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class UvIndex:
    name: str
    url: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "url": self.url, "explicit": True}


@dataclass(frozen=True, slots=True, kw_only=True)
class UvSource:
    index: str
    extra: str | None = None
    group: str | None = None
    marker: str | None = None

    def to_dict(self) -> dict[str, str]:
        result = {"index": self.index}
        for key, value in (("extra", self.extra), ("group", self.group), ("marker", self.marker)):
            if value is not None:
                result[key] = value
        return result


@dataclass(frozen=True, slots=True, kw_only=True)
class UvPlan:
    mode: Mode
    indexes: tuple[UvIndex, ...] = ()
    sources: tuple[tuple[str, tuple[UvSource, ...]], ...] = ()
    # extra or group name -> requirement strings
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()
    build_variables: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    config_settings: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    default_groups: tuple[str, ...] = ()
    reinstall_packages: tuple[str, ...] = ()
    # routed to several indexes that publish the same file names (uv keeps a build when its index changes)
    identical_filenames: tuple[str, ...] = ()
    # every index this generator would name for the managed packages (an earlier run's, with another
    # default or labels): sources naming them are generated, and unused ones are removed
    owned_indexes: tuple[UvIndex, ...] = ()
    preview_features: tuple[str, ...] = ()
    # package -> comment lines written above its sources
    comments: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def conflicts(self) -> tuple[dict[str, str], ...]:
        key = "extra" if self.mode == "extras" else "group"
        return tuple({key: name} for name, _ in self.choices) if len(self.choices) > 1 else ()

    @property
    def managed_packages(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.sources)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(line for _, lines in self.comments for line in lines if line.startswith("WARNING"))


# -- input ---------------------------------------------------------------------------------------


def parse_uv_options(table: Mapping[str, Any] | None) -> UvOptions:
    """Validate ``[tool.wheel-variants.uv]``; every problem is reported, one per line."""
    if table is None:
        return UvOptions(mode="markers")
    if not isinstance(table, Mapping):
        raise UvConfigError(f"{UV_PREFIX} must be a table, not {type(table).__name__}")
    problems: list[str] = []
    for key in table:
        if key not in _KEYS:
            problems.append(f"{UV_PREFIX} {key}: unknown key (expected one of {sorted(_KEYS)})")
    dependencies = _strings(table.get("dependencies", []), "dependencies", problems)
    for position, text in enumerate(dependencies):
        try:
            Requirement(text)
        except InvalidRequirement as error:
            problems.append(f"{UV_PREFIX} dependencies[{position}]: invalid requirement {text!r}: {error}")
    labels = table.get("labels")
    mode = table.get("mode", "extras" if "dependencies" in table else "markers")
    if mode not in _MODES:
        problems.append(f"{UV_PREFIX} mode: expected 'extras', 'groups' or 'markers', got {mode!r}")
        mode = "extras"
    for key in ("dependencies", "labels"):
        if mode == "markers" and key in table:
            problems.append(
                f"{UV_PREFIX} {key}: the markers form routes the project's own requirements by platform; "
                "remove this key, or set mode = 'extras' or 'groups'"
            )
    default = table.get("default")
    if default is not None and not isinstance(default, str):
        problems.append(f"{UV_PREFIX} default: expected a label string, got {default!r}")
        default = None
    indexes = table.get("variant-indexes", {})
    if not isinstance(indexes, Mapping) or not all(isinstance(v, str) and v for v in indexes.values()):
        problems.append(f"{UV_PREFIX} variant-indexes: expected a table of package = index URL, got {indexes!r}")
        indexes = {}
    options = UvOptions(
        dependencies=tuple(dependencies),
        labels=None if labels is None else tuple(_strings(labels, "labels", problems)),
        mode=mode,
        default=default,
        identical_filenames=tuple(_strings(table.get("identical-filenames", []), "identical-filenames", problems)),
        variant_indexes=tuple((normalize_name(str(k)), str(v).rstrip("/")) for k, v in indexes.items()),
    )
    if problems:
        raise UvConfigError("\n".join(problems))
    return options


def _strings(value: object, key: str, problems: list[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append(f"{UV_PREFIX} {key}: expected a list of strings, got {value!r}")
        return []
    return list(value)
