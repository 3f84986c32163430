"""After installing a managed package: record the installed variant, and keep a wheel built for it.

``<dist-info>/wheel-variant.json`` records the label (and its index and properties) the
synchronizer chose from the lock; it is listed in ``RECORD`` so that uninstalling removes it.
:func:`installed_label` reads it back, or a PEP 825 wheel's own ``variant.json``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .._pdm.seams import variant_subclass

if TYPE_CHECKING:
    from importlib.metadata import Distribution

    from pdm.installers import InstallManager
    from pdm.models.candidates import Candidate

__all__ = ["MARKER_FILE", "VariantsInstallManager", "installed_label", "make_install_manager_class"]

MARKER_FILE = "wheel-variant.json"


def installed_label(dist: Distribution) -> str | None:
    """The variant label of an installed distribution: our marker (index variants), else the
    wheel's own PEP 825 ``variant.json`` (one label); None for a non-variant install."""
    for name, read in ((MARKER_FILE, _marker_label), ("variant.json", _variant_json_label)):
        text = dist.read_text(name)
        if text:
            try:
                return read(json.loads(text))
            except ValueError:
                return None
    return None


def _marker_label(data: object) -> str | None:
    label = data.get("label") if isinstance(data, dict) else None
    return label if isinstance(label, str) else None


def _variant_json_label(data: object) -> str | None:
    variants = data.get("variants") if isinstance(data, dict) else None
    return next(iter(variants)) if isinstance(variants, dict) and len(variants) == 1 else None


class VariantsInstallManager:
    """The variant behaviour of PDM's install manager, as a mixin placed before PDM's class."""

    def install(self, candidate: Candidate) -> Distribution:
        dist: Distribution = super().install(candidate)  # type: ignore[misc]
        project = self.environment.project  # type: ignore[attr-defined]
        from ..cache.wheels import commit_built_wheel

        commit_built_wheel(project, candidate)  # a wheel built for it now joins the cache
        name = candidate.req.key
        record = _installed_variant(project, name) if name is not None else None
        if record is None:
            return dist
        from wheel_variants.distinfo import add_to_record

        from .._pdm.install import dist_info_path

        dist_info = dist_info_path(dist)
        if dist_info is None:
            return dist
        add_to_record(dist_info, MARKER_FILE, (json.dumps(record, indent=2, sort_keys=True) + "\n").encode())
        return dist


def make_install_manager_class(base: type[InstallManager]) -> type[InstallManager]:
    """Subclass *base* (whatever ``core.install_manager_class`` is now)."""
    return variant_subclass(base, VariantsInstallManager)


def _installed_variant(project: Any, name: str) -> dict[str, Any] | None:
    """What ``wheel-variant.json`` records for *name*: the locked variant being installed, else
    (an install without a lock entry, such as a build) this machine's choice; None when unmanaged."""
    if not hasattr(project, "variants_plan"):
        return None
    installing: dict[str, Any] | None = project.variants_installing(name)
    if installing is not None:
        return installing
    plan = project.variants_plan()
    selection = plan.selection(name) if plan is not None else None
    chosen = selection.chosen if selection is not None else None
    if chosen is None:
        return None
    return {"label": chosen.label, "index": chosen.index, "properties": [str(p) for p in sorted(chosen.properties)]}
