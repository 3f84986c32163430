"""PDM plugin for wheel-variants: entry point ``pdm_variants = "pdm_variants:plugin"`` (group ``pdm``).

Registration only; the work is in :mod:`pdm_variants.project` and :mod:`pdm_variants.install`,
imported when PDM loads the plugin.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DISABLE_ENV", "plugin"]

DISABLE_ENV = "WHEEL_VARIANTS_PDM_DISABLE"


def plugin(core: Any) -> None:
    """Install the variant-aware ``Project`` and ``InstallManager`` and the ``variants`` command.

    Idempotent: a second call on the same core changes nothing. ``WHEEL_VARIANTS_PDM_DISABLE=1``
    leaves PDM untouched (to compare with plain PDM without uninstalling the plugin).
    """
    if getattr(core, "_wheel_variants_loaded", False):
        return
    import os

    if os.environ.get(DISABLE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}:
        return
    from pdm.__version__ import __version__

    from ._pdm import check_pdm_version

    problem = check_pdm_version(__version__)
    if problem is not None:
        core.ui.warn(problem)
        return
    from .command import VariantsCommand
    from .install import make_install_manager_class
    from .project import make_project_class

    core.project_class = make_project_class(core.project_class)
    core.install_manager_class = make_install_manager_class(core.install_manager_class)
    from .repository import make_repository_class

    core.repository_class = make_repository_class(core.repository_class)
    core.register_command(VariantsCommand, "variants")
    core._wheel_variants_loaded = True
