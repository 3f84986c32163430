"""The files of pinned releases on their indexes, fetched once per command.

Every team target, the fallback variant and the per-label dependency pass ask for the files of
one pinned version on some variant's index; a page is fetched and hashed once per command and
source list, however many labels or targets ask.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdm._types import RepositoryConfig
    from pdm.environments import BaseEnvironment
    from pdm.models.caches import HashCache
    from unearth import Link

    from wheel_variants.packages import IndexVariant

__all__ = ["ReleaseFiles"]


class ReleaseFiles:
    """The files of ``name == version`` on given sources, all platforms, each page fetched once."""

    def __init__(self, environment: BaseEnvironment, hashes: HashCache) -> None:
        self._environment = environment
        self._hashes = hashes
        self._links: dict[tuple[Any, ...], list[Link]] = {}

    def links(self, sources: Sequence[RepositoryConfig], name: str, version: str) -> list[Link]:
        """Every file of *name* == *version* on *sources*."""
        key = (tuple(str(source.url) for source in sources), name, version)
        if key not in self._links:
            environment = self._environment
            with environment.get_finder(list(sources), env_spec=environment.allow_all_spec) as finder:
                self._links[key] = [package.link for package in finder.find_matches(f"{name}=={version}")]
        return self._links[key]

    def on_index(self, name: str, version: str, variant: IndexVariant) -> list[dict[str, str]]:
        """``{url, file, hash}`` of *name* == *version* on *variant*'s index."""
        from .._pdm.sources import make_source
        from ..plan import source_name

        source = make_source(source_name(name, variant.label), variant.index, [name])
        session = self._environment.session
        return [
            {"url": link.url_without_fragment, "file": link.filename, "hash": self._hashes.get_hash(link, session)}
            for link in self.links([source], name, version)
            if not link.is_vcs
        ]
