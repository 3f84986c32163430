"""Installing the chosen variant: synchronizer and install-manager subclasses.

* Before PDM picks a link, each managed candidate keeps only the locked files of the variant this
  machine selects (a lock may hold several variants of one version, same filename included).
* A package whose installed variant differs from the selected one is reinstalled, even at the
  same version (plain PDM compares versions only).
* After installing, ``<dist-info>/wheel-variant.json`` records the label; it is listed in RECORD
  so that uninstalling removes it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.metadata import Distribution

    from pdm.installers import BaseSynchronizer, InstallManager
    from pdm.models.candidates import Candidate

__all__ = ["MARKER_FILE", "installed_label", "make_install_manager_class", "make_synchronizer_class"]

MARKER_FILE = "wheel-variant.json"
MARK = "__wheel_variants__"


def installed_label(dist: Distribution) -> str | None:
    """The variant label an installed distribution records, if any."""
    text = dist.read_text(MARKER_FILE)
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    label = data.get("label") if isinstance(data, dict) else None
    return label if isinstance(label, str) else None


def make_synchronizer_class(base: type[BaseSynchronizer]) -> type[BaseSynchronizer]:
    if getattr(base, MARK, False):
        return base

    class VariantsSynchronizer(base):  # type: ignore[valid-type,misc]
        __wheel_variants__ = True

        def __init__(self, environment: Any, *args: Any, **kwargs: Any) -> None:
            super().__init__(environment, *args, **kwargs)
            from pdm.exceptions import PdmUsageError

            from ._pdm import filter_hashes, lockfile_path
            from .lockdata import locked_labels, locked_variant_files

            project = environment.project
            plan = project.variants_plan()
            self._wv_plan = plan
            if plan is None:
                return
            lock = project.lockfile.open_for_read()
            for key, candidate in self.requested_candidates.items():
                name = candidate.req.key or key
                label = plan.chosen_label(name) if name in plan.names else None
                if label is None or not candidate.hashes:
                    continue
                files = locked_variant_files(lock, name, label)
                if files is None or not filter_hashes(candidate, files):
                    recorded = ", ".join(locked_labels(lock, name)) or "none"
                    raise PdmUsageError(
                        f"wheel-variants: {lockfile_path(project.lockfile).name} has no files of variant {label!r} for "
                        f"{name} (locked: {recorded}); run `pdm lock` on this machine"
                    )

        def _should_update(self, dist: Distribution, can: Candidate) -> bool:
            plan = self._wv_plan
            name = can.req.key
            if plan is not None and name is not None and name in plan.names:
                wanted = plan.chosen_label(name)
                if wanted is not None and installed_label(dist) != wanted:
                    return True
            updated: bool = super()._should_update(dist, can)
            return updated

    VariantsSynchronizer.__name__ = VariantsSynchronizer.__qualname__ = f"Variants{base.__name__}"
    return VariantsSynchronizer


def make_install_manager_class(base: type[InstallManager]) -> type[InstallManager]:
    """Subclass *base* (whatever ``core.install_manager_class`` is now)."""
    if getattr(base, MARK, False):
        return base

    class VariantsInstallManager(base):  # type: ignore[valid-type,misc]
        __wheel_variants__ = True

        def install(self, candidate: Candidate) -> Distribution:
            dist: Distribution = super().install(candidate)
            project = self.environment.project
            plan = project.variants_plan() if hasattr(project, "variants_plan") else None
            name = candidate.req.key
            if plan is None or name is None or name not in plan.names:
                return dist
            selection = plan.selection(name)
            chosen = selection.chosen if selection is not None else None
            if chosen is None:
                return dist
            from ._pdm import add_to_record, dist_info_path

            dist_info = dist_info_path(dist)
            if dist_info is None:
                return dist
            record = {
                "label": chosen.label,
                "index": chosen.index,
                "properties": [str(p) for p in sorted(chosen.properties)],
            }
            add_to_record(dist_info, MARKER_FILE, (json.dumps(record, indent=2, sort_keys=True) + "\n").encode())
            return dist

    VariantsInstallManager.__name__ = VariantsInstallManager.__qualname__ = f"Variants{base.__name__}"
    return VariantsInstallManager
