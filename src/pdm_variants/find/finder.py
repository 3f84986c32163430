"""PEP 825 variant wheels in PDM's finder: labelled filenames, the index's variants JSON, ordering.

PDM judges wheels through unearth and ``packaging``, which reject ``pkg-1.0-py3-none-any-cu126.whl``
outright. The adapter teaches an existing finder three things, per index or find-links source:

* a labelled wheel is judged on its base filename (tags, name, version, Requires-Python);
* the release's ``{name}-{version}-variants.json`` from the same page gives each label its
  properties; labels this machine does not support are dropped, the rest are ranked with the
  core's PEP 825 ordering (null variant last, then non-variant wheels, then sdists);
* a downloaded variant wheel whose ``.dist-info/variant.json`` describes another label than its
  file name is deleted and refused; a good one is renamed to its base filename, so PDM's
  installer accepts it (the label stays known through the wheel's own ``variant.json``);
* a wheel whose label is only dots (``.``, ``..``: valid PEP 825, never a path part here) is left
  out with one warning, kept on :class:`VariantWheels` for the plugin to print after locking.

The variants JSON is fetched with a size limit and deadline and checked against the index page's
hash (:mod:`pdm_variants.find.variantsjson`).

``find_matches`` (what PDM uses to collect the files it locks) keeps every label whose tags fit,
so one lock holds all variants of a release and each machine installs its best one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wheel_variants.errors import VariantsError
from wheel_variants.filename import WheelFilename, is_dots_label, split_label
from wheel_variants.names import normalize_name

from .._pdm.finder import FinderSeams

if TYPE_CHECKING:
    from unearth import Link, PackageFinder
    from unearth.evaluator import Evaluator, Package

    from wheel_variants.metadata import VariantsMetadata
    from wheel_variants.ordering import Ordering
    from wheel_variants.supported import SupportedProperties

__all__ = ["ReleaseVariants", "VariantWheels", "adapt_finder"]

logger = logging.getLogger("unearth")

VARIANTS_JSON_SUFFIX = "-variants.json"


def _variants_json_version(filename: str, canonical_name: str) -> str | None:
    """The version of a ``{name}-{version}-variants.json`` file of *canonical_name*, else None."""
    if not filename.endswith(VARIANTS_JSON_SUFFIX):
        return None
    name, _, version = filename[: -len(VARIANTS_JSON_SUFFIX)].rpartition("-")
    return version if name and normalize_name(name) == canonical_name else None


@dataclass(frozen=True, slots=True)
class ReleaseVariants:
    """One release's variants JSON as fetched from one source, and its ordering on this machine."""

    name: str
    version: str
    url: str
    hash: str
    metadata: VariantsMetadata
    ordering: Ordering


