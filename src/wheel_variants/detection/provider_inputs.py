"""Targets given as provider inputs: the hardware facts a teammate knows, answered by the providers.

A named target may describe a machine by what its owner can read off it instead of by properties::

    [tool.wheel-variants.targets.alice]       # CUDA 12.8 box with an H100
    cuda-driver = "12.8"                      # nvidia-smi's "CUDA Version"
    sm-arch = "9.0"                           # compute capability
    x86-64-level = "v4"

Each input goes through the function the built-in provider itself uses for a probed or forced
value, so the target answers exactly what ``wheel-variants detect`` answers on such a machine
(values and their order). Input keys are hyphenated and namespaces are ``[a-z0-9_]+``, so the two
never collide; both may appear in one target, but not for the same namespace.

================== ========= ====================================================================
input              namespace what the provider derives from it
================== ========= ====================================================================
cuda-driver        nvidia    ``cuda_version_lower_bound`` and ``cuda_version_upper_bound``
sm-arch            nvidia    ``sm_arch`` (the highest compute capability; needs ``cuda-driver``)
gfx-arch           amd       ``gfx_arch``, in the order given
rocm-version       amd       ``rocm_version`` (needs ``gfx-arch``)
intel-device-ip    intel     ``device_ip``: each IP followed by the base IP its code runs on
x86-64-level       x86_64    ``level`` and the ISA features that level guarantees
x86-64-flags       x86_64    ``level`` and ISA features from a ``/proc/cpuinfo`` flags line
aarch64-version    aarch64   ``version``; without ``aarch64-features``, the features it implies
aarch64-features   aarch64   CPU features (and the version, unless ``aarch64-version`` is given)
apple-chip         apple     ``metal``, ``gpu_family`` and ``chip``
================== ========= ====================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # config.py imports this module: the providers load only when a target has inputs
    from ..supported import SupportedFeature
    from .answer import NamespaceAnswer

__all__ = ["INPUT_KEYS", "ProviderInputs", "input_hint", "input_namespaces", "parse_inputs"]

T = TypeVar("T")

#: Every input key -> (the namespace it answers, the form it expects, for error messages).
INPUT_KEYS: dict[str, tuple[str, str]] = {
    "cuda-driver": ("nvidia", 'the driver\'s CUDA version (nvidia-smi\'s "CUDA Version"), MAJOR.MINOR such as "12.8"'),
    "sm-arch": ("nvidia", 'the GPU compute capability, MAJOR.MINOR such as "9.0"'),
    "gfx-arch": ("amd", 'GPU targets such as "gfx942" or ["gfx942", "gfx90a"]'),
    "rocm-version": ("amd", 'the ROCm version, MAJOR.MINOR such as "6.2"'),
    "intel-device-ip": ("intel", 'graphics IP versions such as "12.55.8" or ["12.60.7"]'),
    "x86-64-level": ("x86_64", 'a psABI level: "v1", "v2", "v3" or "v4"'),
    "x86-64-flags": ("x86_64", "the words after 'flags :' in /proc/cpuinfo, as a string or a list"),
    "aarch64-version": ("aarch64", 'an Arm architecture version such as "8.2a" (8a to 8.7a, 9.0a to 9.2a)'),
    "aarch64-features": ("aarch64", "the words after 'Features :' in /proc/cpuinfo, as a string or a list"),
    "apple-chip": ("apple", 'an Apple Silicon chip such as "m2"'),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderInputs:
    """The validated inputs of one target; :meth:`answers` runs the providers' derivations."""

    cuda_driver: tuple[int, int] | None = None
    sm_arch: tuple[int, int] | None = None
    gfx_arch: tuple[str, ...] = ()
    rocm_version: tuple[int, int] | None = None
    intel_device_ip: tuple[str, ...] = ()
    x86_64_level: int | None = None
    x86_64_flags: frozenset[str] | None = None
    aarch64_version: str | None = None
    aarch64_features: frozenset[str] | None = None
    apple_chip: int | None = None

    def answers(self, source: str) -> tuple[tuple[NamespaceAnswer, ...], tuple[str, ...]]:
        """``(answers in detection order, warnings)``; a namespace the providers answer with
        nothing (a CUDA version outside the known range) is left out, with the provider's warning."""
        from ..providers import aarch64, amd, apple, intel, nvidia, x86_64
        from ..providers._result import make_features
        from .answer import NamespaceAnswer

        warnings: list[str] = []
        found: list[tuple[str, tuple[SupportedFeature, ...]]] = []
        if self.cuda_driver is not None:
            found.append((nvidia.NAMESPACE, nvidia.features_for(self.cuda_driver, self.sm_arch, warnings)))
        if self.gfx_arch:
            found.append((amd.NAMESPACE, amd.features_for(self.gfx_arch, self.rocm_version)))
        if self.intel_device_ip:
            found.append((intel.NAMESPACE, intel.features_for(intel.with_base_ips(self.intel_device_ip))))
        flags = self.x86_64_flags
        if flags is None and self.x86_64_level is not None:
            flags = x86_64.flags_for_level(self.x86_64_level)
        if flags is not None:
            found.append((x86_64.NAMESPACE, make_features(x86_64.NAMESPACE, x86_64.supported_from_flags(flags))))
        version, words = self.aarch64_version, self.aarch64_features
        if version is not None or words is not None:
            version = version or aarch64.version_from_features(words or ())
            words = words if words is not None else aarch64.implied_features(version)
            found.append((aarch64.NAMESPACE, make_features(aarch64.NAMESPACE, aarch64.supported_for(version, words))))
        if self.apple_chip is not None:
            found.append((apple.NAMESPACE, make_features(apple.NAMESPACE, apple.supported_for_chip(self.apple_chip))))
        answers = tuple(
            NamespaceAnswer(namespace=namespace, source=source, features=features)
            for namespace, features in found
            if features
        )
        return answers, tuple(warnings)


