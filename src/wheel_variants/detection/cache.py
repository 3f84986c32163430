"""On-disk cache of the live machine's hardware answer (the ``detect --json`` document).

The file lives in the user cache directory (platformdirs' ``user_cache_dir("wheel-variants")``;
``WHEEL_VARIANTS_CACHE_DIR`` overrides it). Its first line names the format, the second the
*scope* (what the answer depends on that is not hardware: the variables the probes read,
``PROBE_ENV``, and the package version) and a *fingerprint* of the hardware and drivers: the boot id (a reboot), the
NVIDIA/AMD kernel-module versions and ROCm version (a driver change), and the PCI device and KFD
node lists (a device change). Any difference, or an entry older than a day, is a miss.

This module sits on the fast path of ``wheel-variants detect --json``: it imports only ``os``,
``sys`` and ``time`` at module level, and reads the cache without parsing JSON.
"""

# os.path on purpose: importing pathlib costs milliseconds on the `detect` fast path.
# ruff: noqa: PTH103, PTH111, PTH118, PTH208

from __future__ import annotations

import os
import sys
import time

from . import PROBE_ENV

TYPE_CHECKING = False
if TYPE_CHECKING:  # the fast path must not import typing or collections
    from collections.abc import Mapping

__all__ = ["CACHE_ENV", "MAX_AGE", "cache_dir", "cache_key", "read_cached", "write_cached"]

CACHE_ENV = "WHEEL_VARIANTS_CACHE_DIR"
MAX_AGE = 24 * 3600.0
_MAGIC = "wheel-variants-detect-cache 1"
_FORMAT_VERSION = "1"

_FINGERPRINT_FILES = (
    "/proc/sys/kernel/random/boot_id",
    "/sys/module/nvidia/version",
    "/sys/module/amdgpu/version",
    "/proc/driver/nvidia/version",
    "/opt/rocm/.info/version",
)
_FINGERPRINT_DIRS = ("/sys/bus/pci/devices", "/sys/class/kfd/kfd/topology/nodes", "/dev/dri")


def cache_dir(environ: Mapping[str, str] | None = None) -> str:
    """The user cache directory for wheel-variants (same answer as platformdirs)."""
    env = os.environ if environ is None else environ
    override = env.get(CACHE_ENV)
    if override:
        return override
    platform: str = sys.platform  # a plain str: every branch is reachable for the type checker
    if platform.startswith("linux"):
        base = env.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
        return os.path.join(base, "wheel-variants")
    if platform == "darwin":
        return os.path.expanduser("~/Library/Caches/wheel-variants")
    import platformdirs

    return platformdirs.user_cache_dir("wheel-variants", appauthor=False)


def _first_line(path: str) -> str:
    try:
        with open(path, "rb") as stream:
            return stream.readline(256).decode("ascii", "replace").strip()
    except OSError:
        return "-"


def _listing(path: str) -> str:
    try:
        return ",".join(sorted(os.listdir(path)))
    except OSError:
        return "-"


def cache_key(environ: Mapping[str, str] | None = None, version: str = "") -> str:
    """One line: scope and hardware fingerprint of the live machine (cheap: a few file reads)."""
    env = os.environ if environ is None else environ
    scope = [_FORMAT_VERSION, version, sys.platform, *(f"{name}={env.get(name, '')}" for name in PROBE_ENV)]
    if sys.platform.startswith("linux"):
        fingerprint = [_first_line(path) for path in _FINGERPRINT_FILES]
        fingerprint += [_listing(path) for path in _FINGERPRINT_DIRS]
    else:
        fingerprint = [str(int(time.time() - time.monotonic()) // 600)]  # boot time, to 10 minutes
    return "|".join(scope + fingerprint).replace("\n", " ")


def _path(directory: str) -> str:
    return os.path.join(directory, "detect.json")


def read_cached(directory: str, key: str) -> str | None:
    """The cached JSON text when the entry exists, is fresh and has *key*; else None."""
    path = _path(directory)
    try:
        with open(path, encoding="utf-8") as stream:
            magic = stream.readline().rstrip("\n")
            stored_key = stream.readline().rstrip("\n")
            if magic != _MAGIC or stored_key != key:
                return None
            if time.time() - os.fstat(stream.fileno()).st_mtime > MAX_AGE:
                return None
            return stream.read()
    except (OSError, UnicodeDecodeError):
        return None


def write_cached(directory: str, key: str, text: str) -> None:
    """Store *text* under *key*; a cache that cannot be written is silently skipped."""
    from ..fileio import atomic_write_text

    try:
        os.makedirs(directory, exist_ok=True)
        atomic_write_text(_path(directory), f"{_MAGIC}\n{key}\n{text}")
    except OSError:
        pass
