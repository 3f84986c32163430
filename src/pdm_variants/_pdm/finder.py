"""PDM's package finder: adapting the finder each environment hands out, and the finder internals
the variant finder overrides (:class:`FinderSeams`).

Internal names used here are named in each helper's docstring, with the PDM releases they were
verified on (2.26.0, 2.29.3, 2.29.4).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdm.environments import BaseEnvironment
    from unearth import Link
    from unearth.evaluator import Evaluator, Package

__all__ = ["FinderSeams", "wrap_get_finder"]


def wrap_get_finder(environment: BaseEnvironment, adapt: Callable[[Any], Any]) -> None:
    """Make ``environment.get_finder(...)`` yield ``adapt(finder)``. Internal: ``get_finder`` is a
    context-manager method that builds the finder itself (no factory to override)."""
    if getattr(environment, "_wv_finder_wrapped", False):
        return
    original = environment.get_finder

    @contextlib.contextmanager
    def get_finder(*args: Any, **kwargs: Any) -> Iterator[Any]:
        with original(*args, **kwargs) as finder:
            yield adapt(finder)

    environment.get_finder = get_finder  # type: ignore[method-assign]
    environment._wv_finder_wrapped = True  # type: ignore[attr-defined]


class FinderSeams:
    """The finder internals the variant finder hooks into, as a mixin over ``PDMPackageFinder``
    (unearth's ``PackageFinder``). The class it is mixed into implements:

    * ``wv_links(links, evaluator)``: ``(links, context)``: the links of one source that go to
      the evaluator, and what the next call needs of the others;
    * ``wv_packages(packages, evaluator, context)``: those of the evaluated packages that are kept;
    * ``wv_sdist_sources(package_name)``: sources whose sdists join in below every wheel;
    * ``wv_preference(package)``: ``(variant preference, tag compatibility of the base file
      name)`` of a variant wheel, None for any other file.

    Internal (verified on PDM 2.26.0, 2.29.3 and 2.29.4 with unearth 0.18.3 and 0.19.0):

    * ``_evaluate_links(links, evaluator)``: the packages of one source's links;
    * ``_find_packages(name, allow_yanked)``: the packages of every source in ``self.sources``;
    * ``_sort_key(package)``: ``(-yanked, prefer_binary, version, tag compatibility, build tag)``.
    """

    sources: list[Any]

    def _evaluate_links(self, links: Iterable[Link], evaluator: Evaluator) -> Iterable[Package]:
        kept, context = self.wv_links(links, evaluator)  # type: ignore[attr-defined]
        packages = list(super()._evaluate_links(kept, evaluator))  # type: ignore[misc]
        return self.wv_packages(packages, evaluator, context)  # type: ignore[attr-defined,no-any-return]

    def _find_packages(self, package_name: str, allow_yanked: bool = False) -> Iterable[Package]:
        packages = super()._find_packages(package_name, allow_yanked)  # type: ignore[misc]
        extra = self.wv_sdist_sources(package_name)  # type: ignore[attr-defined]
        if not extra:
            return packages  # type: ignore[no-any-return]
        packages = list(packages)
        versions = {package.version for package in packages}
        routed = self.sources
        self.sources = extra
        try:
            sdists = [
                package
                for package in super()._find_packages(package_name, allow_yanked)  # type: ignore[misc]
                if not package.link.is_wheel and (not versions or package.version in versions)
            ]
        finally:
            self.sources = routed
        return sorted([*packages, *sdists], key=self._sort_key, reverse=True)

    def _sort_key(self, package: Package) -> tuple[Any, ...]:
        # The variant preference goes right after the version: it beats tags (PEP 825 rationale);
        # a variant wheel's tag compatibility is its base file name's.
        key: tuple[Any, ...] = super()._sort_key(package)  # type: ignore[misc]
        variant = self.wv_preference(package)  # type: ignore[attr-defined]
        if variant is None:
            return (*key[:3], (0, 0), *key[3:])
        preference, compatibility = variant
        return (*key[:3], preference, compatibility, *key[4:])
