"""Query NVML (``libnvidia-ml``) through ctypes: the driver's CUDA version and each GPU's compute
capability. The library object comes from the :class:`~wheel_variants.system.SystemRoot` loader
seam, so tests can hand in a fake with the same functions."""

# Plain os.path strings, as the rest of the detection code uses.
# ruff: noqa: PTH118

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["NvmlAnswer", "NvmlFailure", "library_names", "query_nvml"]

_SUCCESS = 0


class NvmlFailure(Exception):
    """NVML was loaded but could not answer; the message says which call failed and how."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NvmlAnswer:
    cuda: tuple[int, int] | None
    capabilities: tuple[tuple[int, int], ...]


def library_names(platform: str) -> list[str]:
    if platform == "win32":  # pragma: no cover - Windows only
        root = os.environ.get("SystemRoot", r"C:\Windows")  # noqa: SIM112 - Windows spelling
        program_files = os.environ.get("ProgramFiles", r"C:\Program Files")  # noqa: SIM112
        return [
            "nvml.dll",
            os.path.join(root, "System32", "nvml.dll"),
            os.path.join(program_files, "NVIDIA Corporation", "NVSMI", "nvml.dll"),
        ]
    return ["libnvidia-ml.so.1", "libnvidia-ml.so"]


def _call(lib: object, names: tuple[str, ...], *args: object) -> None:
    for name in names:
        function = getattr(lib, name, None)
        if function is None:
            continue
        status = function(*args)
        if status != _SUCCESS:
            raise NvmlFailure(f"{name}() returned NVML error {status}")
        return
    raise NvmlFailure(f"the library has no {' or '.join(names)}()")


def query_nvml(lib: object) -> NvmlAnswer:
    """Initialise NVML, read the CUDA driver version and every device's compute capability."""
    import ctypes

    _call(lib, ("nvmlInit_v2", "nvmlInit"))
    try:
        version = ctypes.c_int(0)
        _call(lib, ("nvmlSystemGetCudaDriverVersion_v2", "nvmlSystemGetCudaDriverVersion"), ctypes.byref(version))
        # NVML_CUDA_DRIVER_VERSION_MAJOR/MINOR: 12040 -> 12.4
        cuda = (version.value // 1000, (version.value % 1000) // 10) if version.value > 0 else None
        count = ctypes.c_uint(0)
        _call(lib, ("nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"), ctypes.byref(count))
        capabilities = []
        for index in range(count.value):
            handle = ctypes.c_void_p()
            _call(
                lib,
                ("nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"),
                ctypes.c_uint(index),
                ctypes.byref(handle),
            )
            major, minor = ctypes.c_int(0), ctypes.c_int(0)
            _call(lib, ("nvmlDeviceGetCudaComputeCapability",), handle, ctypes.byref(major), ctypes.byref(minor))
            capabilities.append((major.value, minor.value))
    finally:
        shutdown = getattr(lib, "nvmlShutdown", None)
        if shutdown is not None:
            shutdown()
    return NvmlAnswer(cuda=cuda, capabilities=tuple(capabilities))
