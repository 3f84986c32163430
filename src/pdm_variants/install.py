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


def make_synchronizer_class(base: type[BaseSynchronizer]) -> type[BaseSynchronizer]:
    if getattr(base, MARK, False):
        return base

    class VariantsSynchronizer(base):  # type: ignore[valid-type,misc]
        __wheel_variants__ = True

        def __init__(self, environment: Any, *args: Any, **kwargs: Any) -> None:
            super().__init__(environment, *args, **kwargs)
            from .lockdata import locked_records
            from .pep825 import ORIGIN

            project = environment.project
            plan = project.variants_plan()
            lock = project.lockfile.open_for_read()
            records = locked_records(lock)
            #: ``{name: label}`` each managed package should have installed (None: a non-variant file).
            self._wv_expected: dict[str, str | None] = {}
            for key, candidate in self.requested_candidates.items():
                name = candidate.req.key or key
                if not candidate.hashes:
                    continue
                record = records.get(name)
                if plan is not None and name in plan.names and (record or {}).get("origin") != ORIGIN:
                    self._wv_expected[name] = _restrict_to_index_variant(project, lock, candidate, plan)
                elif isinstance(record, dict) and record.get("origin") == ORIGIN:
                    self._wv_expected[name] = _restrict_to_best_wheels(project, environment, candidate, record)

        def _should_update(self, dist: Distribution, can: Candidate) -> bool:
            name = can.req.key
            if name is not None and name in self._wv_expected and installed_label(dist) != self._wv_expected[name]:
                return True
            updated: bool = super()._should_update(dist, can)
            return updated

    VariantsSynchronizer.__name__ = VariantsSynchronizer.__qualname__ = f"Variants{base.__name__}"
    return VariantsSynchronizer


def _restrict_to_index_variant(project: Any, lock: Any, candidate: Candidate, plan: Any) -> str | None:
    """Keep only the locked files of the index variant this machine selects; return its label."""
    from pdm.exceptions import PdmUsageError

    from ._pdm import filter_hashes, lockfile_path
    from .lockdata import locked_labels, locked_variant_files

    name = candidate.req.key
    label: str | None = plan.chosen_label(name)
    if label is None:
        return None
    files = locked_variant_files(lock, name, label)
    if files is None or not filter_hashes(candidate, files):
        recorded = ", ".join(locked_labels(lock, name)) or "none"
        raise PdmUsageError(
            f"wheel-variants: {lockfile_path(project.lockfile).name} has no files of variant {label!r} for "
            f"{name} (locked: {recorded}); run `pdm lock` on this machine"
        )
    return label


def _restrict_to_best_wheels(project: Any, environment: Any, candidate: Candidate, record: Any) -> str | None:
    """Keep the locked PEP 825 wheels this machine supports (and non-variant files); return the
    label the finder will then pick."""
    from pdm.exceptions import PdmUsageError

    from ._pdm import filter_hashes, locked_file_names
    from .pep825 import choose_locked_file

    files = locked_file_names(candidate)
    spec = environment.spec
    choice = choose_locked_file(
        record, files, project.variant_wheels().supported, lambda name: spec.wheel_compatibility(name) is not None
    )
    if not filter_hashes(candidate, choice.allowed):
        locked = ", ".join(sorted(record.get("variants", {}))) or "none"
        raise PdmUsageError(
            f"wheel-variants: no locked file of {candidate.req.key} fits this machine "
            f"(locked variants: {locked}; none supported here, and no non-variant file); "
            "run `wheel-variants explain` to see why"
        )
    return choice.label


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
