"""The preflight fetches locked files in threads (``pdm_variants.install.preflight``): the first
failure stops the fetches not started, and the failure reported is the first in the lock's order."""

from __future__ import annotations

import threading
import time

import pytest

pytest.importorskip("pdm")

from pdm_variants.install.preflight import _run_in_turn, _run_parallel


def _fetcher(failing: dict[int, float], delay: float = 0.02):
    """A fetch that fails for the keys of *failing* after their delay, and takes *delay* otherwise."""
    calls: list[int] = []
    lock = threading.Lock()

    def fetch(item: int) -> str | None:
        with lock:
            calls.append(item)
        time.sleep(failing.get(item, delay))
        return f"bad {item}" if item in failing else None

    return fetch, calls


def test_all_fetched_in_threads_no_failure() -> None:
    fetch, calls = _fetcher({})
    started = time.perf_counter()
    assert _run_parallel(fetch, list(range(12))) == []
    assert sorted(calls) == list(range(12))
    assert time.perf_counter() - started < 12 * 0.02  # not one after another


def test_the_first_failure_cancels_those_not_started() -> None:
    fetch, calls = _fetcher({2: 0.0})
    assert _run_parallel(fetch, list(range(200))) == ["bad 2"]
    assert len(calls) < 200


def test_failures_are_reported_in_the_lock_s_order() -> None:
    fetch, _ = _fetcher({1: 0.2, 3: 0.0})  # 3 fails first; 1 was already running
    assert _run_parallel(fetch, list(range(5)))[0] == "bad 1"


def test_in_turn_stops_at_the_first_failure() -> None:
    fetch, calls = _fetcher({1: 0.0}, delay=0.0)
    assert _run_in_turn(fetch, list(range(5))) == ["bad 1"]
    assert calls == [0, 1]