class VariantWheels:
    """Per-project state shared by every finder: supported properties, fetched variants JSON,
    and the releases seen (what the lock records)."""

    def __init__(
        self,
        supported: Callable[[], SupportedProperties],
        locked: Callable[[], Mapping[str, Any]] = dict,
        cache_dir: Callable[[], Path] | None = None,
    ) -> None:
        self._supported_factory = supported
        self._locked_factory = locked
        self._cache_dir = cache_dir
        self._locked: Mapping[str, Any] | None = None
        self._supported: SupportedProperties | None = None
        self._by_url: dict[str, ReleaseVariants] = {}
        self.seen: dict[tuple[str, str], ReleaseVariants] = {}
        #: ``{(name, version): {file name: link}}`` of the variant wheels PDM collected to lock: the
        #: per-label dependency pass reads their metadata without fetching their pages again.
        self.locked_links: dict[tuple[str, str], dict[str, Link]] = {}
        #: Index-variant packages: the sources their sdist comes from when no variant wheel fits.
        self.sdist_sources: dict[str, list[dict[str, str]]] = {}
        self._warned: set[str] = set()
        self._pending: list[str] = []

    @property
    def supported(self) -> SupportedProperties:
        if self._supported is None:
            self._supported = self._supported_factory()
        return self._supported

    def locked_release(self, name: str, version: str) -> ReleaseVariants | None:
        """The release as the lock recorded it (its variants JSON document), for links that come
        from the lock itself (``static_urls`` locks, ``pylock.toml``) with no JSON link beside them."""
        if self._locked is None:
            self._locked = self._locked_factory()
        record = self._locked.get(name)
        if not isinstance(record, Mapping) or record.get("version") != version:
            return None
        reference = record.get("variants-json", {})
        document = reference.get("document") if isinstance(reference, Mapping) else None
        if not isinstance(document, Mapping):
            return None
        # Imported here: only a release with variant wheels needs them.
        from wheel_variants.metadata import metadata_from_dict
        from wheel_variants.ordering import order_variants

        url = str(reference.get("url", "pdm.lock"))
        metadata = metadata_from_dict(document, url)
        ordering = order_variants(metadata.variants, self.supported, metadata.namespace_priorities)
        return ReleaseVariants(name, version, url, str(reference.get("hash", "")), metadata, ordering)

    def release(self, session: Any, name: str, version: str, link: Link) -> ReleaseVariants:
        """Fetch, check and order the variants JSON at *link* (once per URL): bounded, and checked
        against every hash the index page gives (:mod:`pdm_variants.find.variantsjson`)."""
        url = link.url_without_fragment
        cached = self._by_url.get(url)
        if cached is None:
            from wheel_variants.metadata import parse_metadata
            from wheel_variants.ordering import order_variants

            from .variantsjson import check_hashes, page_hashes

            hashes = page_hashes(link)
            data = self._variants_json(session, link, hashes)
            check_hashes(data, hashes, link.redacted)
            digest = hashlib.sha256(data).hexdigest()
            metadata = parse_metadata(data, url)
            ordering = order_variants(metadata.variants, self.supported, metadata.namespace_priorities)
            cached = ReleaseVariants(name, version, url, f"sha256:{digest}", metadata, ordering)
            self._by_url[url] = cached
        self.seen[(name, version)] = cached
        return cached

    def _variants_json(self, session: Any, link: Link, hashes: list[tuple[str, str]]) -> bytes:
        """The variants JSON at *link*: from the cache when the index page gives its sha256 (a
        file with that digest is the same file wherever it is served), else fetched; a fetched
        file whose digest is known is kept for the next command."""
        from wheel_variants.remotemeta.store import MetadataStore, store_key

        from .variantsjson import fetch_variants_json

        key = store_key(sha256=dict(hashes).get("sha256"), url=link.url_without_fragment)
        if key.kind != "sha256" or self._cache_dir is None or link.is_file:
            return fetch_variants_json(session, link)
        store = MetadataStore(self._cache_dir())
        data = store.get(key)
        if data is None or hashlib.sha256(data).hexdigest() != key.value:
            data = fetch_variants_json(session, link)
            if hashlib.sha256(data).hexdigest() == key.value:  # else check_hashes refuses it
                store.put(key, data)
        return data

    def warn(self, line: str) -> None:
        """Keep *line* for the user (once per run, however many finders meet the same file)."""
        if line not in self._warned:
            self._warned.add(line)
            self._pending.append(line)

    def take_warnings(self) -> list[str]:
        """The warnings not handed out yet (the caller prints them)."""
        pending, self._pending = self._pending, []
        return pending


# -- the adapter ------------------------------------------------------------------------------


class _VariantEvaluator:
    """Judges a labelled wheel on its base filename and keeps the labelled link."""

    def evaluate_link(self, link: Link) -> Package | None:
        split = split_label(link.filename)
        if split is None:
            return super().evaluate_link(link)  # type: ignore[misc,no-any-return]
        base = dataclasses.replace(link, url=_with_filename(link.url, split[0]))
        package = super().evaluate_link(base)  # type: ignore[misc]
        return None if package is None else dataclasses.replace(package, link=link)


