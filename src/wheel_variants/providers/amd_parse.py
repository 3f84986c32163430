"""Pure AMD parsers: KFD topology ``properties``, ``rocm_agent_enumerator``, ``rocminfo`` and the
ROCm version file."""

from __future__ import annotations

from ._numbers import small_int

__all__ = [
    "gfx_name",
    "parse_gfx_target",
    "parse_kfd_properties",
    "parse_rocm_agent_enumerator",
    "parse_rocm_version",
    "parse_rocminfo",
]


def parse_kfd_properties(text: str) -> dict[str, int]:
    """``key value`` lines of ``/sys/class/kfd/kfd/topology/nodes/N/properties``; bad lines skipped."""
    result: dict[str, int] = {}
    for line in text.splitlines():
        key, _, value = line.strip().partition(" ")
        number = small_int(value.strip().removeprefix("-"), 20)
        if number is not None:
            result[key] = -number if value.strip().startswith("-") else number
    return result


def gfx_name(target_version: int) -> str | None:
    """KFD ``gfx_target_version`` -> target name: ``90402`` -> ``gfx942``, ``90010`` -> ``gfx90a``.

    The value is ``major*10000 + minor*100 + stepping``; minor and stepping are written as hex
    digits (FACTS.md §3). 0 is a CPU node.
    """
    if target_version <= 0:
        return None
    major, minor, stepping = target_version // 10000, (target_version // 100) % 100, target_version % 100
    if minor > 15 or stepping > 15:
        return None
    return f"gfx{major}{minor:x}{stepping:x}"


def parse_gfx_target(word: str) -> str | None:
    """``"amdgcn-amd-amdhsa--gfx942:sramecc+:xnack-"`` or ``"gfx90a:xnack-"`` -> ``"gfx942"`` /
    ``"gfx90a"``; None for anything that is not a GPU target (the CPU agent ``gfx000`` included)."""
    name = word.rsplit("--", 1)[-1].split(":", 1)[0].strip()
    if not name.startswith("gfx") or name == "gfx000" or len(name) < 5 or not name[3:].isalnum():
        return None
    return name


def parse_rocm_agent_enumerator(text: str) -> list[str]:
    """GPU targets, one per line, in order; the CPU agent ``gfx000`` is skipped."""
    return [name for line in text.splitlines() if (name := parse_gfx_target(line)) is not None]


def parse_rocminfo(text: str) -> list[str]:
    """GPU agent targets from ``rocminfo`` (``Name: gfx942`` lines), one per agent, in order."""
    found = []
    for line in text.splitlines():
        key, _, value = line.strip().partition(":")
        if key.strip() == "Name":
            name = parse_gfx_target(value.strip())
            if name is not None and "--" not in value:
                found.append(name)
    return found


def parse_rocm_version(text: str) -> tuple[int, int] | None:
    """``/opt/rocm/.info/version`` (``6.4.1-120``) -> ``(6, 4)``."""
    head = text.strip().split("-", 1)[0]
    parts = head.split(".")
    major, minor = (small_int(parts[0]), small_int(parts[1])) if len(parts) >= 2 else (None, None)
    if major is None or minor is None:
        return None
    return major, minor
