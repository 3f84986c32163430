"""Build ``[metadata.wheel-variants]`` for a lock being written: index variants, PEP 825 wheels, targets.

The one writer of the plugin's lock tables, called by ``Project.write_lockfile`` on the document
PDM is about to write (``pdm.lock`` or ``pylock.toml``); see :mod:`pdm_variants.lock.table` for
the shape.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..plan import VariantPlan
    from .document import LockDocument

__all__ = ["write_variant_tables"]


def write_variant_tables(
    project: Any, document: MutableMapping[str, Any], previous: LockDocument, plan: VariantPlan | None
) -> dict[str, Any] | None:
    """Replace the plugin's tables in *document* (the tomlkit ``pdm.lock`` or ``pylock.toml`` PDM is
    about to write) with :func:`variants_table`'s; that table (None when there is none).

    In a ``pdm.lock`` the table goes in as text (:mod:`pdm_variants.lock.tomltext`), in the form
    of :mod:`pdm_variants.lock.schema`: readers of the in-memory *document* do not see it, the
    returned table (the whole shape) is what they should read."""
    from .document import LockDocument, is_pylock
    from .pylock import record_in_pylock
    from .schema import compact_table
    from .table import KEY

    table = variants_table(project, document, previous, plan)
    if is_pylock(document):
        record_in_pylock(document, table)
        return table
    metadata = document.get("metadata")
    if metadata is None:
        return table
    if KEY in metadata:
        del metadata[KEY]
    if table is not None:
        # The files as written: the per-label pass may have added entries since the table was made.
        written = LockDocument.from_data(document.unwrap() if hasattr(document, "unwrap") else dict(document))
        _add_table(metadata, compact_table(table, written.named_files()))
    return table


def _add_table(metadata: Any, table: dict[str, Any]) -> None:
    """Set ``[metadata.wheel-variants]``: as text when this tomlkit takes it, else as tomlkit items."""
    from .table import KEY
    from .tomltext import Unrendered, add_table_text, raw_text_supported, remove_table_text, render_table

    if raw_text_supported():
        try:
            text = render_table(("metadata", KEY), table)
            remove_table_text(metadata)  # an earlier write of this document in the same command
            add_table_text(metadata, text)
            return
        except (Unrendered, AttributeError):  # AttributeError: not a tomlkit table (as PDM writes today)
            pass
    import tomlkit

    metadata[KEY] = tomlkit.item(table)


def variants_table(
    project: Any, document: MutableMapping[str, Any], previous: LockDocument, plan: VariantPlan | None
) -> dict[str, Any] | None:
    """The table for *document* (a tomlkit document; team targets may add locked files to it).

    *previous* is the lock before this write: labels recorded there (by other machines) are kept
    for the files that are still locked.
    """
    from wheel_variants.config import TargetSpec

    from .document import LockDocument
    from .labeldeps import lock_label_dependencies
    from .pep825 import pep825_records
    from .table import lock_variants_table
    from .targets import TargetPlan, add_target_files, target_records

    targets = project.variants_targets()
    releases, warn = project.variants_release_files(), project.core.ui.warn
    # This machine's own choice is fetched like a target's: with `--update-reuse` (or `pdm install`
    # re-locking on new hardware) PDM keeps the old files, which belong to another label.
    machine = [TargetPlan(TargetSpec(name="this machine"), plan.supported, None, plan)] if plan is not None else []
    fetched = [*machine, *targets]
    added = add_target_files(releases, warn, document, fetched) if fetched else {}
    if plan is not None:  # the variant without properties, so that any machine can install from any lock
        fallback = add_target_files(releases, warn, document, [_fallback(plan)], required=False)
        for name, labels in fallback.items():
            added.setdefault(name, {}).update(labels)
    plain = document.unwrap() if hasattr(document, "unwrap") else dict(document)
    lock = LockDocument.from_data(plain)  # the lock being written, read once, files of targets included
    table = lock_variants_table(lock, previous, plan) if plan is not None else None
    table = table or {"packages": {}}
    packages: dict[str, Any] = table["packages"]
    shared = lock.shared_files()
    for name, labels in added.items():
        _set_labels(packages.setdefault(name, _new_record(plan, name)), labels, shared)
    old = {**previous.records, **lock.records}
    for name, record in pep825_records(lock.packages, project.variant_wheels().seen, old).items():
        packages.setdefault(name, record)
    if not packages:
        return None
    table["packages"] = dict(sorted(packages.items()))
    lock_label_dependencies(project, document, lock, table["packages"])
    if targets:
        table["targets"] = target_records(targets, table, lock.named_files())
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
