"""Pure NVIDIA text parsers, the driver -> CUDA table, and the ``nvidia`` value generators.

Value sets and order follow the NVIDIA variant provider (``nvidia-variant-provider``), which uv
reproduces natively: for a driver whose CUDA (user-mode driver, "UMD") version is 12.8 and a GPU
of compute capability 9.0,

* ``cuda_version_lower_bound`` = ``12.8, 12.7 ... 12.0, 12, 11.20 ... 11.0, 11``
* ``cuda_version_upper_bound`` (exclusive) = ``15.20 ... 15.0, 15, ... 13, 12.20 ... 12.9``
* ``sm_arch`` (multi-value) = ``90_real, 90_virtual``

UMD versions outside 11.0-15.20 give no ``nvidia`` properties at all, as in the provider.
"""

from __future__ import annotations

from ._numbers import small_int

__all__ = [
    "DRIVER_TO_CUDA",
    "cuda_from_driver",
    "lower_bound_values",
    "parse_compute_capability",
    "parse_cuda_version",
    "parse_device_query",
    "parse_driver_version",
    "parse_nvidia_smi",
    "parse_proc_driver_version",
    "sm_arch_values",
    "upper_bound_values",
]

UMD_MAJORS = range(11, 16)
UMD_MINOR_MAX = 20
LOWEST_SM = (5, 0)

# CUDA toolkit -> minimum Linux x86_64 driver ("Table 3" of the CUDA release notes, FACTS.md §1b),
# newest first. The kernel module version alone gives a *lower bound* of the driver's CUDA level.
DRIVER_TO_CUDA: tuple[tuple[tuple[int, ...], str], ...] = (
    ((595, 45, 4), "13.2"),
    ((590, 44, 1), "13.1"),
    ((580, 65, 6), "13.0"),
    ((575, 51, 3), "12.9"),
    ((570, 26), "12.8"),
    ((560, 28, 3), "12.6"),
    ((555, 42, 2), "12.5"),
    ((550, 54, 14), "12.4"),
    ((545, 23, 6), "12.3"),
    ((535, 54, 3), "12.2"),
    ((530, 30, 2), "12.1"),
    ((525, 60, 13), "12.0"),
    ((520, 61, 5), "11.8"),
    ((515, 43, 4), "11.7"),
    ((510, 39, 1), "11.6"),
    ((495, 29, 5), "11.5"),
    ((470, 42, 1), "11.4"),
    ((465, 19, 1), "11.3"),
    ((460, 27, 3), "11.2"),
    ((455, 23), "11.1"),
    ((450, 36, 6), "11.0"),
    ((440, 33), "10.2"),
    ((418, 39), "10.1"),
    ((410, 48), "10.0"),
    ((396, 26), "9.2"),
    ((390, 46), "9.1"),
    ((384, 81), "9.0"),
    ((375, 26), "8.0"),
    ((352, 31), "7.5"),
    ((346, 46), "7.0"),
)


def parse_driver_version(text: str) -> tuple[int, ...] | None:
    """``"550.144.03"`` -> ``(550, 144, 3)``; None unless it is 2-4 dot-separated numbers."""
    numbers = [small_int(part) for part in text.strip().split(".")]
    if not 2 <= len(numbers) <= 4 or any(number is None for number in numbers):
        return None
    return tuple(number for number in numbers if number is not None)


def parse_proc_driver_version(text: str) -> str | None:
    """The kernel-module version from ``/proc/driver/nvidia/version``.

    The first line separates fields by two spaces: ``NVRM version: NVIDIA UNIX x86_64 Kernel
    Module  470.63.01  Tue Aug  3 ...`` (open modules: ``... for x86_64  565.57.01  Release Build``).
    """
    for line in text.splitlines():
        if line.startswith("NVRM version:"):
            fields = [field.strip() for field in line.split("  ") if field.strip()]
            for field in fields[1:]:
                if parse_driver_version(field) is not None:
                    return field
            return None
    return None


