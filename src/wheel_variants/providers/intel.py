"""Namespace ``intel``: ``device_ip`` (multi-value), the GPU's graphics IP version (GMDID), e.g.
``12.55.8`` for Arc A-series (DG2), and the base IP its code also runs on.

Vocabulary and IP numbers follow the ``intel-variant-provider`` plugin (which asks Level Zero).
We read the PCI device id from sysfs (vendor 0x8086, display base class 0x03, which includes
the 0x0380 "Display controller" class of Data Center GPUs) and map it through the table below.
``INTEL_VARIANT_PROVIDER_FORCE_DEVICE_IP`` (comma separated) overrides detection.
A GPU whose id is not in the table (integrated GPUs, newer parts) gives no ``intel`` answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..supported import SupportedFeature
from ..system import SystemRoot
from ._numbers import small_int
from ._result import ProbeResult, make_features
from .pci import is_display, scan_pci

__all__ = [
    "DEVICE_IPS",
    "FORCE_DEVICE_IP",
    "IP_COMPAT",
    "NAMESPACE",
    "features_for",
    "ips_for_devices",
    "parse_device_ip",
    "probe",
    "with_base_ips",
]

NAMESPACE = "intel"
INTEL = 0x8086
FORCE_DEVICE_IP = "INTEL_VARIANT_PROVIDER_FORCE_DEVICE_IP"

# Device IP -> base IP whose code runs on it (intel-variant-provider's table).
IP_COMPAT: dict[str, str] = {
    "20.4.4": "20.1.0",
    "20.2.0": "20.1.0",
    "12.71.4": "12.70.4",
    "12.57.0": "12.55.8",
    "12.56.5": "12.55.8",
}

# PCI device id -> device IP, for discrete and data-center GPUs (Linux i915/xe PCI id lists).
DEVICE_IPS: dict[int, str] = {
    # DG2 / Alchemist ACM-G10 (Arc A770/A750/A580, A770M...) and ATS-M150 (Flex 170)
    **dict.fromkeys((0x5690, 0x5691, 0x5692, 0x56A0, 0x56A1, 0x56A2, 0x56BE, 0x56BF, 0x56C0), "12.55.8"),
    # ACM-G11 (Arc A380/A310, A370M...) and ATS-M75 (Flex 140)
    **dict.fromkeys((0x5693, 0x5694, 0x5695, 0x56A5, 0x56A6, 0x56B0, 0x56B1, 0x56C1), "12.56.5"),
    # ACM-G12
    **dict.fromkeys((0x5696, 0x5697, 0x56A3, 0x56A4, 0x56B2, 0x56B3), "12.57.0"),
    # Ponte Vecchio (Data Center GPU Max 1100/1550)
    **dict.fromkeys((0x0BD0, 0x0BD5, 0x0BD6, 0x0BD7, 0x0BD8, 0x0BD9, 0x0BDA, 0x0BDB), "12.60.7"),
    # Battlemage BMG-G21 (Arc B580/B570)
    **dict.fromkeys((0xE20B, 0xE20C, 0xE20D, 0xE210, 0xE212), "20.1.0"),
}


def with_base_ips(device_ips: Iterable[str]) -> list[str]:
    """Each device IP followed by the base IP its code also runs on, without repeats."""
    ips: list[str] = []
    for ip in device_ips:
        for value in (ip, IP_COMPAT.get(ip)):
            if value and value not in ips:
                ips.append(value)
    return ips


def ips_for_devices(device_ids: list[int]) -> tuple[list[str], list[int]]:
    """``(device IPs best first with their base IPs, unknown device ids)``."""
    known = [DEVICE_IPS[device] for device in device_ids if device in DEVICE_IPS]
    return with_base_ips(known), [device for device in device_ids if device not in DEVICE_IPS]


def parse_device_ip(text: str) -> str | None:
    """``"12.55.8"`` -> ``"12.55.8"``: a graphics IP version is three dot-separated numbers."""
    numbers = [small_int(part) for part in text.strip().split(".")]
    if len(numbers) != 3 or any(number is None for number in numbers):
        return None
    return ".".join(str(number) for number in numbers)


def features_for(device_ips: list[str]) -> tuple[SupportedFeature, ...]:
    """The ``intel`` answer for these IPs, best first, as given (``device_ip`` is multi-value)."""
    return make_features(NAMESPACE, [("device_ip", device_ips)], multi_value=("device_ip",))


def probe(system: SystemRoot) -> ProbeResult:
    warnings: list[str] = []
    forced = system.environ.get(FORCE_DEVICE_IP, "")
    if forced.strip():
        ips = [word for word in forced.replace(",", " ").split() if word]
        source = FORCE_DEVICE_IP
    else:
        if system.platform != "linux":
            return ProbeResult.empty(NAMESPACE)
        gpus = [device for device in scan_pci(system, warnings, vendor=INTEL) if is_display(device)]
        # Integrated GPUs are not in the table and stay silent: they are on most Intel machines.
        ips, _unknown = ips_for_devices([gpu.device for gpu in gpus])
        source = "sysfs pci"
    if not ips:
        return ProbeResult.empty(NAMESPACE, warnings)
    try:
        features = features_for(ips)
    except ValueError as error:
        return ProbeResult.empty(NAMESPACE, [*warnings, f"intel: {error}"])
    return ProbeResult(namespace=NAMESPACE, source=source, features=features, warnings=tuple(warnings))
