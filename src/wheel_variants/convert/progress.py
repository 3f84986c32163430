"""How ``convert`` reports files as they arrive; the command line draws it (the core never prints)."""

from __future__ import annotations

from typing import Protocol

__all__ = ["Progress", "SilentProgress"]


class Progress(Protocol):
    """What the command shows while files arrive (a bar on a terminal, a line per file otherwise)."""

    def start(self, label: str, filename: str) -> None: ...
    def size(self, total: int | None) -> None: ...
    def advance(self, count: int) -> None: ...
    def done(self, label: str, filename: str, outcome: str) -> None: ...


class SilentProgress:
    """A :class:`Progress` that reports nothing (subclass it to report only some events)."""

    def start(self, label: str, filename: str) -> None:
        pass

    def size(self, total: int | None) -> None:
        pass

    def advance(self, count: int) -> None:
        pass

    def done(self, label: str, filename: str, outcome: str) -> None:
        pass
