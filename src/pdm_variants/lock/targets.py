"""Team locks: every target of ``[tool.wheel-variants.targets]`` in the one ``pdm.lock``.

PDM resolves once, for this machine. Each declared target then gets its own variant choice
(its supported properties, its platform's markers); an index variant a target picks that the lock
does not hold yet has its files for the *same pinned version* fetched from its index (one index
page per package and target, no hardware needed) and added to the package's locked files.
PEP 825 packages need nothing more: their lock already holds every label. The lock records, per
target, the label each managed package gets::

    [metadata.wheel-variants.targets.alice]
    source = "target-files/alice.json"
    packages = { llama-cpp-python = "cu124", gpu-demo = "cu128" }
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wheel_variants.packages import normalize_name

if TYPE_CHECKING:
    from wheel_variants.config import TargetSpec, VariantsConfig
    from wheel_variants.packages import IndexVariant
    from wheel_variants.supported import SupportedProperties

    from ..plan import VariantPlan
    from .releases import ReleaseFiles

__all__ = ["TargetPlan", "add_target_files", "read_targets", "target_records"]


@dataclass(frozen=True, slots=True)
class TargetPlan:
    """One declared target: its supported properties and the index-variant plan they give."""

    spec: TargetSpec
    supported: SupportedProperties
    markers: Mapping[str, str] | None
    plan: VariantPlan | None


def read_targets(project: Any, plan: VariantPlan | None) -> list[TargetPlan]:
    """The declared targets of *project*, each with its plan for the packages *plan* manages."""
    from wheel_variants.config import find_pyproject, read_config
    from wheel_variants.detection.targets import load_target

    from .._pdm.sources import platform_marker_environment
    from ..plan import make_plan

    config: VariantsConfig = read_config(find_pyproject(project.root))
    targets = []
    for spec in config.targets:
        supported = load_target(spec.name, config).supported
        markers = platform_marker_environment(project, spec.platform) if spec.platform else None
        target_plan = make_plan((s.package for s in plan.selections), supported, markers) if plan else None
        targets.append(TargetPlan(spec, supported, markers, target_plan))
    return targets


def _locked_versions(document: Mapping[str, Any]) -> dict[str, MutableMapping[str, Any]]:
    packages = document.get("package", [])
    return {
        normalize_name(entry["name"]): entry
        for entry in (packages if isinstance(packages, list) else [])
        if isinstance(entry, MutableMapping) and isinstance(entry.get("name"), str)
    }


def add_target_files(
    releases: ReleaseFiles,
    warn: Callable[[str], None],
    document: MutableMapping[str, Any],
    targets: list[TargetPlan],
    *,
    required: bool = True,
) -> dict[str, Any]:
    """Add to *document* (the ``pdm.lock`` or ``pylock.toml`` being written) the files of every index
    variant a target picks (from *releases*); return ``{package: {label: record}}`` for those labels.
    An index without the locked version stops the lock, or (not *required*: the fallback variant)
    is one line given to *warn*."""
    from pdm.exceptions import PdmUsageError

    from .document import is_pylock
    from .pylock import add_pylock_files, pylock_entries

    pylock = is_pylock(document)
    entries = pylock_entries(document) if pylock else _locked_versions(document)
    added: dict[str, dict[str, Any]] = {}
    for target in targets:
        if target.plan is None:
            continue
        for selection in target.plan.selections:
            chosen, name = selection.chosen, selection.package.name
            entry = entries.get(name)
            if chosen is None or entry is None or chosen.label in added.get(name, {}):
                continue
            files = releases.on_index(name, str(entry["version"]), chosen)
            if not files and not required:
                warn(
                    f"wheel-variants: the lock has no {chosen.label!r} build of {name}: {chosen.index} has no "
                    f"{name} {entry['version']}, so a machine no locked variant fits cannot install it"
                )
                continue
            if not files:
                raise PdmUsageError(
                    f"wheel-variants: target {target.spec.name!r} needs {name} {entry['version']} from "
                    f"{chosen.index} (variant {chosen.label!r}), which has no file of it for this project"
                )
            if pylock:  # PEP 751 `wheels`/`sdist` entries
                files = add_pylock_files(entry, files)
            else:
                locked = entry.setdefault("files", [])
                static = any("url" in item for item in locked)
                known = {item.get("hash") for item in locked}
                for item in files:
                    if item["hash"] not in known:
                        locked.append({"url": item["url"], "hash": item["hash"]} if static else _file_entry(item))
            record = {**_variant_record(chosen), "files": sorted({f["hash"] for f in files})}
            added.setdefault(name, {})[chosen.label] = record
    return added


def _file_entry(item: Mapping[str, str]) -> dict[str, str]:
    return {"file": item["file"], "hash": item["hash"]}


def _variant_record(variant: IndexVariant) -> dict[str, Any]:
    record: dict[str, Any] = {"index": variant.index}
    if variant.properties:
        record["properties"] = [str(p) for p in sorted(variant.properties)]
    if variant.marker:
        record["marker"] = variant.marker
    return record


def target_records(
    targets: list[TargetPlan], table: Mapping[str, Any], files_by_package: Mapping[str, list[tuple[str, str]]]
) -> dict[str, Any]:
    """``[metadata.wheel-variants.targets]``: per target, the label each managed package gets."""
    from .choice import choose_locked_label

    records: dict[str, Any] = {}
    packages = table.get("packages", {})
    for target in targets:
        labels: dict[str, str] = {}
        for name, record in sorted(packages.items()):
            choice = choose_locked_label(
                record, files_by_package.get(name, []), target.supported, target.markers, lambda _: True
            )
            if choice.label is not None:
                labels[name] = choice.label
        body: dict[str, Any] = {}
        if target.spec.file:
            body["source"] = target.spec.file
        if target.spec.platform:
            body["platform"] = target.spec.platform
        body["packages"] = labels
        records[target.spec.name] = body
    return records
