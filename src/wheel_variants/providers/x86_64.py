"""Namespace ``x86_64``: psABI micro-architecture ``level`` and ISA features.

Vocabulary (shared with the ``provider-variant-x86-64`` plugin so wheels agree):

* ``level`` — ``v4``, ``v3``, ``v2``, ``v1``; the supported values are the detected level and
  every lower one, best first.
* one feature per ISA extension (``avx2``, ``avx512_bf16``, ``sha_ni`` ...) with the single
  value ``on``, listed newest first.

Probes: ``/proc/cpuinfo`` on Linux (the intersection of every CPU's ``flags``), ``sysctl
machdep.cpu.*`` on macOS. Unlike the plugin (which reports archspec's feature set for the
*named* micro-architecture it matched), we report the flags the CPU actually shows, so a
hypervisor that masks a flag masks the feature too.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..system import SystemRoot
from ._result import ProbeResult, make_features
from .cpuinfo_parse import common_words, parse_cpuinfo
from .sysctl_parse import parse_sysctl

__all__ = [
    "BASELINE_FLAGS",
    "ISA_FEATURES",
    "LEVEL_REQUIREMENTS",
    "NAMESPACE",
    "features_from_flags",
    "flags_for_level",
    "level_from_flags",
    "parse_level",
    "probe",
    "supported_from_flags",
]

NAMESPACE = "x86_64"

# psABI "Micro-Architecture Levels", spelled as Linux /proc/cpuinfo flags (FACTS.md §2).
# ``pni`` is SSE3; ``abm`` is LZCNT; OSXSAVE is never shown, ``xsave`` stands for it.
LEVEL_REQUIREMENTS: tuple[tuple[int, frozenset[str]], ...] = (
    (2, frozenset({"cx16", "lahf_lm", "popcnt", "pni", "ssse3", "sse4_1", "sse4_2"})),
    (3, frozenset({"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"})),
    (4, frozenset({"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"})),
)

# The x86-64 baseline (psABI level 1: CMOV, CX8, FPU, FXSR, MMX, SCE, SSE, SSE2), as Linux flags.
BASELINE_FLAGS = frozenset({"cmov", "cx8", "fpu", "fxsr", "mmx", "syscall", "sse", "sse2"})

# Feature names of the x86_64 variant vocabulary, most preferred (newest) first.
ISA_FEATURES: tuple[str, ...] = (
    "avx_vnni", "cppc", "ibrs_enhanced", "tsc_adjust", "flush_l1d",
    "movdir64b", "movdiri",
    "avx512_bf16", "avx512_bitalg", "avx512_vbmi2", "avx512_vnni", "avx512_vp2intersect",
    "avx512_vpopcntdq", "avx512ifma", "avx512vbmi", "rdpid", "sha_ni", "vaes", "vpclmulqdq",
    "clwb", "clzero",
    "avx512bw", "avx512cd", "avx512dq", "avx512f", "avx512vl",
    "clflushopt", "gfni", "rdseed", "xsavec", "xsaveopt",
    "adx",
    "avx2", "avx", "bmi2", "bmi1", "abm", "f16c", "fma", "movbe", "xsave",
    "rdrand", "aes", "pclmulqdq", "sse4a", "fsgsbase",
    "sse4_2", "sse4_1", "ssse3", "sse3", "cx16", "lahf_lm", "popcnt",
    "sse2", "sse", "mmx",
)  # fmt: skip

# macOS sysctl spellings (machdep.cpu.features / leaf7_features / extfeatures) -> Linux flags.
_DARWIN_NAMES = {
    "sse3": "pni",
    "sse4.1": "sse4_1",
    "sse4.2": "sse4_2",
    "avx1.0": "avx",
    "lahf": "lahf_lm",
    "lzcnt": "abm",
    "sha": "sha_ni",
    "clfsopt": "clflushopt",
    "rdwrfsgs": "fsgsbase",
    "em64t": "lm",
}


def level_from_flags(flags: Iterable[str]) -> int:
    """The highest psABI level (1-4) whose requirements, and all lower ones, are in *flags*."""
    present = set(flags)
    level = 1
    for candidate, required in LEVEL_REQUIREMENTS:
        if not required <= present:
            break
        level = candidate
    return level


def flags_for_level(level: int) -> frozenset[str]:
    """The flags every CPU of psABI *level* (1-4) shows: the baseline and each level's requirements."""
    flags = set(BASELINE_FLAGS)
    for candidate, required in LEVEL_REQUIREMENTS:
        if candidate <= level:
            flags |= required
    return frozenset(flags)


def parse_level(text: str) -> int | None:
    """``"v3"`` (or ``"x86-64-v3"``) -> 3; None unless it names level 1-4."""
    word = text.strip().lower().removeprefix("x86-64-").removeprefix("x86_64_")
    if len(word) == 2 and word[0] == "v" and word[1] in "1234":
        return int(word[1])
    return None


def features_from_flags(flags: Iterable[str]) -> list[str]:
    """Vocabulary features present in *flags*, newest first (``sse3`` is the kernel's ``pni``)."""
    present = set(flags)
    if "pni" in present:
        present.add("sse3")
    return [name for name in ISA_FEATURES if name in present]


def flags_from_sysctl(text: str) -> frozenset[str]:
    """Linux-spelled flags from macOS ``sysctl machdep.cpu`` output."""
    values = parse_sysctl(text)
    words: set[str] = set()
    for key in ("machdep.cpu.features", "machdep.cpu.leaf7_features", "machdep.cpu.extfeatures"):
        for word in values.get(key, "").lower().split():
            words.add(_DARWIN_NAMES.get(word, word))
    return frozenset(words)


def supported_from_flags(flags: Iterable[str]) -> list[tuple[str, list[str]]]:
    """``[("level", ["v3", "v2", "v1"]), ("avx2", ["on"]), ...]`` for a flag set."""
    flag_set = frozenset(flags)
    level = level_from_flags(flag_set)
    items: list[tuple[str, list[str]]] = [("level", [f"v{n}" for n in range(level, 0, -1)])]
    items.extend((name, ["on"]) for name in features_from_flags(flag_set))
    return items


def probe(system: SystemRoot) -> ProbeResult:
    if system.machine != "x86_64":
        return ProbeResult.empty(NAMESPACE)
    if system.platform == "darwin":
        source = "sysctl machdep.cpu"
        text = system.sysctl()
        flags = flags_from_sysctl(text) if text else frozenset()
    else:
        source = "/proc/cpuinfo"
        text = system.read_text(source)
        found = common_words(parse_cpuinfo(text), "flags") if text else None
        flags = found or frozenset()
    if text is None:
        return ProbeResult.empty(NAMESPACE, [f"x86_64: {source} could not be read; no CPU features known"])
    if not flags:
        return ProbeResult.empty(NAMESPACE, [f"x86_64: {source} lists no CPU flags; no CPU features known"])
    features = make_features(NAMESPACE, supported_from_flags(flags))
    return ProbeResult(namespace=NAMESPACE, source=source, features=features)
