"""Pure parser for macOS ``sysctl`` output (``key: value`` lines)."""

from __future__ import annotations

__all__ = ["parse_sysctl", "sysctl_flag"]


def parse_sysctl(text: str) -> dict[str, str]:
    """Parse ``key: value`` (or ``key = value``) lines; later duplicates win."""
    result: dict[str, str] = {}
    for line in text.splitlines():
        key, separator, value = line.partition(": ")
        if not separator:
            key, separator, value = line.partition(" = ")
        if separator and key.strip():
            result[key.strip()] = value.strip()
    return result


def sysctl_flag(values: dict[str, str], key: str) -> bool:
    """True when an ``hw.optional.*`` key is present and reads ``1``."""
    return values.get(key, "0").strip() == "1"
