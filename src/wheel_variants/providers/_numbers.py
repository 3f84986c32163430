"""Decimal numbers from untrusted text, bounded in length.

``int()`` of a 5000-digit string raises ``ValueError`` (Python's digit limit) and ``str.isdigit``
accepts digits such as ``'²'`` that ``int`` refuses: every parser reads numbers through here.
"""

from __future__ import annotations

__all__ = ["small_int"]


def small_int(text: str, max_digits: int = 9) -> int | None:
    """*text* (ASCII digits only, at most *max_digits* of them) as an int; None otherwise."""
    if not text or len(text) > max_digits or not text.isascii() or not text.isdigit():
        return None
    return int(text)
