"""Detection: what this machine (or a target) supports, through the one choke point :func:`detect`.

Modules: ``probe`` (``detect()``: precedence of overrides, targets, probes and providers; memo),
``answer`` (a machine's answer as data, ``detect --json``), ``cache`` (the on-disk cache of the
live machine's answer), ``targets`` (targets and ``WHEEL_VARIANTS_PROPERTIES``) and
``provider_inputs`` (targets given as the facts a provider reads).

Names are loaded on first use: ``wheel-variants detect --json`` serves a cached answer through
``cache`` alone, and the package is imported with it.
"""

from __future__ import annotations

# Not `from typing import TYPE_CHECKING`: importing typing costs milliseconds on the fast path.
TYPE_CHECKING = False

#: The environment variables the built-in probes read (vendor overrides, the ROCm location): one
#: list for the per-process memo of ``detect()`` and the scope of the on-disk cache.
PROBE_ENV: tuple[str, ...] = (
    "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION",
    "NV_VARIANT_PROVIDER_FORCE_SM_ARCH",
    "AMD_VARIANT_PROVIDER_FORCE_GFX_ARCH",
    "AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION",
    "INTEL_VARIANT_PROVIDER_FORCE_DEVICE_IP",
    "ROCM_PATH",
)

_EXPORTS = {
    "BUILTIN_NAMESPACES": "probe",
    "clear_memo": "probe",
    "detect": "probe",
    "probe_builtin": "probe",
    "Detection": "answer",
    "NamespaceAnswer": "answer",
    "format_detection": "answer",
    "load_target": "targets",
}

__all__ = ["PROBE_ENV", *_EXPORTS]

if TYPE_CHECKING:  # `X as X`: re-exported for type checkers, which cannot read the computed __all__
    from .answer import Detection as Detection
    from .answer import NamespaceAnswer as NamespaceAnswer
    from .answer import format_detection as format_detection
    from .probe import BUILTIN_NAMESPACES as BUILTIN_NAMESPACES
    from .probe import clear_memo as clear_memo
    from .probe import detect as detect
    from .probe import probe_builtin as probe_builtin
    from .targets import load_target as load_target


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib  # here, not at the top: the cached `detect --json` never needs it

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
