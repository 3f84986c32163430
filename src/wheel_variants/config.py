"""The ``[tool.wheel-variants]`` table of ``pyproject.toml``: a typed model with located errors.

The keys detection needs live here; ``index-bases`` and ``packages`` are read by ``packages.py``,
``uv`` by ``uv/plan.py``. Every key of the table is one of :data:`TOOL_KEYS`: a misspelled key
is an error with a did-you-mean (:func:`check_tool_table`), never silently ignored::

    [tool.wheel-variants]
    trusted-providers = ["my-variant-provider"]   # distribution names (see trust.py)

    [tool.wheel-variants.targets.cuda12]          # a named machine answer, best values first
    nvidia = { cuda_version_lower_bound = ["12.4", "12.0"], sm_arch = ["90_real", "90_virtual"] }
    x86_64 = { level = ["v3", "v2", "v1"] }

    [tool.wheel-variants.targets.alice]           # provider inputs: the built-in providers derive
    cuda-driver = "12.8"                          # the properties, as on a real machine (keys and
    sm-arch = "9.0"                               # their meaning: detection/provider_inputs.py)
    x86-64-level = "v4"

    [tool.wheel-variants.targets.ci]
    file = "ci/target.json"                       # a `wheel-variants detect --json` capture

    [tool.wheel-variants.targets.mac]
    platform = "macos_arm64"                      # optional: PDM platform name, for variant markers
    apple = { metal = ["on"] }

Namespace tables and provider inputs (hyphenated keys) may be mixed in one target, each namespace
answered by one of them: giving a namespace both ways is an error. ``file`` goes alone.

:func:`parse_config` is pure; :func:`read_config` reads a ``pyproject.toml`` file.
"""

# Plain os.path strings, as the rest of the detection code uses.
# ruff: noqa: PTH100, PTH109, PTH113, PTH118, PTH120

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .detection.provider_inputs import ProviderInputs, input_hint, input_namespaces, parse_inputs
from .errors import VariantsError
from .supported import SupportedProperties

__all__ = [
    "TOOL_KEYS",
    "ConfigError",
    "TargetSpec",
    "VariantsConfig",
    "check_tool_table",
    "find_pyproject",
    "parse_config",
    "read_config",
    "tool_table_problems",
]

_PREFIX = "[tool.wheel-variants]"

#: Every key ``[tool.wheel-variants]`` may hold, and the module that reads it.
TOOL_KEYS: dict[str, str] = {
    "trusted-providers": "config",
    "targets": "config",
    "index-bases": "packages",
    "packages": "packages",
    "uv": "uv.plan",
}
_TARGET_KEYS = ("file", "platform")

#: Upper bound on a pyproject.toml or a target file read here.
MAX_CONFIG_BYTES = 16 * 1024 * 1024


