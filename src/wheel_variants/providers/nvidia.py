"""Namespace ``nvidia``: ``cuda_version_lower_bound``, ``cuda_version_upper_bound``, ``sm_arch``.

Probe chain (first answer wins, each failure is a warning naming its source):

1. ``NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION`` / ``NV_VARIANT_PROVIDER_FORCE_SM_ARCH``
   (the NVIDIA provider's overrides; a forced value skips probing for it);
2. NVML through ctypes (live machine only): the driver's own CUDA level and every GPU's compute
   capability; the highest capability is used, as the NVIDIA provider does;
3. ``/sys/module/nvidia/version`` then ``/proc/driver/nvidia/version``: the kernel-module version,
   mapped through the driver -> CUDA table (a conservative lower bound; no ``sm_arch``);
4. ``nvidia-smi`` (live machine only, when 2 and 3 found nothing), with a 2-second timeout.
"""

from __future__ import annotations

from collections.abc import Callable

from ..supported import SupportedFeature
from ..system import SystemRoot
from ._result import ProbeResult, make_features
from .nvidia_parse import (
    LOWEST_SM,
    cuda_from_driver,
    lower_bound_values,
    parse_compute_capability,
    parse_cuda_version,
    parse_driver_version,
    parse_nvidia_smi,
    parse_proc_driver_version,
    sm_arch_values,
    umd_in_range,
    upper_bound_values,
)

__all__ = ["FORCE_CUDA", "FORCE_SM", "NAMESPACE", "features_for", "probe", "supported_for"]

NAMESPACE = "nvidia"
FORCE_CUDA = "NV_VARIANT_PROVIDER_FORCE_CUDA_DRIVER_VERSION"
FORCE_SM = "NV_VARIANT_PROVIDER_FORCE_SM_ARCH"
SMI_TIMEOUT = 2.0


def supported_for(
    cuda: tuple[int, int], sm: tuple[int, int] | None, warnings: list[str]
) -> list[tuple[str, list[str]]]:
    """The ``nvidia`` features for a CUDA level and an optional compute capability."""
    if not umd_in_range(cuda):
        warnings.append(
            f"nvidia: CUDA driver version {cuda[0]}.{cuda[1]} is outside 11.0-15.20; no nvidia properties are supported"
        )
        return []
    items = [
        ("cuda_version_lower_bound", lower_bound_values(cuda)),
        ("cuda_version_upper_bound", upper_bound_values(cuda)),
    ]
    if sm is not None:
        if sm < LOWEST_SM:
            warnings.append(f"nvidia: compute capability {sm[0]}.{sm[1]} is below 5.0; sm_arch omitted")
        else:
            items.append(("sm_arch", sm_arch_values(sm)))
    return items


def features_for(
    cuda: tuple[int, int], sm: tuple[int, int] | None, warnings: list[str]
) -> tuple[SupportedFeature, ...]:
    """:func:`supported_for` as features (``sm_arch`` multi-value): the probe's answer for these values."""
    return make_features(NAMESPACE, supported_for(cuda, sm, warnings), multi_value=("sm_arch",))


def probe(system: SystemRoot) -> ProbeResult:
    warnings: list[str] = []
    sources: list[str] = []
    cuda = _forced(system, FORCE_CUDA, parse_cuda_version, warnings)
    sm = _forced(system, FORCE_SM, parse_compute_capability, warnings)
    if cuda is not None:
        sources.append(FORCE_CUDA)
    if sm is not None:
        sources.append(FORCE_SM)

    if cuda is None or sm is None:
        nvml = _from_nvml(system, warnings)
        if nvml is not None:
            nvml_cuda, nvml_sm = nvml
            if cuda is None and nvml_cuda is not None:
                cuda = nvml_cuda
                sources.append("nvml")
            if sm is None and nvml_sm is not None:
                sm = nvml_sm
                if "nvml" not in sources:
                    sources.append("nvml")

    if cuda is None:
        found = _from_driver_files(system, warnings)
        if found is not None:
            cuda, source = found
            sources.append(source)
        elif system.can_run_commands:
            cuda = _from_nvidia_smi(system, warnings)
            if cuda is not None:
                sources.append("nvidia-smi")

    if cuda is None:
        return ProbeResult.empty(NAMESPACE, warnings)
    features = features_for(cuda, sm, warnings)
    if features and sm is None and "nvml" not in sources:
        warnings.append(f"nvidia: GPU compute capability unknown without NVML; sm_arch omitted (set {FORCE_SM}=X.Y)")
    return ProbeResult(
        namespace=NAMESPACE, source=" + ".join(sources) if features else "", features=features, warnings=tuple(warnings)
    )


def _forced(
    system: SystemRoot,
    name: str,
    parse: Callable[[str], tuple[int, int] | None],
    warnings: list[str],
) -> tuple[int, int] | None:
    text = system.environ.get(name, "").strip()
    if not text:
        return None
    value = parse(text)
    if value is None:
        warnings.append(f"nvidia: ignoring {name}={text!r}: expected MAJOR.MINOR such as 12.8")
    return value


def _from_nvml(system: SystemRoot, warnings: list[str]) -> tuple[tuple[int, int] | None, tuple[int, int] | None] | None:
    from .nvml import NvmlFailure, library_names, query_nvml

    lib = system.load_library(library_names(system.platform))
    if lib is None:
        return None
    try:
        answer = query_nvml(lib)
    except NvmlFailure as error:
        warnings.append(f"nvidia: NVML (libnvidia-ml): {error}; falling back to the driver version files")
        return None
    sm = max(answer.capabilities) if answer.capabilities else None
    return answer.cuda, sm


def _from_driver_files(system: SystemRoot, warnings: list[str]) -> tuple[tuple[int, int], str] | None:
    for path, parse in (
        ("/sys/module/nvidia/version", lambda text: text.strip() or None),
        ("/proc/driver/nvidia/version", parse_proc_driver_version),
    ):
        text = system.read_text(path)
        if text is None:
            continue
        version = parse(text)
        driver = parse_driver_version(version) if version else None
        if driver is None:
            # Name the file, never its content: under --root it may be a symlink to any file.
            warnings.append(f"nvidia: {path} does not hold a driver version ({len(text)} characters, not shown)")
            continue
        cuda_text = cuda_from_driver(driver)
        if cuda_text is None or driver[0] < 300:
            warnings.append(
                f"nvidia: {path}: driver {'.'.join(map(str, driver))} is not a known desktop/data-center driver branch "
                "(Jetson L4T or pre-CUDA-7 driver); no CUDA version known"
            )
            return None
        cuda = parse_cuda_version(cuda_text)
        assert cuda is not None
        return cuda, f"{path} (driver {version})"
    return None


def _from_nvidia_smi(system: SystemRoot, warnings: list[str]) -> tuple[int, int] | None:
    result = system.run(["nvidia-smi"], SMI_TIMEOUT)
    if result.error == "not found":
        return None
    if result.error:
        warnings.append(f"nvidia: nvidia-smi {result.error}")
        return None
    _driver, cuda = parse_nvidia_smi(result.stdout)
    if cuda is None:
        first = (result.stdout.strip() or result.stderr.strip()).splitlines()[:1]
        shown = repr(first[0][:120]) if first else "no output"
        warnings.append(f"nvidia: nvidia-smi gave no CUDA version: {shown}")
    return cuda
