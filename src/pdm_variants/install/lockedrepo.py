"""This machine's view of a lock whose variants declare different dependencies.

``Project.get_locked_repository`` passes PDM's locked repository through
:func:`adapt_locked_repository`. When the lock records per-label dependencies
(``variants.<label>.dependencies``, written by :mod:`pdm_variants.lock.labeldeps`):

* each managed package's entry carries the dependencies of the label this machine installs
  (chosen from the lock alone, as the synchronizer does), which is all PDM's resolve-from-lock
  path needs;
* ``evaluate_candidates`` (PDM's install path for ``inherit_metadata`` locks, which filters by
  groups and markers without walking dependencies) also leaves out the packages that only other
  labels need: those not reachable from the project's requirements over those dependencies.

A lock without per-label dependencies is returned untouched, before any detection runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdm.models.repositories import LockedRepository, Package

    from wheel_variants.supported import SupportedProperties

__all__ = ["adapt_locked_repository", "reachable_keys"]


def _label_dependencies(records: Mapping[str, Any]) -> dict[str, dict[str, list[str]]]:
    from ..lock.labeldeps import DEPENDENCIES_KEY

    result: dict[str, dict[str, list[str]]] = {}
    for name, record in records.items():
        variants = record.get("variants", {})
        for label, body in variants.items() if isinstance(variants, Mapping) else ():
            lines = body.get(DEPENDENCIES_KEY) if isinstance(body, Mapping) else None
            if isinstance(lines, list):
                result.setdefault(name, {})[label] = [str(line) for line in lines]
    return result


def adapt_locked_repository(
    repository: LockedRepository, records: Mapping[str, Any], supported: Callable[[], SupportedProperties]
) -> None:
    """Give *repository* the chosen labels' dependencies (from the lock's variant *records*, for a
    machine that *supported* returns, asked only when a label declares its own), in place."""
    from .._pdm.seams import with_mixin
    from ..lock.choice import choose_for_candidate

    per_label = _label_dependencies(records)
    if not per_label:
        return
    spec = repository.env_spec
    machine = supported()
    for key, package in list(repository.packages.items()):
        requirement = package.candidate.req
        labels = per_label.get(requirement.key or "")
        if not labels or requirement.extras:
            continue
        choice = choose_for_candidate(records[requirement.key or ""], package.candidate, machine, spec)
        if choice.label in labels:
            repository.packages[key] = dataclasses.replace(package, dependencies=labels[choice.label])
    with_mixin(repository, _ReachableOnly)


class _ReachableOnly:
    """``evaluate_candidates`` keeping only what the project's requirements reach."""

    packages: dict[Any, Package]
    environment: Any

    def evaluate_candidates(self, groups: Collection[str], evaluate_markers: bool = True) -> Iterable[Package]:
        evaluated: Iterable[Package] = super().evaluate_candidates(groups, evaluate_markers)  # type: ignore[misc]
        keep = reachable_keys(_root_lines(self.environment.project, groups), self.packages.values())
        if keep is None:
            return evaluated
        return [package for package in evaluated if package.candidate.identify() in keep]


def _root_lines(project: Any, groups: Collection[str]) -> list[str]:
    from pdm.exceptions import ProjectError

    lines: list[str] = []
    for group in groups:
        try:
            lines.extend(requirement.as_line() for requirement in project.get_dependencies(group))
        except ProjectError:
            continue  # an extra or group the lock names that pyproject no longer has
    return lines


def reachable_keys(roots: Iterable[str], packages: Iterable[Package]) -> set[str] | None:
    """Package keys (``name`` or ``name[extras]``) reachable from the requirement lines *roots*
    over the locked *packages*' dependencies, markers ignored (PDM has judged those already).
    None when a line cannot be read: then nothing is left out."""
    from pdm.models.requirements import parse_line

    edges: dict[str, list[str]] = {}
    for package in packages:
        edges.setdefault(package.candidate.identify(), []).extend(package.dependencies or [])
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        try:
            requirement = parse_line(todo.pop())
        except Exception:  # noqa: BLE001 - any unreadable line: fall back to PDM's own answer
            return None
        for key in {requirement.identify(), requirement.key or ""} - seen:
            seen.add(key)
            todo.extend(edges.get(key, []))
    return seen
