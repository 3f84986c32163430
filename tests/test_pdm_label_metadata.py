"""How the per-label dependency pass reports a whole-wheel download (:mod:`pdm_variants.lock.metadata`):
a progress bar on a terminal, one line otherwise, nothing when ranges or PEP 658 files serve."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest

pytest.importorskip("pdm")

from pdm_variants.lock.metadata import _Downloads


class _Bar:
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def start(self) -> None:
        self.events.append(("start", None))

    def add_task(self, name: str, total: int | None) -> int:
        self.events.append(("task", total))
        return 0

    def update(self, task: int, completed: int, total: int | None) -> None:
        self.events.append(("update", completed))

    def stop(self) -> None:
        self.events.append(("stop", None))


class _UI:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.bar = _Bar()

    def echo(self, message: str, err: bool = False) -> None:
        self.lines.append(message)

    def make_progress(self, *columns: Any, **kwargs: Any) -> _Bar:
        assert kwargs["transient"] and kwargs["console"].stderr
        return self.bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_whole_wheel_download_draws_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", _Terminal())
    ui = _UI()
    with _Downloads(ui) as downloads:  # type: ignore[arg-type]
        first, second = downloads.progress("gpulib-1.0-py3-none-any-cu12.whl"), downloads.progress("g-cu13.whl")
        for received in (10, 20, 30):
            first(received * 2**20, 30 * 2**20)
        second(2**30, None)  # reads run in threads: one display, a bar for each wheel
    assert ui.bar.events == [
        ("start", None),
        ("task", 30 * 2**20),
        ("update", 10 * 2**20),
        ("update", 20 * 2**20),
        ("update", 30 * 2**20),
        ("task", None),
        ("update", 2**30),
        ("stop", None),
    ]
    assert ui.lines == []


def test_elsewhere_it_is_one_line_saying_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    ui = _UI()
    with _Downloads(ui) as downloads:  # type: ignore[arg-type]
        progress = downloads.progress("x-1.0-py3-none-any-cu12.whl")
        progress(10, 40 * 2**20)
        progress(20, 40 * 2**20)
    assert ui.lines == [
        "wheel-variants: downloading x-1.0-py3-none-any-cu12.whl (40 MiB) to read its metadata: the index "
        "serves no metadata file and no byte ranges"
    ]
    assert ui.bar.events == []


def test_nothing_is_shown_for_no_download_or_a_small_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", _Terminal())
    ui = _UI()
    with _Downloads(ui) as downloads:  # type: ignore[arg-type]
        downloads.progress("x.whl")
    with _Downloads(ui) as downloads:  # type: ignore[arg-type]
        progress = downloads.progress("small-1.0-py3-none-any.whl")
        progress(2**20, 2 * 2**20)
        progress(2 * 2**20, 2 * 2**20)
    assert (ui.lines, ui.bar.events) == ([], [])
