"""Did-you-mean hints for misspelled keys, features and labels (one wording everywhere)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["did_you_mean", "unknown_key"]

_CUTOFF = 0.6


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'targets'?"`` for the closest choice (all equally close ones, up to three);
    empty when none is close (difflib's ratio below 0.6)."""
    scored = []
    for choice in sorted(set(choices)):
        matcher = difflib.SequenceMatcher(None, word, choice)
        if matcher.real_quick_ratio() >= _CUTOFF and matcher.quick_ratio() >= _CUTOFF:
            score = matcher.ratio()
            if score >= _CUTOFF:
                scored.append((score, choice))
    if not scored:
        return ""
    best = max(score for score, _ in scored)
    close = [choice for score, choice in scored if score == best][:3]  # ties: cu12 -> cu126 or cu128
    return f"; did you mean {' or '.join(repr(choice) for choice in close)}?"


def unknown_key(key: object, expected: Iterable[str], where: str) -> str:
    """One line: ``"{where}: unknown key 'targts'; did you mean 'targets'? (expected one of [...])"``."""
    known = sorted(set(expected))
    return f"{where}: unknown key {key!r}{did_you_mean(str(key), known)} (expected one of {known})"
