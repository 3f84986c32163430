"""PDM's unpacked-wheel cache (``install.cache``), keyed by content.

:class:`ContentPackageCache` (``Project.package_cache``) unpacks each wheel once per *content*
hash into a staging directory and renames it into place, instead of once per file name: variant
wheels of one release share a file name.
"""

from __future__ import annotations

import hashlib
import stat
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from pdm.models.cached_package import CachedPackage
from pdm.models.caches import PackageCache

from wheel_variants.buildstore import open_staging, sweep_staging
from wheel_variants.cachekeys import content_key

from .wheels import file_lock

if TYPE_CHECKING:
    from pdm.project import Project

__all__ = ["ContentPackageCache", "content_package_cache", "file_sha256"]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ContentPackageCache(PackageCache):
    """``install.cache`` store keyed by the wheel's SHA-256: ``<root>/sha256/ab/cdef.../<file>.cache``."""

    def cache_wheel(self, wheel: Path) -> CachedPackage:
        first, rest = content_key(file_sha256(wheel))
        dest = self.root / "sha256" / first / rest / f"{wheel.name}.cache"
        if not dest.is_dir():
            self._unpack(wheel, dest)
        return CachedPackage(dest, original_wheel=wheel)

    def _unpack(self, wheel: Path, dest: Path) -> None:
        sweep_staging(self.root, file_lock)
        staging = open_staging(self.root, file_lock)
        try:
            tree = staging.directory / "tree"
            with zipfile.ZipFile(wheel) as archive:
                for item in archive.infolist():
                    target = archive.extract(item, tree)
                    mode = item.external_attr >> 16
                    if mode and stat.S_ISREG(mode) and mode & 0o111:
                        extracted = Path(target)
                        extracted.chmod(extracted.stat().st_mode | 0o111)
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                tree.rename(dest)
            except OSError:
                if not dest.is_dir():
                    raise  # not "another process was first"
        finally:
            staging.discard()


def content_package_cache(project: Project) -> ContentPackageCache:
    return ContentPackageCache(project.cache("packages"))