def parse_inputs(table: Mapping[str, object], where: str, problems: list[str]) -> ProviderInputs | None:
    """Validate the input keys of one target (*table* holds only those); None when there are none.

    *where* names the target (``[tool.wheel-variants] targets.alice``); each problem is one line
    naming the key, appended to *problems*.
    """
    if not table:
        return None
    from ..providers import aarch64, amd_parse, apple, intel, x86_64
    from ..providers.nvidia_parse import parse_compute_capability, parse_cuda_version
    from ..suggest import did_you_mean

    for key in table:
        if key not in INPUT_KEYS:
            hint = did_you_mean(str(key), INPUT_KEYS)
            problems.append(f"{where}.{key}: unknown provider input{hint} (known inputs: {', '.join(INPUT_KEYS)})")

    def one(key: str, parse: Callable[[str], T | None]) -> T | None:
        value = table.get(key)
        if value is None:
            return None
        parsed = parse(value) if isinstance(value, str) else None
        if parsed is None:
            quoted = "" if isinstance(value, str) else " (a quoted string)"
            problems.append(f"{where}.{key}: expected {INPUT_KEYS[key][1]}{quoted}, got {_shown(value)}")
        return parsed

    def many(key: str, parse: Callable[[str], T | None]) -> tuple[T, ...] | None:
        value = table.get(key)
        if value is None:
            return None
        words = _words(value)
        parsed = [parse(word) for word in words or ()]
        if not words or any(item is None for item in parsed):
            problems.append(f"{where}.{key}: expected {INPUT_KEYS[key][1]}, got {_shown(value)}")
            return None
        return tuple(dict.fromkeys(item for item in parsed if item is not None))

    inputs = ProviderInputs(
        cuda_driver=one("cuda-driver", parse_cuda_version),
        sm_arch=one("sm-arch", parse_compute_capability),
        gfx_arch=many("gfx-arch", _gfx_target) or (),
        rocm_version=one("rocm-version", amd_parse.parse_rocm_version),
        intel_device_ip=many("intel-device-ip", intel.parse_device_ip) or (),
        x86_64_level=one("x86-64-level", x86_64.parse_level),
        x86_64_flags=_set(many("x86-64-flags", _flag)),
        aarch64_version=one("aarch64-version", aarch64.parse_version),
        aarch64_features=_set(many("aarch64-features", _flag)),
        apple_chip=one("apple-chip", apple.parse_chip),
    )
    for key, needed, reason in (
        ("sm-arch", "cuda-driver", "without the driver's CUDA version the nvidia provider supports nothing"),
        ("rocm-version", "gfx-arch", "ROCm without an AMD GPU supports nothing"),
    ):
        if key in table and needed not in table:
            problems.append(f"{where}.{key}: needs {needed} as well ({reason})")
    if "x86-64-level" in table and "x86-64-flags" in table:
        problems.append(f"{where}: give x86-64-level or x86-64-flags, not both (the flags decide the level)")
    return inputs


def input_namespaces(keys: Mapping[str, object]) -> dict[str, list[str]]:
    """``{namespace: [input keys]}`` for the known input keys among *keys*."""
    claimed: dict[str, list[str]] = {}
    for key in keys:
        if key in INPUT_KEYS:
            claimed.setdefault(INPUT_KEYS[key][0], []).append(key)
    return claimed


def input_hint(key: str) -> str:
    """``"; did you mean rocm-version?"`` for a non-table value under a namespace-like *key*."""
    spelled = key.replace("_", "-")
    close = [name for name in INPUT_KEYS if name == spelled or name.startswith(f"{spelled}-")]
    return f"; did you mean the provider input {' or '.join(close)}?" if close else ""


def _shown(value: object, width: int = 60) -> str:
    """``repr(value)``, shortened: a 5000-digit value must not make a 5000-character message."""
    text = repr(value)
    return text if len(text) <= width else f"{text[: width - 5]}... ({len(text)} characters)"


def _words(value: object) -> list[str] | None:
    # "gfx942, gfx90a" or "fpu vme de ..." or ["gfx942", "gfx90a"]
    if isinstance(value, str):
        return value.replace(",", " ").split()
    if isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value):
        return [item.strip() for item in value]
    return None


def _gfx_target(word: str) -> str | None:
    from ..providers.amd_parse import parse_gfx_target

    name = parse_gfx_target(word.lower())
    return name if name is not None and name.isascii() else None


def _flag(word: str) -> str | None:
    return word.lower() if word.isascii() and word.replace("_", "").replace(".", "").isalnum() else None


def _set(words: tuple[str, ...] | None) -> frozenset[str] | None:
    return frozenset(words) if words is not None else None