class _VariantFinder(FinderSeams):
    """The finder mixin; see the module docstring. PDM's internals it overrides are in
    :class:`pdm_variants._pdm.finder.FinderSeams`, which calls the ``wv_*`` methods."""

    _wv_context: VariantWheels
    _wv_ranks: dict[str, int | None]
    _wv_keep_all: bool

    def build_evaluator(self, package_name: str, allow_yanked: bool = False) -> Evaluator:
        from .._pdm.seams import with_mixin

        evaluator = super().build_evaluator(package_name, allow_yanked)  # type: ignore[misc]
        return with_mixin(evaluator, _VariantEvaluator)  # type: ignore[no-any-return]

    def wv_links(self, links: Iterable[Link], evaluator: Evaluator) -> tuple[list[Link], dict[str, Link]]:
        """One source's links without its variants JSON files (``{version: link}``, returned
        beside them) and without wheels whose label is only dots."""
        canonical = normalize_name(evaluator.package_name)
        json_links: dict[str, Link] = {}
        others: list[Link] = []
        for link in links:
            version = _variants_json_version(link.filename, canonical)
            if version is not None:
                json_links[version] = link
            elif not self._wv_skip_dots_label(link, canonical):
                others.append(link)
        return others, json_links

    def wv_packages(self, packages: list[Package], evaluator: Evaluator, json_links: dict[str, Link]) -> list[Package]:
        """The evaluated *packages* of one source, its variant wheels judged by the release's
        variants JSON (from *json_links*, else the lock's record): unknown labels and, except
        while collecting files to lock, labels this machine does not support are left out."""
        if not any(split_label(p.link.filename) for p in packages):
            return packages
        canonical = normalize_name(evaluator.package_name)
        kept = []
        for package in packages:
            split = split_label(package.link.filename)
            if split is None:
                kept.append(package)
                continue
            json_link = json_links.get(package.version)
            if json_link is not None:
                release: ReleaseVariants | None = self._wv_release(canonical, package.version, json_link)
            else:
                release = self._wv_context.locked_release(canonical, package.version)
            if release is None:
                logger.debug("Skipping %s: its source lists no %s", package.link, VARIANTS_JSON_SUFFIX)
                continue
            if release.metadata.variant(split[1]) is None:
                logger.debug("Skipping %s: label %r is not in %s", package.link, split[1], release.url)
                continue
            rank = release.ordering.rank(split[1])
            if rank is None and not self._wv_keep_all:
                logger.debug("Skipping %s: %s", package.link, release.ordering.reason(split[1]) or "unknown label")
                continue
            self._wv_ranks[package.link.url] = rank
            kept.append(package)
        return kept

    def _wv_skip_dots_label(self, link: Link, canonical: str) -> bool:
        """True for a wheel of this package whose label is only dots (``.``, ``..``): valid PEP 825,
        but it must never become a path part. Only that file is left out, with one warning."""
        split = split_label(link.filename)
        if split is None or not is_dots_label(split[1]) or normalize_name(split[0].split("-", 1)[0]) != canonical:
            return False
        self._wv_context.warn(
            f"wheel-variants: skipped {link.redacted}: its variant label {split[1]!r} is made only of dots, "
            "which cannot name a file here; the release's other files are still used"
        )
        return True

    def _wv_release(self, name: str, version: str, link: Link) -> ReleaseVariants:
        try:
            return self._wv_context.release(self.session, name, version, link)  # type: ignore[attr-defined]
        except VariantsError as error:
            from pdm.exceptions import PdmUsageError
            from rich.markup import escape

            raise PdmUsageError(escape(f"wheel-variants: {error}")) from None

    def wv_sdist_sources(self, package_name: str) -> list[dict[str, str]]:
        """An index-variant package is routed to its variant's index alone, which usually holds
        wheels only. Its sdists from the ordinary sources join in, for the versions that index has
        (all versions when it has none), ranked below every wheel: built with the variant's build
        settings when no wheel fits this Python or platform."""
        return self._wv_context.sdist_sources.get(normalize_name(package_name)) or []

    def wv_preference(self, package: Package) -> tuple[tuple[int, int], Any] | None:
        """A variant wheel's place in PEP 825 order (unsupported labels, kept only for the lock,
        last) and its base file name's tag compatibility; None for any other file."""
        split = split_label(package.link.filename)
        if split is None:
            return None
        rank = self._wv_ranks.get(package.link.url)
        preference = (1, -rank) if rank is not None else (-1, 0)
        compatibility = self.env_spec.wheel_compatibility(split[0]) or (-1, -1, -1, -1)  # type: ignore[attr-defined]
        return preference, compatibility

    def find_matches(self, *args: Any, **kwargs: Any) -> list[Package]:
        # PDM collects the files it locks here: keep every label whose tags fit (eagerly, since
        # the flag only holds during this call).
        self._wv_keep_all = True
        try:
            packages: list[Package] = list(super().find_matches(*args, **kwargs))  # type: ignore[misc]
        finally:
            self._wv_keep_all = False
        for package in packages:
            if package.name and split_label(package.link.filename) is not None:
                key = (normalize_name(package.name), str(package.version))
                self._wv_context.locked_links.setdefault(key, {})[package.link.filename] = package.link
        return packages

    def download_and_unpack(self, link: Link, location: str | Path, *args: Any, **kwargs: Any) -> Path:
        path: Path = super().download_and_unpack(link, location, *args, **kwargs)  # type: ignore[misc]
        split = split_label(path.name)
        if split is None or not path.is_file():
            return path
        users_file = link.is_file and Path(link.file_path) == path  # a local find-links file
        problem = _variant_json_problem(path, link)
        if problem is not None:
            if not users_file:
                path.unlink(missing_ok=True)  # nothing of a refused wheel stays behind
            from pdm.exceptions import PdmUsageError
            from rich.markup import escape

            raise PdmUsageError(escape(f"wheel-variants: {problem}"))
        target = Path(location) / split[0]
        if users_file:
            import shutil

            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)  # a local find-links file: never rename the user's file
        else:
            path.replace(target)
        return target