class ConfigError(VariantsError):
    """``[tool.wheel-variants]`` holds a value of the wrong shape."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetSpec:
    """A named target: inline properties and/or provider inputs, or a file relative to the project
    directory; and optionally the platform it runs on (a PDM platform name such as ``macos_arm64``)."""

    name: str
    properties: SupportedProperties | None = None
    inputs: ProviderInputs | None = None
    file: str | None = None
    platform: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VariantsConfig:
    trusted_providers: tuple[str, ...] = ()
    targets: tuple[TargetSpec, ...] = ()
    # Directory of the pyproject.toml it came from (files of targets are relative to it).
    project_dir: str = "."

    def target(self, name: str) -> TargetSpec | None:
        for spec in self.targets:
            if spec.name == name:
                return spec
        return None


def parse_config(table: Mapping[str, Any] | None, project_dir: str = ".") -> VariantsConfig:
    """Validate ``[tool.wheel-variants]``; every problem of the table is reported in one error."""
    if table is None:
        return VariantsConfig(project_dir=project_dir)
    if not isinstance(table, Mapping):
        raise ConfigError(f"{_PREFIX} must be a table, not {type(table).__name__}")
    problems = tool_table_problems(table)
    trusted = _string_list(table.get("trusted-providers", []), "trusted-providers", problems)
    targets = _targets(table.get("targets", {}), problems)
    if problems:
        raise ConfigError("\n".join(problems))
    return VariantsConfig(trusted_providers=tuple(trusted), targets=tuple(targets), project_dir=project_dir)


def tool_table_problems(table: Mapping[str, Any]) -> list[str]:
    """One line per unknown key of ``[tool.wheel-variants]``, each with a did-you-mean."""
    from .suggest import unknown_key

    return [unknown_key(key, TOOL_KEYS, _PREFIX) for key in table if key not in TOOL_KEYS]


def check_tool_table(table: object) -> None:
    """Raise ConfigError when ``[tool.wheel-variants]`` (None: absent) is not a table or holds an
    unknown key: ``[tool.wheel-variants]: unknown key 'targts'; did you mean 'targets'? (...)``."""
    if table is None:
        return
    if not isinstance(table, Mapping):
        raise ConfigError(f"{_PREFIX} must be a table, not {type(table).__name__}")
    problems = tool_table_problems(table)
    if problems:
        raise ConfigError("\n".join(problems))


def _string_list(value: object, key: str, problems: list[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        problems.append(f"{_PREFIX} {key}: expected a list of non-empty strings, got {value!r}")
        return []
    return [item.strip() for item in value]


def _targets(value: object, problems: list[str]) -> list[TargetSpec]:
    if not isinstance(value, Mapping):
        problems.append(f"{_PREFIX} targets: expected a table of named targets, got {value!r}")
        return []
    specs = []
    for name, body in value.items():
        where = f"targets.{name}"
        if not isinstance(body, Mapping):
            problems.append(f"{_PREFIX} {where}: expected a table, got {body!r}")
            continue
        file = body.get("file")
        platform = body.get("platform")
        if platform is not None and (not isinstance(platform, str) or not platform.strip()):
            problems.append(f"{_PREFIX} {where}.platform: expected a platform name such as 'linux', got {platform!r}")
            platform = None
        # Namespaces are [a-z0-9_]+, so a hyphenated key is always a provider input.
        inputs = {key: item for key, item in body.items() if "-" in str(key)}
        namespaces = {key: item for key, item in body.items() if key not in {"file", "platform", *inputs}}
        if file is not None:
            if not isinstance(file, str) or not file.strip():
                problems.append(f"{_PREFIX} {where}.file: expected a path string, got {file!r}")
            elif namespaces or inputs:
                problems.append(f"{_PREFIX} {where}: give either 'file' or namespaces and provider inputs, not both")
            else:
                specs.append(TargetSpec(name=str(name), file=file, platform=platform))
            continue
        before = len(problems)
        parsed = parse_inputs(inputs, f"{_PREFIX} {where}", problems)
        claimed = input_namespaces(inputs)
        for namespace, features in namespaces.items():
            _check_namespace(namespace, features, f"{where}.{namespace}", problems)
            if namespace in claimed:
                problems.append(
                    f"{_PREFIX} {where}.{namespace}: answered both by this table and by the provider inputs "
                    f"{', '.join(claimed[namespace])}; give one of them"
                )
        if len(problems) == before:
            properties = SupportedProperties.from_dict(namespaces)
            specs.append(TargetSpec(name=str(name), properties=properties, inputs=parsed, platform=platform))
    return specs


def _check_namespace(namespace: object, features: object, where: str, problems: list[str]) -> None:
    if not isinstance(features, Mapping):
        hint = input_hint(namespace) if isinstance(namespace, str) else ""
        problems.append(f"{_PREFIX} {where}: expected a table of feature = [values], got {features!r}{hint}")
        return
    try:
        properties = SupportedProperties.from_dict({namespace: features})  # type: ignore[dict-item]
    except VariantsError as error:
        problems.append(f"{_PREFIX} {where}: {error}")
        return
    from .providers.vocabulary import BUILTIN_FEATURES, unknown_feature

    known = BUILTIN_FEATURES.get(str(namespace))
    for feature in properties.features:
        if known is not None and feature.feature not in known:
            line = unknown_feature(feature.namespace, feature.feature, known, "", "built-in")
            problems.append(f"{_PREFIX} {where}: {line}")


def find_pyproject(start: str | os.PathLike[str] | None = None) -> str | None:
    """The nearest ``pyproject.toml`` at or above *start* (default: the working directory)."""
    directory = os.path.abspath(os.fspath(start) if start is not None else os.getcwd())
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def read_config(pyproject: str | os.PathLike[str] | None) -> VariantsConfig:
    """Read and validate ``[tool.wheel-variants]`` of a ``pyproject.toml`` (None: no config)."""
    if pyproject is None:
        return VariantsConfig()
    from .boundedio import read_regular_file

    path = os.fspath(pyproject)
    try:
        data = read_regular_file(path, MAX_CONFIG_BYTES)
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    document = _load_toml(data.decode("utf-8", "replace"), path)
    tool = document.get("tool", {})
    table = tool.get("wheel-variants") if isinstance(tool, Mapping) else None
    return parse_config(table, os.path.dirname(os.path.abspath(path)))


def _load_toml(text: str, path: str) -> Mapping[str, Any]:
    from .tomlfile import parse_toml

    return parse_toml(text, path)
