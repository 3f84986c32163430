"""What ``convert`` will write, decided from data alone: labels, files, output names, metadata.

Pure: the package's index variants, each label's page (as :class:`IndexFile` tuples) and the
options go in; a :class:`ConvertPlan` comes out. The label without properties is the *fallback*:
it becomes both the plain wheel (installers without PEP 825 support) and the ``null`` variant.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from ..errors import InvalidFilenameError, InvalidLabelError, VariantsError
from ..filename import NULL_LABEL, WheelFilename, validate_label
from ..metadata import ProviderInfo, VariantsMetadata, metadata_from_dict
from ..names import normalize_name
from ..packages import IndexVariant, PackageVariants
from ..suggest import did_you_mean
from ..variant import Variant
from .providers import providers_for
from .simpleindex import IndexFile

__all__ = ["ConvertOptions", "ConvertPlan", "PlannedWheel", "choose_labels", "plan_convert", "release_variants"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ConvertOptions:
    """The command's filters. Empty tuples keep everything; no *version* keeps the newest version."""

    labels: tuple[str, ...] = ()
    version: str | None = None
    python_tags: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()  # fnmatch patterns: 'manylinux*_x86_64'


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedWheel:
    """One file of one label's index and the files it becomes in the output directory."""

    label: str
    source: IndexFile
    wheel: WheelFilename
    fallback: bool

    @property
    def output_label(self) -> str:
        return NULL_LABEL if self.fallback else self.label

    @property
    def labelled_name(self) -> str:
        return self.wheel.with_label(self.output_label).filename


@dataclass(frozen=True, slots=True, kw_only=True)
class ConvertPlan:
    name: str
    fallback: str | None
    metadata: VariantsMetadata  # every output label: the fallback appears as 'null'
    wheels: tuple[PlannedWheel, ...]
    versions: tuple[str, ...]


def choose_labels(package: PackageVariants, labels: Sequence[str]) -> tuple[IndexVariant, ...]:
    """The index variants named by ``--label`` (all when none), each checked against the package."""
    if not labels:
        return package.variants
    known = [variant.label for variant in package.variants]
    chosen = []
    for label in dict.fromkeys(labels):
        validate_label(label, "--label")
        variant = package.variant(label)
        if variant is None:
            hint = did_you_mean(label, known) or ";"
            raise InvalidLabelError(f"--label {label!r}: {package.name!r} has no such label{hint} it has {known}")
        chosen.append(variant)
    return tuple(chosen)


def release_variants(
    package: PackageVariants, options: ConvertOptions, declared_providers: Mapping[str, ProviderInfo]
) -> tuple[tuple[IndexVariant, ...], str | None, VariantsMetadata]:
    """The chosen labels, the fallback label and the release metadata: everything that can be
    refused before any page is read (a bad label, two fallbacks, a namespace without provider)."""
    chosen = choose_labels(package, options.labels)
    plain = [variant.label for variant in chosen if not variant.properties]
    if len(plain) > 1:
        raise InvalidLabelError(
            f"labels {plain} of {package.name!r} have no properties; only one can be the fallback (pick with --label)"
        )
    if len(plain) == len(chosen):
        raise InvalidLabelError(
            f"{package.name!r}: only {plain} chosen, a label without properties; a PEP 825 release needs a "
            "label with properties"
        )
    return chosen, (plain[0] if plain else None), _release_metadata(package, chosen, declared_providers)


def plan_convert(
    package: PackageVariants,
    files_by_label: Mapping[str, Sequence[IndexFile]],
    options: ConvertOptions,
    declared_providers: Mapping[str, ProviderInfo],
) -> ConvertPlan:
    """Decide the outputs; an impossible request is one :class:`VariantsError`."""
    chosen, fallback, metadata = release_variants(package, options, declared_providers)
    candidates = [
        PlannedWheel(label=variant.label, source=file, wheel=wheel, fallback=variant.label == fallback)
        for variant in chosen
        for file, wheel in _wheels(package.name, files_by_label.get(variant.label, ()), options)
    ]
    versions = _versions(candidates, options.version)
    wheels = _unique(
        sorted(
            (c for c in candidates if Version(c.wheel.version) in versions),
            key=lambda c: (c.wheel.filename, c.label),
        )
    )
    if not wheels:
        raise VariantsError(_nothing_matches(package.name, [v.label for v in chosen], options))
    return ConvertPlan(
        name=package.name,
        fallback=fallback,
        metadata=metadata,
        wheels=wheels,
        versions=tuple(str(v) for v in sorted(versions)),
    )


