"""Pure parsers for Linux ``/proc/cpuinfo`` text (x86-64 ``flags`` and AArch64 ``Features``)."""

from __future__ import annotations

__all__ = ["CpuStanza", "aarch64_cpu_parts", "common_words", "parse_cpuinfo"]

CpuStanza = dict[str, str]


def parse_cpuinfo(text: str) -> list[CpuStanza]:
    """Split cpuinfo text into one ``{key: value}`` dict per CPU (keys lowercased and stripped).

    Stanzas are separated by blank lines; key padding (tabs or spaces) varies between kernels.
    """
    stanzas: list[CpuStanza] = []
    current: CpuStanza = {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                stanzas.append(current)
                current = {}
            continue
        key, separator, value = line.partition(":")
        if not separator:
            continue
        current[key.strip().lower()] = value.strip()
    if current:
        stanzas.append(current)
    return stanzas


def common_words(stanzas: list[CpuStanza], key: str) -> frozenset[str] | None:
    """Words of *key* present on every CPU that has the key (None when no CPU has it).

    Real dumps can differ per CPU (hybrid parts, hot-plugged CPUs); the intersection is what
    every CPU a process may be scheduled on supports.
    """
    result: frozenset[str] | None = None
    for stanza in stanzas:
        if key not in stanza:
            continue
        words = frozenset(stanza[key].lower().split())
        result = words if result is None else result & words
    return result


def aarch64_cpu_parts(stanzas: list[CpuStanza]) -> frozenset[tuple[int, int]]:
    """The distinct ``(CPU implementer, CPU part)`` pairs of an AArch64 dump (unparsable ones skipped)."""
    parts: set[tuple[int, int]] = set()
    for stanza in stanzas:
        implementer = _hex(stanza.get("cpu implementer"))
        part = _hex(stanza.get("cpu part"))
        if implementer is not None and part is not None:
            parts.add((implementer, part))
    return frozenset(parts)


def _hex(text: str | None) -> int | None:
    if not text:
        return None
    try:
        return int(text, 16)
    except ValueError:
        return None
