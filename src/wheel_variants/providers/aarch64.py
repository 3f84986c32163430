"""Namespace ``aarch64``: architecture ``version`` and CPU features.

Vocabulary (shared with the ``provider-variant-aarch64`` plugin): ``version`` values ``9.2a``,
``9.1a``, ``9.0a``, ``8.7a`` ... ``8.1a``, ``8a`` (the detected version and every version it
includes, best first); one feature per CPU feature (``sve2``, ``bf16``, ``i8mm`` ...) with the
value ``on``.

How the version is found (FACTS.md §4): the OS may hide mandatory features (Grace shows no
PAuth), so a known ``(CPU implementer, CPU part)`` decides first, as archspec does through its
micro-architecture table. Only when some core is unknown do we infer the version from the
features every CPU shows, requiring only markers that kernels do expose.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..system import SystemRoot
from ._numbers import small_int
from ._result import ProbeResult, make_features
from .cpuinfo_parse import aarch64_cpu_parts, common_words, parse_cpuinfo
from .sysctl_parse import parse_sysctl, sysctl_flag

__all__ = [
    "KNOWN_PARTS",
    "NAMESPACE",
    "VERSIONS",
    "features_from_words",
    "implied_features",
    "parse_version",
    "probe",
    "supported_for",
    "version_from_cpuinfo",
    "version_from_features",
    "versions_from",
]

NAMESPACE = "aarch64"

#: Every version value, newest first. A 9.x version includes the 8.(x+5) version.
VERSIONS: tuple[str, ...] = (
    "9.2a", "9.1a", "9.0a", "8.7a", "8.6a", "8.5a", "8.4a", "8.3a", "8.2a", "8.1a", "8a",
)  # fmt: skip

# (implementer, part) -> version of that core, from archspec-json's micro-architecture ancestry
# (FACTS.md §4a, verified).
KNOWN_PARTS: dict[tuple[int, int], str] = {
    (0x41, 0xD08): "8a",  # Cortex-A72 (Graviton 1)
    (0x43, 0x0AF): "8.1a",  # ThunderX2
    (0x46, 0x001): "8.2a",  # A64FX
    (0x41, 0xD0C): "8.2a",  # Neoverse N1 (Graviton 2, Ampere Altra)
    (0x41, 0xD40): "8.4a",  # Neoverse V1 (Graviton 3)
    (0x61, 0x022): "8.4a",  # Apple M1
    (0x61, 0x032): "8.5a",  # Apple M2
    (0xC0, 0xAC3): "8.6a",  # AmpereOne
    (0xC0, 0xAC4): "8.6a",  # AmpereOne A
    (0x41, 0xD49): "9.0a",  # Neoverse N2
    (0x41, 0xD4F): "9.0a",  # Neoverse V2 (Grace, Graviton 4)
    (0x41, 0xD83): "9.2a",  # Neoverse V3AE
}

_NINE_TO_EIGHT = {"9.0a": "8.5a", "9.1a": "8.6a", "9.2a": "8.7a"}

# New mandatory user-visible features per version, restricted to markers Linux reliably
# exposes (PAuth/BTI/DIT/SSBS are hidden on some real machines, so they are not required).
_MARKERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("8.1a", frozenset({"atomics", "asimdrdm", "crc32"})),
    ("8.2a", frozenset({"dcpop"})),
    ("8.3a", frozenset({"jscvt", "fcma", "lrcpc"})),
    ("8.4a", frozenset({"asimddp", "asimdfhm", "flagm", "ilrcpc", "uscat"})),
    ("8.5a", frozenset({"sb", "flagm2", "frint", "dcpodp"})),
    ("8.6a", frozenset({"bf16", "i8mm", "ecv"})),
    ("8.7a", frozenset({"wfxt", "afp"})),
)

# Features of the aarch64 variant vocabulary, most preferred first.
FEATURES: tuple[str, ...] = (
    "sme2", "sme", "sve2", "flagm2", "frint", "sb", "bti", "ecv", "paca", "pacg", "ssbs",
    "asimdfhm", "bf16", "dcpodp", "dgh", "dit", "flagm", "i8mm", "ilrcpc", "jscvt", "rng",
    "sha3", "sha512", "svebf16", "svei8mm", "uscat", "asimddp", "lrcpc", "asimdhp", "dcpop",
    "fcma", "fphp", "sve", "asimdrdm", "atomics", "aes", "asimd", "cpuid", "crc32", "evtstrm",
    "fp", "pmull", "sha1", "sha2",
)  # fmt: skip

# macOS hw.optional keys -> Linux feature names.
_DARWIN_FEATURES: dict[str, str] = {
    "hw.optional.arm.FEAT_LSE": "atomics",
    "hw.optional.armv8_1_atomics": "atomics",
    "hw.optional.arm.FEAT_RDM": "asimdrdm",
    "hw.optional.armv8_crc32": "crc32",
    "hw.optional.arm.FEAT_CRC32": "crc32",
    "hw.optional.arm.FEAT_DPB": "dcpop",
    "hw.optional.arm.FEAT_JSCVT": "jscvt",
    "hw.optional.arm.FEAT_FCMA": "fcma",
    "hw.optional.arm.FEAT_LRCPC": "lrcpc",
    "hw.optional.arm.FEAT_DotProd": "asimddp",
    "hw.optional.arm.FEAT_FHM": "asimdfhm",
    "hw.optional.armv8_2_fhm": "asimdfhm",
    "hw.optional.arm.FEAT_FlagM": "flagm",
    "hw.optional.arm.FEAT_LRCPC2": "ilrcpc",
    "hw.optional.arm.FEAT_LSE2": "uscat",
    "hw.optional.arm.FEAT_DIT": "dit",
    "hw.optional.arm.FEAT_SB": "sb",
    "hw.optional.arm.FEAT_FlagM2": "flagm2",
    "hw.optional.arm.FEAT_FRINTTS": "frint",
    "hw.optional.arm.FEAT_DPB2": "dcpodp",
    "hw.optional.arm.FEAT_SSBS": "ssbs",
    "hw.optional.arm.FEAT_BTI": "bti",
    "hw.optional.arm.FEAT_PAuth": "paca",
    "hw.optional.arm.FEAT_BF16": "bf16",
    "hw.optional.arm.FEAT_I8MM": "i8mm",
    "hw.optional.arm.FEAT_ECV": "ecv",
    "hw.optional.arm.FEAT_WFxT": "wfxt",
    "hw.optional.arm.FEAT_AFP": "afp",
    "hw.optional.arm.FEAT_SHA3": "sha3",
    "hw.optional.armv8_2_sha3": "sha3",
    "hw.optional.arm.FEAT_SHA512": "sha512",
    "hw.optional.armv8_2_sha512": "sha512",
    "hw.optional.arm.FEAT_SME": "sme",
    "hw.optional.arm.FEAT_SME2": "sme2",
    "hw.optional.neon": "asimd",
    "hw.optional.neon_fp16": "asimdhp",
    "hw.optional.floatingpoint": "fp",
}

# Apple chip generation -> version (archspec: m1 armv8.4a, m2 armv8.5a, m3/m4 armv8.6a).
APPLE_CHIP_VERSIONS: dict[int, str] = {1: "8.4a", 2: "8.5a", 3: "8.6a", 4: "8.6a"}


def version_from_features(words: Iterable[str]) -> str:
    """The newest version whose markers (and all older markers) are present."""
    present = set(words)
    version = "8a"
    for candidate, markers in _MARKERS:
        if not markers <= present:
            break
        version = candidate
    if "sve2" in present:
        # Armv9.N is Armv8.(N+5) plus SVE2.
        version = {eight: nine for nine, eight in _NINE_TO_EIGHT.items()}.get(version, version)
    return version


def implied_features(version: str) -> frozenset[str]:
    """The markers of *version* and of every version it includes: what :func:`version_from_features`
    needs to see to answer *version* (an Armv9.N CPU shows the Armv8.(N+5) markers and SVE2)."""
    ceiling = _rank(_NINE_TO_EIGHT.get(version, version))
    words = {word for candidate, markers in _MARKERS if _rank(candidate) <= ceiling for word in markers}
    if version in _NINE_TO_EIGHT:
        words.add("sve2")
    return frozenset(words)


def parse_version(text: str) -> str | None:
    """``"8.2a"`` (or ``"armv8.2-a"``, ``"8.2"``) -> ``"8.2a"``; None unless it is in :data:`VERSIONS`."""
    word = text.strip().lower().removeprefix("armv").removesuffix("-a").removesuffix("a")
    word = {"8.0": "8", "9": "9.0"}.get(word, word)
    return f"{word}a" if f"{word}a" in VERSIONS else None


def version_from_cpuinfo(text: str) -> str | None:
    """The version every CPU of the dump supports; None when the dump is not AArch64."""
    stanzas = parse_cpuinfo(text)
    words = common_words(stanzas, "features")
    parts = aarch64_cpu_parts(stanzas)
    if words is None and not parts:
        return None
    if parts and all(part in KNOWN_PARTS for part in parts):
        return min((KNOWN_PARTS[part] for part in parts), key=_rank, default="8a")
    return version_from_features(words or ())


def versions_from(version: str) -> list[str]:
    """*version* and every version it includes, best first (9.x includes 8.(x+5))."""
    ceiling = _NINE_TO_EIGHT.get(version)
    return [
        v
        for v in VERSIONS[VERSIONS.index(version) :]
        if ceiling is None or v.startswith("9") or _rank(v) <= _rank(ceiling)
    ]


def features_from_words(words: Iterable[str]) -> list[str]:
    present = set(words)
    return [name for name in FEATURES if name in present]


def supported_for(version: str, words: Iterable[str]) -> list[tuple[str, list[str]]]:
    """``[("version", [...]), ("sve2", ["on"]), ...]`` for a version and the CPU's feature words."""
    items: list[tuple[str, list[str]]] = [("version", versions_from(version))]
    items.extend((name, ["on"]) for name in features_from_words(words))
    return items


