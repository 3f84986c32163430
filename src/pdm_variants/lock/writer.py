"""Build ``[metadata.wheel-variants]`` for a lock being written: index variants, PEP 825 wheels, targets.

Called by ``Project.write_lockfile`` on the document PDM is about to write (``pdm.lock`` or
``pylock.toml``); see :mod:`pdm_variants.lock.table` for the shape.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..plan import VariantPlan

__all__ = ["variants_table"]


def variants_table(
    project: Any, document: MutableMapping[str, Any], previous: Mapping[str, Any], plan: VariantPlan | None
) -> dict[str, Any] | None:
    """The table for *document* (a tomlkit document; team targets may add locked files to it).

    *previous* is the lock before this write: labels recorded there (by other machines) are kept
    for the files that are still locked.
    """
    from wheel_variants.config import TargetSpec

    from .._pdm import lock_packages
    from .labeldeps import lock_label_dependencies
    from .pep825 import pep825_records
    from .pylock import as_lock_document
    from .table import SCHEMA, lock_variants_table, locked_records, shared_files
    from .targets import TargetPlan, add_target_files, target_records

    targets = project.variants_targets()
    # This machine's own choice is fetched like a target's: with `--update-reuse` (or `pdm install`
    # re-locking on new hardware) PDM keeps the old files, which belong to another label.
    machine = [TargetPlan(TargetSpec(name="this machine"), plan.supported, None, plan)] if plan is not None else []
    fetched = [*machine, *targets]
    added = add_target_files(project, document, fetched) if fetched else {}
    if plan is not None:  # the variant without properties, so that any machine can install from any lock
        for name, labels in add_target_files(project, document, [_fallback(plan)], required=False).items():
            added.setdefault(name, {}).update(labels)
    plain = document.unwrap() if hasattr(document, "unwrap") else dict(document)
    table = lock_variants_table(plain, previous, plan) if plan is not None else None
    table = table or {"schema": SCHEMA, "packages": {}}
    packages: dict[str, Any] = table["packages"]
    shared = shared_files(plain)
    for name, labels in added.items():
        _set_labels(packages.setdefault(name, _new_record(plan, name)), labels, shared)
    old = {**locked_records(previous), **locked_records(plain)}
    entries = lock_packages(as_lock_document(plain))
    for name, record in pep825_records(entries, project.variant_wheels().seen, old).items():
        packages.setdefault(name, record)
    if not packages:
        return None
    table["packages"] = dict(sorted(packages.items()))
    lock_label_dependencies(project, document, table["packages"])
    if targets:
        table["targets"] = target_records(targets, table, _files_by_package(entries))
    return table


def _fallback(plan: VariantPlan) -> Any:
    """A machine with no variant properties on this platform: it gets each package's fallback."""
    from wheel_variants.config import TargetSpec
    from wheel_variants.supported import SupportedProperties

    from ..plan import make_plan
    from .targets import TargetPlan

    nothing = SupportedProperties.from_dict({})
    return TargetPlan(
        TargetSpec(name="fallback"), nothing, None, make_plan((s.package for s in plan.selections), nothing)
    )


def _new_record(plan: VariantPlan | None, name: str) -> dict[str, Any]:
    """An index-variant record for a package no variant of which fits the locking machine."""
    selection = plan.selection(name) if plan is not None else None
    if selection is None:
        return {"variants": {}}
    record: dict[str, Any] = {"origin": selection.package.origin, "variants": {}}
    if selection.package.namespace_priorities:
        record["namespace-priorities"] = list(selection.package.namespace_priorities)
    return record


def _set_labels(record: dict[str, Any], labels: Mapping[str, Any], shared: set[str]) -> None:
    """Record the target-chosen *labels*; their files belong to them alone (sdists, *shared*, to all)."""
    variants: dict[str, Any] = record.setdefault("variants", {})
    taken = {digest for body in labels.values() for digest in body["files"]} - shared
    for label, body in list(variants.items()):
        if label not in labels:
            kept = [digest for digest in body.get("files", []) if digest not in taken]
            if kept:
                variants[label] = {**body, "files": kept}
            else:
                del variants[label]
    variants.update(labels)
    record["variants"] = dict(sorted(variants.items()))


def _files_by_package(entries: list[Mapping[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    from wheel_variants.packages import normalize_name

    files: dict[str, list[tuple[str, str]]] = {}
    for entry in entries:
        for item in entry.get("files", []) or []:
            if isinstance(item, Mapping) and isinstance(item.get("hash"), str):
                name = item.get("file") or str(item.get("url", "")).rsplit("/", 1)[-1]
                files.setdefault(normalize_name(str(entry.get("name"))), []).append((name, item["hash"]))
    return files
