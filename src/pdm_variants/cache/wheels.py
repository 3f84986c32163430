"""PDM's wheel cache, keyed by variant: built wheels.

PDM keys a wheel built from an sdist by the sdist's URL, hash and target interpreter only, so a
build with other ``CMAKE_ARGS`` or ``-C`` settings silently reuses the old one (pip has the same
bug). Here:

:class:`VariantWheelCache` (what ``Project.make_wheel_cache`` returns) files each build under
``<cache>/wheels/variants/<package>/<label>/<digest>/`` (:class:`wheel_variants.buildstore.BuildStore`),
where the digest covers the sdist, the interpreter, the variant label, the effective config
settings and the build environment (``wheel_variants.cachekeys``). PDM builds into a private
*staging* directory; the wheel is moved into its entry only after PDM installed it
(:func:`commit_built_wheel`), so a killed or failed build never leaves a partial entry.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pdm.models.caches import WheelCache

from wheel_variants.buildstore import BuildStore, Staging
from wheel_variants.cachekeys import (
    BuildKey,
    build_entry_digest,
    build_environment,
    normalize_config_settings,
)
from wheel_variants.packages import normalize_name

if TYPE_CHECKING:
    from filelock import BaseFileLock
    from pdm.models.candidates import Candidate
    from pdm.models.markers import EnvSpec
    from pdm.project import Project
    from unearth import Link

    from ..plan import VariantPlan

__all__ = ["STORE_DIR", "VariantWheelCache", "commit_built_wheel", "file_lock", "variant_wheel_cache"]

STORE_DIR = "variants"
_CACHE_ATTR = "_wv_wheel_cache"


def file_lock(path: Path, timeout: float) -> BaseFileLock:
    """The store's file locks: ``filelock``, which PDM depends on."""
    from filelock import FileLock

    return FileLock(str(path), timeout=timeout)


def _name_from_link(link: Link) -> str | None:
    from packaging.utils import InvalidSdistFilename, parse_sdist_filename

    try:
        return str(parse_sdist_filename(link.filename)[0])
    except InvalidSdistFilename:
        return None


class VariantWheelCache(WheelCache):
    """PDM's wheel cache with variant-aware keys, staged writes and :meth:`commit`.

    *key_for* gives the :class:`BuildKey` of a package name (None when PDM does not know it) as
    things are *now*: it is asked at every lookup, after the plugin applied the build settings.
    """

    def __init__(self, directory: Path, key_for: Callable[[str | None], BuildKey]) -> None:
        super().__init__(directory)
        self.store = BuildStore(Path(directory) / STORE_DIR, file_lock)
        self._key_for = key_for
        self._names: dict[str, str] = {}
        self._staged: dict[str, tuple[Staging, Path, dict[str, Any]]] = {}
        self._mutex = threading.Lock()

    def _entry(self, link: Link, env_spec: EnvSpec) -> tuple[BuildKey, str, dict[str, Any]]:
        url = link.url_without_fragment
        key = self._key_for(self._names.get(url) or _name_from_link(link))
        source: dict[str, Any] = {"url": url, "env_spec": env_spec.as_dict()}
        if link.subdirectory:
            source["subdirectory"] = link.subdirectory
        if link.hash and link.hash_name:
            source[link.hash_name] = link.hash
        return key, build_entry_digest(key, source), source

    def get(self, link: Link, project_name: str | None, env_spec: EnvSpec) -> Path | None:
        if not project_name:
            return None
        name = normalize_name(project_name)
        self._names[link.url_without_fragment] = name
        key, digest, _ = self._entry(link, env_spec)
        for directory in (self.store.entry_dir(key, digest), Path(self.ephemeral_directory) / digest):
            found = _best_wheel(directory, name, env_spec)
            if found is not None:
                return found
        return None

    def get_path_for_link(self, link: Link, env_spec: EnvSpec) -> Path:
        """Where PDM should build: a private staging directory (see :meth:`commit`)."""
        key, digest, source = self._entry(link, env_spec)
        url = link.url_without_fragment
        with self._mutex:
            staged = self._staged.get(url)
            if staged is None:
                self.store.sweep()
                record = {"build": key.to_dict(), "source": source}
                staged = self._staged[url] = (self.store.stage(), self.store.entry_dir(key, digest), record)
        return staged[0].directory

    def get_ephemeral_path_for_link(self, link: Link, env_spec: EnvSpec) -> Path:
        _, digest, _ = self._entry(link, env_spec)
        return Path(self.ephemeral_directory) / digest

    def commit(self, link: Link) -> Path | None:
        """Store what was built for *link* in this run (after PDM installed it successfully)."""
        with self._mutex:
            staged = self._staged.pop(link.url_without_fragment, None)
        if staged is None:
            return None
        staging, entry, record = staged
        try:
            return self.store.commit(staging, entry, record)
        except OSError:  # filelock's Timeout included
            staging.discard()
            return None  # a cache that cannot be written is skipped: the install itself succeeded


def _best_wheel(directory: Path, name: str, env_spec: EnvSpec) -> Path | None:
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    best: tuple[Any, Path | None] = (None, None)
    if not directory.is_dir():
        return None
    for path in directory.glob("*.whl"):
        try:
            wheel_name = parse_wheel_filename(path.name)[0]
        except InvalidWheelFilename:
            continue
        if normalize_name(str(wheel_name)) != name:
            continue
        rank = env_spec.wheel_compatibility(path.name)
        if rank is not None and (best[0] is None or rank > best[0]):
            best = (rank, path)
    return best[1]


def variant_wheel_cache(project: Project, plan: VariantPlan) -> VariantWheelCache:
    """The project's one :class:`VariantWheelCache` (it remembers what this run staged)."""
    cache = project.__dict__.get(_CACHE_ATTR)
    if cache is None:
        declared = sorted({name for s in plan.selections for v in s.package.variants for name, _ in v.build.env})

        def key_for(name: str | None) -> BuildKey:
            label = plan.chosen_label(name) if name is not None and name in plan.names else None
            return BuildKey(
                package=name or "unknown",
                label=label,
                env=build_environment(os.environ, declared),
                config_settings=normalize_config_settings(project.core.state.config_settings),
            )

        cache = project.__dict__[_CACHE_ATTR] = VariantWheelCache(project.cache("wheels"), key_for)
    return cache


def commit_built_wheel(project: Project, candidate: Candidate) -> Path | None:
    """After *candidate* was installed: store the wheel built for it in this run, if any."""
    cache = project.__dict__.get(_CACHE_ATTR)
    link = candidate.link
    if cache is None or link is None:
        return None
    return cache.commit(link)  # type: ignore[no-any-return]
