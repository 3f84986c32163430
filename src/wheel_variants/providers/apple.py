"""Namespace ``apple``: Apple Silicon and its Metal GPU on macOS arm64.

No upstream provider covers Metal (uv and the wheelnext providers only know ``blas_lapack ::
provider :: accelerate``), so this vocabulary is ours; it is documented in
``docs/detection.md``:

* ``apple :: metal :: on`` — a Metal-capable Apple Silicon GPU is present (what llama.cpp-style
  ``metal`` builds need);
* ``apple :: gpu_family :: apple9, apple8, apple7`` — Metal GPU families the GPU supports, best
  first (M1 is Apple7, M2 Apple8, M3 and M4 Apple9);
* ``apple :: chip :: m4, m3, m2, m1`` — the chip generation and every older one, best first.

The probe reads ``machdep.cpu.brand_string`` and ``hw.optional.arm64`` from ``sysctl``.
"""

from __future__ import annotations

from ..system import SystemRoot
from ._numbers import small_int
from ._result import ProbeResult, make_features
from .aarch64 import apple_chip_generation
from .sysctl_parse import parse_sysctl, sysctl_flag

__all__ = ["GPU_FAMILIES", "NAMESPACE", "parse_chip", "probe", "supported_for_chip", "supported_from_sysctl"]

NAMESPACE = "apple"

#: Chip generation -> Metal GPU family (Apple's Metal feature set tables).
GPU_FAMILIES: dict[int, int] = {1: 7, 2: 8, 3: 9, 4: 9}


def supported_from_sysctl(text: str) -> list[tuple[str, list[str]]]:
    """Features for an Apple Silicon Mac from its ``sysctl`` text; empty for an Intel Mac."""
    values = parse_sysctl(text)
    chip = apple_chip_generation(values.get("machdep.cpu.brand_string", ""))
    if chip is None and not sysctl_flag(values, "hw.optional.arm64"):
        return []
    return supported_for_chip(chip or 1)


def supported_for_chip(chip: int) -> list[tuple[str, list[str]]]:
    """Features for the Apple Silicon chip generation *chip* (1 for M1, ...)."""
    family = GPU_FAMILIES[max(n for n in GPU_FAMILIES if n <= chip)]
    return [
        ("metal", ["on"]),
        ("gpu_family", [f"apple{n}" for n in range(family, 6, -1)]),
        ("chip", [f"m{n}" for n in range(chip, 0, -1)]),
    ]


def parse_chip(text: str) -> int | None:
    """``"m2"`` (or ``"M2 Pro"``, ``"Apple M2 Max"``) -> 2; None for anything else."""
    words = text.strip().lower().removeprefix("apple").split()
    word = words[0] if words else ""
    generation = small_int(word[1:]) if word[:1] == "m" else None
    if generation is not None and generation >= 1:
        return generation
    return None


def probe(system: SystemRoot) -> ProbeResult:
    if system.platform != "darwin" or system.machine != "aarch64":
        return ProbeResult.empty(NAMESPACE)
    text = system.sysctl()
    if not text:
        return ProbeResult.empty(NAMESPACE, ["apple: sysctl gave no output; Apple Silicon not detected"])
    features = make_features(NAMESPACE, supported_from_sysctl(text))
    return ProbeResult(namespace=NAMESPACE, source="sysctl machdep.cpu" if features else "", features=features)
