"""PCI devices from sysfs (``/sys/bus/pci/devices/*/{vendor,device,class}``, hex text)."""

from __future__ import annotations

from dataclasses import dataclass

from ..system import SystemRoot

__all__ = ["PCI_DEVICES", "PciDevice", "is_display", "parse_hex", "scan_pci"]

PCI_DEVICES = "/sys/bus/pci/devices"


@dataclass(frozen=True, slots=True, kw_only=True)
class PciDevice:
    address: str
    vendor: int
    device: int
    class_code: int


def parse_hex(text: str | None) -> int | None:
    """``"0x8086\\n"`` -> 0x8086; None for missing or garbage text."""
    if text is None:
        return None
    try:
        return int(text.strip(), 16)
    except ValueError:
        return None


def is_display(device: PciDevice) -> bool:
    """Base class 0x03 (display): VGA 0x0300xx, 3D 0x0302xx and "Display controller" 0x0380xx."""
    return device.class_code >> 16 == 0x03


def scan_pci(system: SystemRoot, warnings: list[str], vendor: int | None = None) -> list[PciDevice]:
    devices = []
    for address in system.listdir(PCI_DEVICES):
        base = f"{PCI_DEVICES}/{address}"
        found_vendor = parse_hex(system.read_text(f"{base}/vendor"))
        if vendor is not None and found_vendor != vendor:
            continue
        device = parse_hex(system.read_text(f"{base}/device"))
        class_code = parse_hex(system.read_text(f"{base}/class"))
        if found_vendor is None or device is None or class_code is None:
            warnings.append(f"pci: {base} has unreadable vendor/device/class files; skipped")
            continue
        devices.append(PciDevice(address=address, vendor=found_vendor, device=device, class_code=class_code))
    return devices