def _release_metadata(
    package: PackageVariants, chosen: Sequence[IndexVariant], declared: Mapping[str, ProviderInfo]
) -> VariantsMetadata:
    used = {p.namespace for variant in chosen for p in variant.properties}
    priorities = tuple(ns for ns in package.namespace_priorities if ns in used)
    labels_of: dict[str, list[str]] = {}
    for variant in chosen:
        for namespace in sorted({p.namespace for p in variant.properties}):
            labels_of.setdefault(namespace, []).append(variant.label)
    variants = tuple(
        Variant(label=v.label, properties=v.properties) if v.properties else Variant(label=NULL_LABEL) for v in chosen
    )
    metadata = VariantsMetadata(
        namespace_priorities=priorities,
        providers=providers_for(priorities, declared, labels_of),
        variants=variants,
    )
    # Round-trip through our own reader: never write a document we would refuse.
    return metadata_from_dict(metadata.to_dict(), f"the variants of {package.name!r}")


def _wheels(name: str, files: Sequence[IndexFile], options: ConvertOptions) -> list[tuple[IndexFile, WheelFilename]]:
    """The plain wheels of *name* that pass the tag filters (yanked, labelled and other files are left out)."""
    kept = []
    for file in files:
        if file.yanked or not file.filename.endswith(".whl"):
            continue
        try:
            # The parser admits no '/' and no dots-only part: a parsed name is safe as a path part.
            wheel = WheelFilename.parse(file.filename)
        except InvalidFilenameError:
            continue  # not a wheel name an installer would take either
        if wheel.is_variant or normalize_name(wheel.name) != name:
            continue
        if options.python_tags and not set(wheel.python.split(".")) & set(options.python_tags):
            continue
        platforms = wheel.platform.split(".")
        if options.platforms and not any(
            fnmatch.fnmatchcase(p, pattern) for p in platforms for pattern in options.platforms
        ):
            continue
        kept.append((file, wheel))
    return kept


def _versions(candidates: Sequence[PlannedWheel], spec: str | None) -> set[Version]:
    found = {Version(c.wheel.version) for c in candidates}
    if spec is None:
        return {max(found)} if found else set()
    try:
        specifier = SpecifierSet(spec)
    except InvalidSpecifier:
        raise VariantsError(f"--version {spec!r}: not a PEP 440 specifier such as '==0.3.2' or '>=0.3'") from None
    return set(specifier.filter(found, prereleases=True))


def _nothing_matches(name: str, labels: list[str], options: ConvertOptions) -> str:
    filters = [f"--version {options.version!r}"] if options.version else []
    filters += [f"--python-tag {tag!r}" for tag in options.python_tags]
    filters += [f"--platform {pattern!r}" for pattern in options.platforms]
    return f"no wheel of {name!r} on the indexes of {labels} matches " + (" ".join(filters) or "(no filters)")


def _unique(wheels: Sequence[PlannedWheel]) -> tuple[PlannedWheel, ...]:
    """One entry per label and file name. A page listing a name twice with different hashes is an
    error: which file is meant is unknown."""
    seen: dict[tuple[str, str], PlannedWheel] = {}
    for wheel in wheels:
        key = (wheel.label, wheel.wheel.filename)
        other = seen.setdefault(key, wheel)
        if other is not wheel and other.source.sha256 != wheel.source.sha256:
            raise VariantsError(
                f"the {wheel.label!r} index lists {wheel.wheel.filename!r} twice with different hashes "
                f"({other.source.url}, {wheel.source.url})"
            )
    return tuple(seen.values())
