"""Print what the finder left out while locking (a wheel whose label is only dots), once per run.

The finder has no UI: it keeps its warnings on the project's :class:`~pdm_variants.find.finder.VariantWheels`.
PDM's public ``post_lock`` signal hands over the project once a lock is resolved and written.
"""

from __future__ import annotations

from typing import Any

__all__ = ["connect_finder_warnings", "print_finder_warnings"]


def connect_finder_warnings() -> None:
    """Print the finder's warnings after every lock (connecting twice changes nothing)."""
    from pdm.signals import post_lock

    post_lock.connect(print_finder_warnings)


def print_finder_warnings(project: Any, **_: Any) -> None:
    """The ``post_lock`` receiver: each pending warning as one line through PDM's UI."""
    variant_wheels = getattr(project, "variant_wheels", None)
    if variant_wheels is None:  # a project the plugin does not manage (disabled, another Core)
        return
    from rich.markup import escape

    for line in variant_wheels().take_warnings():
        project.core.ui.warn(escape(line))
