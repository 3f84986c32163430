"""The preflight fetches locked files in threads (``pdm_variants.install.preflight``): the first
failure cancels the fetches not started, and what is left (failed or cancelled) is fetched again in
turn, so the failure reported is the first in the lock's order."""

from __future__ import annotations

import threading
import time

import pytest

pytest.importorskip("pdm")

from pdm_variants.install.preflight import _run_in_turn, _run_parallel


def _fetcher(failing: dict[int, float], delay: float = 0.02, raising: frozenset[int] = frozenset()):
    """A fetch that fails for the keys of *failing* after their delay (raises for *raising*), and
    takes *delay* otherwise; it records which item ran on which thread."""
    calls: list[tuple[int, int]] = []
    lock = threading.Lock()

    def fetch(item: int) -> str | None:
        with lock:
            calls.append((item, threading.get_ident()))
        time.sleep(failing.get(item, delay))
        if item in raising:
            raise RuntimeError(f"broke on {item}")
        return f"bad {item}" if item in failing else None

    return fetch, calls


def test_all_fetched_in_threads_nothing_left() -> None:
    fetch, calls = _fetcher({})
    assert _run_parallel(fetch, list(range(12))) == []
    assert sorted(item for item, _ in calls) == list(range(12))
    assert len({thread for _, thread in calls}) > 1


def test_the_first_failure_cancels_those_not_started() -> None:
    fetch, calls = _fetcher({2: 0.0})
    left = _run_parallel(fetch, list(range(200)))
    assert len(calls) < 200
    assert left[0] == 2 and left == sorted(left)  # the failed one, then the cancelled, in order
    assert set(left) | {item for item, _ in calls} == set(range(200))


def test_an_exception_cancels_too_and_is_raised_again_in_turn() -> None:
    fetch, calls = _fetcher({}, raising=frozenset({2}))
    left = _run_parallel(fetch, list(range(200)))
    assert len(calls) < 200 and left[0] == 2
    with pytest.raises(RuntimeError, match="broke on 2"):
        _run_in_turn(fetch, left)


def test_the_failure_reported_is_the_first_in_the_lock_s_order() -> None:
    fetch, _ = _fetcher({1: 0.2, 3: 0.0})  # 3 fails first; 1 was already running and fails too
    left = _run_parallel(fetch, list(range(5)))
    assert left[:2] == [1, 3]
    assert _run_in_turn(fetch, left) == "bad 1"


def test_in_turn_stops_at_the_first_failure() -> None:
    fetch, calls = _fetcher({1: 0.0}, delay=0.0)
    assert _run_in_turn(fetch, list(range(5))) == "bad 1"
    assert [item for item, _ in calls] == [0, 1]