def _variant_json_problem(path: Path, link: Link) -> str | None:
    """Why the downloaded variant wheel at *path* must not be installed, or None: its
    ``.dist-info/variant.json`` must be readable and describe exactly the label in its file name
    (else it installs as another variant, and every later sync sees a label it did not lock)."""
    from wheel_variants.wheelfile import load_variant_json

    parsed = WheelFilename.parse(path.name)
    try:
        member, metadata = load_variant_json(path, parsed)
    except VariantsError as error:
        return f"{link.redacted}: {error}; refusing this variant wheel"
    if metadata.labels == (parsed.label,):
        return None
    found = repr(metadata.labels[0]) if len(metadata.labels) == 1 else str(list(metadata.labels))
    return (
        f"{path.name} from {link.redacted} is labelled {parsed.label!r} in its file name but {found} in its "
        f"{member}; refusing this mislabelled wheel (the index should fix or remove it)"
    )


def adapt_finder(finder: PackageFinder, context: VariantWheels) -> PackageFinder:
    """Give *finder* (a ``PDMPackageFinder``) the variant behaviour, in place."""
    from .._pdm.seams import with_mixin

    adapted = with_mixin(finder, _VariantFinder)
    adapted._wv_context = context
    adapted._wv_ranks = {}
    adapted._wv_keep_all = False
    return adapted  # type: ignore[no-any-return]


def _with_filename(url: str, filename: str) -> str:
    """*url* with its last path segment replaced (query and fragment kept)."""
    from urllib.parse import quote, urlsplit, urlunsplit

    parts = urlsplit(url)
    directory = parts.path.rsplit("/", 1)[0]
    return urlunsplit(parts._replace(path=f"{directory}/{quote(filename)}"))
