"""Installing: an installed distribution's ``.dist-info`` directory, and the synchronizer internal
the variant synchronizer overrides (:class:`SynchronizerSeams`).

Internal names used here are named in each helper's docstring, with the PDM releases they were
verified on (2.26.0, 2.29.3, 2.29.4).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.metadata import Distribution

    from pdm.models.candidates import Candidate


__all__ = ["SynchronizerSeams", "dist_info_path"]


def dist_info_path(dist: Distribution) -> Path | None:
    """The ``.dist-info`` directory of an installed distribution. Internal: ``PathDistribution._path``."""
    path = getattr(dist, "_path", None)
    return Path(path) if path is not None else None


class SynchronizerSeams:
    """The ``BaseSynchronizer`` internal the variant synchronizer hooks into, as a mixin; the class
    it is mixed into implements ``wv_must_reinstall(dist, candidate)``: True forces a reinstall
    that PDM's version comparison would skip (another variant of the same version).

    Internal (verified on PDM 2.26.0, 2.29.3 and 2.29.4): ``_should_update(dist, candidate)``,
    asked for each installed distribution the lock also holds.
    """

    def _should_update(self, dist: Distribution, can: Candidate) -> bool:
        if self.wv_must_reinstall(dist, can):  # type: ignore[attr-defined]
            return True
        updated: bool = super()._should_update(dist, can)  # type: ignore[misc]
        return updated
