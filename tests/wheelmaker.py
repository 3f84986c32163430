"""Tiny wheels built in-process for index and install tests (zip + dist-info + RECORD)."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["make_sdist", "make_wheel"]


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def make_wheel(
    directory: Path,
    name: str,
    version: str,
    *,
    files: Mapping[str, str] | None = None,
    tag: str = "py3-none-any",
    label: str | None = None,
    variant_json: str | None = None,
    requires: Sequence[str] = (),
) -> Path:
    """Write ``{name}-{version}-{tag}[-{label}].whl`` into *directory* and return its path.

    *files* maps archive paths to text; by default a module ``{name}`` with ``BACKEND = "plain"``.
    *variant_json* goes into ``.dist-info/variant.json`` (PEP 825).
    """
    module = name.replace("-", "_")
    dist_name = module
    dist_info = f"{dist_name}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {requirement}\n" for requirement in requires)
    contents: dict[str, bytes] = {
        path: text.encode() for path, text in (files or {f"{module}/__init__.py": 'BACKEND = "plain"\n'}).items()
    }
    contents[f"{dist_info}/METADATA"] = metadata.encode()
    contents[f"{dist_info}/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: {tag}\n".encode()
    )
    if variant_json is not None:
        contents[f"{dist_info}/variant.json"] = variant_json.encode()
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for path, data in contents.items():
        writer.writerow([path, _digest(data), len(data)])
    writer.writerow([f"{dist_info}/RECORD", "", ""])
    suffix = f"-{label}" if label is not None else ""
    target = directory / f"{dist_name}-{version}-{tag}{suffix}.whl"
    directory.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in contents.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), data)
        archive.writestr(zipfile.ZipInfo(f"{dist_info}/RECORD", date_time=(2020, 1, 1, 0, 0, 0)), record.getvalue())
    return target


_BACKEND = '''\
"""In-tree PEP 517 backend of a test sdist: the built module records the build's CMAKE_ARGS."""
import os
from pathlib import Path

from _wheelmaker import make_wheel

NAME, VERSION, MODULE = {name!r}, {version!r}, {module!r}


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    flavour = os.environ.get("CMAKE_ARGS", "")
    files = {{MODULE + "/__init__.py": "BACKEND = " + repr("source:" + flavour) + "\\n"}}
    log = os.environ.get("WHEELMAKER_BUILD_LOG")
    if log:
        with open(log, "a") as stream:
            stream.write(NAME + " " + flavour + "\\n")
    return make_wheel(Path(wheel_directory), NAME, VERSION, files=files).name
'''


def make_sdist(directory: Path, name: str, version: str, module: str) -> Path:
    """An sdist of *name* built by an in-tree backend (no build requirements, so no index needed):
    its *module*'s ``BACKEND`` is ``"source:<CMAKE_ARGS at build time>"``, and each build appends a
    line to ``$WHEELMAKER_BUILD_LOG`` when set."""
    import tarfile

    stem = f"{name.replace('-', '_')}-{version}"
    files = {
        "pyproject.toml": (
            f'[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n\n'
            f'[project]\nname = "{name}"\nversion = "{version}"\n'
        ),
        "PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        "backend.py": _BACKEND.format(name=name, version=version, module=module),
        "_wheelmaker.py": Path(__file__).read_text(encoding="utf-8"),
    }
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stem}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for member, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{stem}/{member}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path
