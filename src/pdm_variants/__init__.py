"""PDM plugin for wheel-variants: entry point ``pdm_variants = "pdm_variants:plugin"`` (group ``pdm``).

Registration only; the work is in :mod:`pdm_variants.project` and :mod:`pdm_variants.install.synchronizer`,
imported when PDM loads the plugin.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DISABLE_ENV", "plugin"]

DISABLE_ENV = "WHEEL_VARIANTS_PDM_DISABLE"


def plugin(core: Any) -> None:
    """Chain the variant-aware ``Project``, ``InstallManager`` and repository onto *core*,
    register ``pdm variants``, and print the finder's warnings after each lock.

    Idempotent: a second call on the same core changes nothing. ``WHEEL_VARIANTS_PDM_DISABLE=1``
    leaves PDM untouched (to compare with plain PDM without uninstalling the plugin). A PDM
    outside the supported range, or one that lacks a name the plugin relies on, gets one warning
    and the plugin stays off; projects that use variants then stop with a clear error instead of
    installing a plain build (:mod:`pdm_variants.offguard`).
    """
    if getattr(core, "_wheel_variants_loaded", False):
        return
    import os

    if os.environ.get(DISABLE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}:
        return
    core._wheel_variants_loaded = True
    from pdm.__version__ import __version__

    from ._pdm.seams import check_pdm_version, missing_seams

    problem = check_pdm_version(__version__)
    if problem is None:
        missing = missing_seams(at_load=True)
        if missing:
            problem = (
                f"wheel-variants: PDM {__version__} lacks {'; '.join(missing)}; the variant plugin is off "
                "(`pdm variants doctor` shows the details)"
            )
    if problem is not None:
        core.ui.warn(problem)
        from .offguard import guard_variant_projects

        guard_variant_projects(core, problem)
        return
    from ._pdm.seams import chain_core_classes
    from .commands.variants import VariantsCommand
    from .find.repository import make_repository_class
    from .install.manager import make_install_manager_class
    from .project import make_project_class

    chain_core_classes(
        core,
        {
            "project_class": make_project_class,
            "install_manager_class": make_install_manager_class,
            "repository_class": make_repository_class,
        },
    )
    core.register_command(VariantsCommand, "variants")
    from .find.report import connect_finder_warnings

    connect_finder_warnings()
