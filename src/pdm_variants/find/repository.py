"""The repository subclass: a managed package never falls back to the ordinary sources, and an
unreachable variant index becomes one line naming its URL.

A managed package that no variant fits this machine (and no team target routes) would otherwise
be looked up on the project's other sources, where anyone may register its name; resolution
stops instead with one line (``Project.variants_refusal``), unless the package opts in with
``allow-other-sources = true``.

PDM reports a connection failure while resolving as ``[ConnectError]: [Errno 111] Connection
refused``, without saying which index failed. For the packages the plugin routes to a variant
index, :func:`make_repository_class` turns it into one ``PdmUsageError`` naming the package, the
variant and the URL; the lock is not written. Other packages keep PDM's behaviour.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._pdm.seams import variant_subclass

if TYPE_CHECKING:
    from pdm.models.candidates import Candidate
    from pdm.models.repositories import BaseRepository
    from pdm.models.requirements import Requirement

__all__ = ["VariantsRepository", "make_repository_class", "unreachable_index_message"]


def unreachable_index_message(name: str, label: str, url: str, error: object) -> str:
    reason = " ".join(str(error).split()) or type(error).__name__
    return (
        f"wheel-variants: cannot reach {url}, the index of variant {label!r} of {name} ({reason}); "
        "check the URL (index-bases, WHEEL_VARIANTS_INDEX_BASE_*) and the network. The lock was not changed"
    )


class VariantsRepository:
    """The variant behaviour of PDM's repository, as a mixin placed before PDM's class."""

    def find_candidates(self, requirement: Requirement, *args: Any, **kwargs: Any) -> Iterable[Candidate]:
        from .._pdm.http import http_errors

        project = self.environment.project  # type: ignore[attr-defined]
        refusal = self._wv_refusals().get(requirement.key or "") if _by_name(requirement, project) else None
        if refusal is not None:
            from pdm.exceptions import PdmUsageError
            from rich.markup import escape

            raise PdmUsageError(escape(refusal))
        try:
            return super().find_candidates(requirement, *args, **kwargs)  # type: ignore[no-any-return]
        except http_errors() as error:
            name = requirement.key
            route = _route(project, name)
            if route is None or name is None:
                raise
            from pdm.exceptions import PdmUsageError
            from rich.markup import escape

            raise PdmUsageError(escape(unreachable_index_message(name, *route, error))) from None

    def _wv_refusals(self) -> dict[str, str]:
        """``{package: message}`` for the managed packages that must not be resolved here (once
        per plan, not per requirement)."""
        project = self.environment.project
        plan = project.variants_plan()
        memo: tuple[Any, dict[str, str]] | None = self.__dict__.get("_wv_refusals_memo")
        if memo is None or memo[0] is not plan:
            names = plan.names if plan is not None else ()
            memo = (plan, {name: message for name in names if (message := project.variants_refusal(name))})
            self.__dict__["_wv_refusals_memo"] = memo
        return memo[1]


def make_repository_class(base: type[BaseRepository]) -> type[BaseRepository]:
    """Subclass *base* (whatever ``core.repository_class`` is now)."""
    return variant_subclass(base, VariantsRepository)


def _by_name(requirement: Requirement, project: Any) -> bool:
    """A requirement the sources answer (not a URL, path or VCS link) in a variants project."""
    return requirement.is_named and hasattr(project, "variants_refusal")


def _route(project: Any, name: str | None) -> tuple[str, str] | None:
    """``(label, index URL)`` of the variant index *name* is routed to, if any."""
    plan = project.variants_plan() if name and hasattr(project, "variants_plan") else None
    selection = plan.selection(name) if plan is not None else None
    chosen = selection.chosen if selection is not None else None
    return (chosen.label, chosen.index) if chosen is not None else None