def parse_cuda_version(text: str) -> tuple[int, int] | None:
    """``"12.4"`` -> ``(12, 4)``; ``"13"`` -> ``(13, 0)``; None for anything else."""
    major_text, _, minor_text = text.strip().partition(".")
    major, minor = small_int(major_text), small_int(minor_text or "0")
    if major is None or minor is None:
        return None
    return major, minor


def parse_nvidia_smi(text: str) -> tuple[str | None, tuple[int, int] | None]:
    """``(driver version, CUDA version)`` from ``nvidia-smi`` or ``nvidia-smi -q`` output.

    Understands the classic header (``Driver Version: 565.57.01   CUDA Version: 12.7``), the
    R610+ header (``KMD Version: ...   CUDA UMD Version: 13.3``) and ``-q`` lines
    (``CUDA Version : 12.4``; ``Not Found`` on a vGPU host gives None).
    """
    driver: str | None = None
    cuda: tuple[int, int] | None = None
    for line in text.splitlines():
        for label in ("Driver Version", "KMD Version"):
            value = _labelled(line, label)
            if value and driver is None and parse_driver_version(value) is not None:
                driver = value
        for label in ("CUDA UMD Version", "CUDA Version"):
            value = _labelled(line, label)
            if value and cuda is None:
                cuda = parse_cuda_version(value)
    return driver, cuda


def _labelled(line: str, label: str) -> str | None:
    start = line.find(label)
    if start < 0:
        return None
    rest = line[start + len(label) :].lstrip()
    if not rest.startswith(":"):
        return None
    words = rest[1:].split()
    return words[0] if words else None


def parse_compute_capability(text: str) -> tuple[int, int] | None:
    """``"9.0"`` -> ``(9, 0)``."""
    major_text, dot, minor_text = text.strip().partition(".")
    major, minor = small_int(major_text), small_int(minor_text)
    if not dot or major is None or minor is None:
        return None
    return major, minor


def parse_device_query(text: str) -> list[tuple[int, int]]:
    """Compute capabilities listed by CUDA's ``deviceQuery`` sample, one per device."""
    found = []
    for line in text.splitlines():
        if "CUDA Capability Major/Minor version number:" in line:
            capability = parse_compute_capability(line.rsplit(":", 1)[1])
            if capability is not None:
                found.append(capability)
    return found


def cuda_from_driver(driver: tuple[int, ...]) -> str | None:
    """The newest CUDA toolkit whose minimum Linux driver is <= *driver* (None if none is)."""
    for minimum, cuda in DRIVER_TO_CUDA:
        if driver >= minimum:
            return cuda
    return None


def umd_in_range(cuda: tuple[int, int]) -> bool:
    return (UMD_MAJORS[0], 0) <= cuda <= (UMD_MAJORS[-1], UMD_MINOR_MAX)


def _minors(major: int, down_to: int) -> list[str]:
    return [f"{major}.{minor}" for minor in range(UMD_MINOR_MAX, down_to - 1, -1)]


def lower_bound_values(cuda: tuple[int, int]) -> list[str]:
    """Versions a wheel may require as its minimum, best (highest) first."""
    major, minor = cuda
    values = [f"{major}.{m}" for m in range(minor, -1, -1)] + [str(major)]
    for lower in range(major - 1, UMD_MAJORS[0] - 1, -1):
        values += [*_minors(lower, 0), str(lower)]
    return values


def upper_bound_values(cuda: tuple[int, int]) -> list[str]:
    """Exclusive maxima a wheel may declare that this CUDA is below, widest first."""
    major, minor = cuda
    values: list[str] = []
    for upper in range(UMD_MAJORS[-1], major, -1):
        values += [*_minors(upper, 0), str(upper)]
    return values + _minors(major, minor + 1)


def sm_arch_values(capability: tuple[int, int]) -> list[str]:
    """``(9, 0)`` -> ``["90_real", "90_virtual"]``; same major, lower or equal minor, then PTX."""
    major, minor = capability
    return [f"{major}{m}_real" for m in range(minor, -1, -1)] + [f"{major}0_virtual"]
