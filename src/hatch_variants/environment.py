"""Apply a variant's build environment to the process and restore it afterwards."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

__all__ = ["environment_applied", "variant_environment"]


def environment_applied(env: Mapping[str, str]) -> bool:
    """True when every variable of *env* already has its value in ``os.environ``."""
    return all(os.environ.get(name) == value for name, value in env.items())


@contextmanager
def variant_environment(env: Mapping[str, str]) -> Iterator[None]:
    """Set *env* in ``os.environ`` (so native build hooks and their subprocesses see it), then restore."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
