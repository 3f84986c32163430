"""Installing the chosen variant: the synchronizer, the one source of truth for which locked label
this machine installs.

* Before PDM picks a link, each managed candidate keeps only the locked files of the variant this
  machine selects (a lock may hold several variants of one version, same filename included); an
  index variant is fetched from the index of that locked label, which the install manager then
  records (:mod:`pdm_variants.install.manager`).
* A package whose installed variant differs from the selected one is reinstalled, even at the
  same version (plain PDM compares versions only).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.metadata import Distribution

    from pdm.installers import BaseSynchronizer
    from pdm.models.candidates import Candidate
    from pdm.models.markers import EnvSpec
    from pdm.termui import UI

    from wheel_variants.supported import SupportedProperties

from .._pdm.install import SynchronizerSeams
from .._pdm.seams import variant_subclass
from ..lock.table import PEP825_ORIGIN
from .manager import installed_label

__all__ = ["VariantsSynchronizer", "make_synchronizer_class"]


class VariantsSynchronizer(SynchronizerSeams):
    """The variant behaviour of PDM's synchronizer, as a mixin placed before PDM's class (see
    :func:`make_synchronizer_class`)."""

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
                supported = project.variant_wheels().supported  # detection runs once, on first need
                label = _restrict_to_locked_choice(supported, environment.spec, candidate, record)
                self._wv_expected[name] = label
                _install_from_locked_index(project, name, label, record)
        if self._wv_expected:
            _report_target(project.core.ui, lock.targets, self._wv_expected)

    def wv_must_reinstall(self, dist: Distribution, can: Candidate) -> bool:
        """Another variant than the locked choice is installed (PDM compares versions only)."""
        name = can.req.key
        return name is not None and name in self._wv_expected and installed_label(dist) != self._wv_expected[name]

    def compare_with_working_set(self) -> tuple[list[str], list[str], list[str]]:
        # The preflight's comparison serves PDM's next ask (the start of its synchronize) once.
        comparison = self.__dict__.pop("_wv_comparison", None)
        if comparison is None:
            comparison = super().compare_with_working_set()
        return comparison  # type: ignore[no-any-return]

    def synchronize(self) -> None:
        # Fetch the managed packages' files first: a bad file stops here, environment untouched.
        if self._wv_expected and not self.dry_run:
            from .._pdm.lockfile import lockfile_path
            from .preflight import fetch_locked_files

            comparison = self.__dict__["_wv_comparison"] = self.compare_with_working_set()
            to_add, to_update, _ = comparison
            todo = [self.candidates[key] for key in (*to_add, *to_update) if key in self.candidates]
            managed = [can for can in todo if can.req.key in self._wv_expected and can.hashes]
            lock_name = lockfile_path(self.environment.project.lockfile).name
            fetch_locked_files(self.environment, managed, self._wv_expected, lock_name)
        super().synchronize()


def make_synchronizer_class(base: type[BaseSynchronizer]) -> type[BaseSynchronizer]:
    """Subclass *base* (the synchronizer PDM picked, ``use_uv`` aside)."""
    return variant_subclass(base, VariantsSynchronizer)


def _restrict_to_locked_choice(
    supported: SupportedProperties, spec: EnvSpec, candidate: Candidate, record: Mapping[str, Any]
) -> str | None:
    """Keep only the locked files a machine that *supported* on environment *spec* may install
    (see :mod:`pdm_variants.lock.choice`); return the label."""
    from pdm.exceptions import PdmUsageError
    from rich.markup import escape

    from .._pdm.candidates import filter_hashes
    from ..lock.choice import choose_for_candidate, describe_locked, describe_supported, locked_namespaces

    choice = choose_for_candidate(record, candidate, supported, spec)
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
    if record.get("origin") == PEP825_ORIGIN or not isinstance(body, dict) or not body.get("index"):
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


def _report_target(ui: UI, targets: Mapping[str, Mapping[str, Any]], expected: dict[str, str | None]) -> None:
    """Say which declared target of the lock this machine matches (same label for every package)."""
    if not targets:
        return
    matched = [
        name
        for name, body in targets.items()
        if all(body.get("packages", {}).get(package, label) == label for package, label in expected.items())
    ]
    if matched:
        ui.echo(f"wheel-variants: this machine matches target {', '.join(matched)}", err=True)
    else:
        ui.echo(
            "wheel-variants: this machine matches no declared target; installing the best locked variants", err=True
        )
