"""Package sources: PDM's ``RepositoryConfig``, which sources serve a package, a platform's markers.

Internal names used here are named in each helper's docstring, with the PDM releases they were
verified on (2.26.0, 2.29.3, 2.29.4).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdm._types import RepositoryConfig

__all__ = ["make_source", "package_sources", "platform_marker_environment", "sdist_sources"]


def make_source(name: str, url: str, include_packages: Iterable[str]) -> RepositoryConfig:
    """A ``[[tool.pdm.source]]``-like entry routing *include_packages* exclusively to *url*.

    ``exclude_packages = ["*"]`` keeps every other package off this index: without it PDM also
    asks a source with ``include_packages`` for all packages nobody includes.
    Internal: ``pdm._types.RepositoryConfig`` ("private dataclass"); ``config_prefix`` is required
    since PDM 2.3 (leaving it out is what broke pdm-plugin-torch).
    """
    from pdm._types import RepositoryConfig

    return RepositoryConfig(
        config_prefix="pypi", name=name, url=url, include_packages=list(include_packages), exclude_packages=["*"]
    )


def sdist_sources(sources: list[RepositoryConfig], package: str) -> list[dict[str, str]]:
    """The sources that would serve *package* without variant routing, in unearth's source
    shape (``{"url", "type"}``): where its sdist is found when no variant wheel fits.
    Internal: ``pdm.utils.filtered_sources`` and ``unearth.PackageFinder.sources``."""
    from pdm.utils import filtered_sources

    return [
        {"url": source.url, "type": "find_links" if source.type == "find_links" else "index"}
        for source in filtered_sources(sources, package)
        if source.url
    ]


def platform_marker_environment(project: Any, platform: str) -> dict[str, str]:
    """Marker values of a PDM platform name (``linux``, ``macos_arm64``, ``windows_amd64`` ...),
    over this interpreter's defaults. Internal: ``pdm.models.markers.EnvSpec.from_spec``."""
    from pdm.models.markers import EnvSpec

    # project.python_requires, not project.environment's (the same value): before PDM 2.26.2 creating
    # the environment reads project.sources, and get_sources may call this, a recursion.
    spec = EnvSpec.from_spec(str(project.python_requires), platform)
    return dict(spec.markers_with_defaults())


def package_sources(sources: list[RepositoryConfig], package: str) -> list[RepositoryConfig]:
    """Those of *sources* that may serve *package* (their ``include_packages`` and
    ``exclude_packages`` applied). Internal: ``pdm.utils.filtered_sources`` (2.26.0-2.29.4)."""
    from pdm.utils import filtered_sources

    return list(filtered_sources(sources, package))
