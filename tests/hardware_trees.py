"""Fake system roots built from the real captures in ``tests/fixtures/hardware`` (see its README).

Ground truth is read from ``PROVENANCE.md`` itself, so a test compares our answer with what the
capture's source says, never with our own output.
"""

from __future__ import annotations

import re
from pathlib import Path

HARDWARE = Path(__file__).parent / "fixtures" / "hardware"
PROVENANCE = (HARDWARE / "PROVENANCE.md").read_text(encoding="utf-8")


def provenance_rows(directory: str) -> dict[str, str]:
    """``{file name: ground-truth text}`` for the rows of one fixture directory."""
    rows = {}
    for match in re.finditer(rf"^\| `{re.escape(directory)}/([^`]+)` \|(.*)$", PROVENANCE, re.MULTILINE):
        rows[match.group(1)] = match.group(2)
    return rows


def capture(relative: str) -> str:
    return (HARDWARE / relative).read_text(encoding="utf-8", errors="replace")


def make_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``{"/proc/cpuinfo": text, ...}`` below *root* and return it."""
    for absolute, text in files.items():
        target = root / absolute.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def pci_tree_from_lspci(text: str) -> dict[str, str]:
    """sysfs ``vendor``/``device``/``class`` files for the devices an ``lspci`` capture lists.

    Understands ``lspci -nn`` (``... [0380]: ... [8086:0bd5]``) and plain ``lspci`` lines naming
    "Intel Corporation Device 0bda" (class from the "Display controller"/"VGA" words).
    """
    files: dict[str, str] = {}
    for index, line in enumerate(text.splitlines()):
        numeric = re.search(r"\[(\d{4})\]: .*\[([0-9a-f]{4}):([0-9a-f]{4})\]", line)
        if numeric:
            class_code, vendor, device = numeric.groups()
        else:
            named = re.search(
                r"(VGA compatible controller|Display controller): Intel Corporation Device ([0-9a-f]{4})", line
            )
            if not named:
                continue
            class_code = "0300" if named.group(1).startswith("VGA") else "0380"
            vendor, device = "8086", named.group(2)
        base = f"/sys/bus/pci/devices/0000:{index:02x}:00.0"
        files[f"{base}/vendor"] = f"0x{vendor}\n"
        files[f"{base}/device"] = f"0x{device}\n"
        files[f"{base}/class"] = f"0x{class_code}00\n"
    return files
