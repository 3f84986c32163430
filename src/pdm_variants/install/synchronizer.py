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

from ..lock.choice import PEP825

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
            project = environment.project
            lock = project.variants_lock()
            records = lock.records
            #: ``{name: label}`` each managed package should have installed (None: a non-variant file).
            self._wv_expected: dict[str, str | None] = {}
            for key, candidate in self.requested_candidates.items():
                name = candidate.req.key or key
                record = records.get(name)
                if record is not None and candidate.hashes:
                    label = _restrict_to_locked_choice(project, environment, candidate, record)
                    self._wv_expected[name] = label
                    _install_from_locked_index(project, name, label, record)
            if self._wv_expected:
                _report_target(project, lock.targets, self._wv_expected)

        def _should_update(self, dist: Distribution, can: Candidate) -> bool:
            name = can.req.key
            if name is not None and name in self._wv_expected and installed_label(dist) != self._wv_expected[name]:
                return True
            updated: bool = super()._should_update(dist, can)
            return updated

        def synchronize(self) -> None:
            # Fetch the managed packages' files first: a bad file stops here, environment untouched.
            if self._wv_expected and not self.dry_run:
                from .._pdm import lockfile_path
                from .preflight import fetch_locked_files

                to_add, to_update, _ = self.compare_with_working_set()
                todo = [self.candidates[key] for key in (*to_add, *to_update) if key in self.candidates]
                managed = [can for can in todo if can.req.key in self._wv_expected and can.hashes]
                lock_name = lockfile_path(self.environment.project.lockfile).name
                fetch_locked_files(self.environment, managed, self._wv_expected, lock_name)
            super().synchronize()

    VariantsSynchronizer.__name__ = VariantsSynchronizer.__qualname__ = f"Variants{base.__name__}"
    return VariantsSynchronizer


def _restrict_to_locked_choice(project: Any, environment: Any, candidate: Candidate, record: Any) -> str | None:
    """Keep only the locked files this machine may install (see ``lockchoice``); return the label."""
    from pdm.exceptions import PdmUsageError
    from rich.markup import escape

    from .._pdm import filter_hashes
    from ..lock.choice import choose_for_candidate, describe_locked, describe_supported, locked_namespaces

    supported = project.variant_wheels().supported
    choice = choose_for_candidate(record, candidate, supported, environment.spec)
    if not filter_hashes(candidate, choice.allowed):
        machine = describe_supported(supported, locked_namespaces(record))
        raise PdmUsageError(
            escape(
                f"wheel-variants: no locked file of {candidate.req.key} fits this machine. It supports: {machine}. "
                f"The lock has: {describe_locked(record)}. Add this machine as a team target with "
                "`pdm variants add-target NAME`, then run `pdm lock`"
            )
        )
    return choice.label


def _install_from_locked_index(project: Any, name: str, label: str | None, record: Any) -> None:
    """Fetch an index variant's files from the index of *label*, the locked label this machine
    gets: it may pick another label today (one the lock lacks), whose index serves the same file
    name with other bytes. The index is the configured one for *label* (a mirror set since the
    lock applies), else the one the lock recorded. Says so when *label* is not this machine's pick."""
    body = record.get("variants", {}).get(label) if label is not None else None
    if record.get("origin") == PEP825 or not isinstance(body, dict) or not body.get("index"):
        return
    plan = project.variants_plan()
    selection = plan.selection(name) if plan is not None else None
    configured = selection.package.variant(label) if selection is not None and label is not None else None
    index = configured.index if configured is not None else str(body["index"])
    project.variants_install_from(
        name, {"label": label, "index": index, "properties": list(body.get("properties", []))}
    )
    best = plan.chosen_label(name) if plan is not None else None
    if best is not None and best != label:
        project.core.ui.echo(
            f"wheel-variants: {name}: this machine's best variant {best!r} is not in the lock; installing the "
            f"locked {label!r} from {index} (run `pdm lock` to lock {best!r})",
            err=True,
        )


def _report_target(project: Any, targets: Any, expected: dict[str, str | None]) -> None:
    """Say which declared target of the lock this machine matches (same label for every package)."""
    if not targets:
        return
    matched = [
        name
        for name, body in targets.items()
        if all(body.get("packages", {}).get(package, label) == label for package, label in expected.items())
    ]
    ui = project.core.ui
    if matched:
        ui.echo(f"wheel-variants: this machine matches target {', '.join(matched)}", err=True)
    else:
        ui.echo(
            "wheel-variants: this machine matches no declared target; installing the best locked variants", err=True
        )


def make_install_manager_class(base: type[InstallManager]) -> type[InstallManager]:
    """Subclass *base* (whatever ``core.install_manager_class`` is now)."""
    if getattr(base, MARK, False):
        return base

    class VariantsInstallManager(base):  # type: ignore[valid-type,misc]
        __wheel_variants__ = True

        def install(self, candidate: Candidate) -> Distribution:
            dist: Distribution = super().install(candidate)
            project = self.environment.project
            from ..cache.wheels import commit_built_wheel

            commit_built_wheel(project, candidate)  # a wheel built for it now joins the cache
            name = candidate.req.key
            record = _installed_variant(project, name) if name is not None else None
            if record is None:
                return dist
            from .._pdm import add_to_record, dist_info_path

            dist_info = dist_info_path(dist)
            if dist_info is None:
                return dist
            add_to_record(dist_info, MARKER_FILE, (json.dumps(record, indent=2, sort_keys=True) + "\n").encode())
            return dist

    VariantsInstallManager.__name__ = VariantsInstallManager.__qualname__ = f"Variants{base.__name__}"
    return VariantsInstallManager


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