def from_sysctl(text: str) -> tuple[str | None, frozenset[str]]:
    """``(version, features)`` of an Apple Silicon Mac from its ``sysctl`` output."""
    values = parse_sysctl(text)
    words = {name for key, name in _DARWIN_FEATURES.items() if sysctl_flag(values, key)}
    if "paca" in words:
        words.add("pacg")
    brand = values.get("machdep.cpu.brand_string", "")
    chip = apple_chip_generation(brand)
    if chip is not None:
        known = max(n for n in APPLE_CHIP_VERSIONS if n <= chip)
        return APPLE_CHIP_VERSIONS[known], frozenset(words)
    return (version_from_features(words) if words else None), frozenset(words)


def apple_chip_generation(brand: str) -> int | None:
    """``Apple M4 Max`` -> 4; the bare ``Apple processor`` of Big Sur is an M1; else None."""
    if not brand.startswith("Apple"):
        return None
    for word in brand.split():
        generation = small_int(word[1:]) if word[:1] == "M" else None
        if generation is not None:
            return generation
    return 1 if brand.strip() == "Apple processor" else None


def _rank(version: str) -> int:
    # Lower rank = older version; 9.x ranks above every 8.x.
    return len(VERSIONS) - VERSIONS.index(version)


def probe(system: SystemRoot) -> ProbeResult:
    if system.machine != "aarch64":
        return ProbeResult.empty(NAMESPACE)
    if system.platform == "darwin":
        source = "sysctl hw.optional"
        text = system.sysctl()
        version, words = from_sysctl(text) if text else (None, frozenset[str]())
    else:
        source = "/proc/cpuinfo"
        text = system.read_text(source)
        version = version_from_cpuinfo(text) if text else None
        found = common_words(parse_cpuinfo(text), "features") if text else None
        words = found or frozenset()
    if text is None:
        return ProbeResult.empty(NAMESPACE, [f"aarch64: {source} could not be read; no CPU features known"])
    if version is None:
        return ProbeResult.empty(NAMESPACE, [f"aarch64: {source} shows no AArch64 CPU; no CPU features known"])
    features = make_features(NAMESPACE, supported_for(version, words))
    return ProbeResult(namespace=NAMESPACE, source=source, features=features)
