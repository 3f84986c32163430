"""Tiny wheels built in-process for index and install tests (zip + dist-info + RECORD)."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import random
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["make_sdist", "make_variant_release", "make_wheel", "variants_document"]


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
    padding: int = 0,
) -> Path:
    """Write ``{name}-{version}-{tag}[-{label}].whl`` into *directory* and return its path.

    *files* maps archive paths to text; by default a module ``{name}`` with ``BACKEND = "plain"``.
    *variant_json* goes into ``.dist-info/variant.json`` (PEP 825). *padding* adds a stored member
    ``{module}/_padding.bin`` of that many incompressible bytes, first in the archive (a GPU
    wheel's shared libraries come before its ``.dist-info``, as here).
    """
    module = name.replace("-", "_")
    dist_name = module
    dist_info = f"{dist_name}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {requirement}\n" for requirement in requires)
    contents: dict[str, bytes] = {}
    if padding:
        contents[f"{module}/_padding.bin"] = random.Random(padding).randbytes(padding)
    contents.update(
        {path: text.encode() for path, text in (files or {f"{module}/__init__.py": 'BACKEND = "plain"\n'}).items()}
    )
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
            # A ZipInfo's compress_type is ZIP_STORED: every member is stored, the padding included.
            archive.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), data)
        archive.writestr(zipfile.ZipInfo(f"{dist_info}/RECORD", date_time=(2020, 1, 1, 0, 0, 0)), record.getvalue())
    return target


def variants_document(labels: Sequence[str]) -> str:
    """A PEP 825 document (schema 0.2, the built-in ``nvidia`` namespace) for *labels*:
    ``cuXYZ`` needs ``nvidia :: cuda_version_lower_bound :: XY.Z``; any other label, nothing."""
    variants: dict[str, object] = {}
    for label in labels:
        cuda = label[2:]
        if label.startswith("cu") and cuda.isdigit() and len(cuda) == 3:
            variants[label] = {"nvidia": {"cuda_version_lower_bound": [f"{cuda[:2]}.{cuda[2]}"]}}
        else:
            variants[label] = {}
    document = {
        "$schema": "https://variants-schema.wheelnext.dev/v0.2.0.json",
        "default-priorities": {"namespace": ["nvidia"]},
        "providers": {
            "nvidia": {
                "plugin-api": "nvidia_variant_provider.plugin:NvidiaVariantPlugin",
                "requires": ["nvidia-variant-provider"],
            }
        },
        "variants": variants,
    }
    return json.dumps(document, indent=2) + "\n"


def make_variant_release(
    directory: Path, name: str, version: str, labels: Sequence[str], *, contents_of: Mapping[str, str] | None = None
) -> list[Path]:
    """One variant wheel per label (its module's ``BACKEND`` is the label) and the release's
    ``{name}-{version}-variants.json``, in *directory*. ``contents_of={"cu126": "cu128"}`` gives
    the cu126 file the cu128 wheel's contents and ``variant.json``: a mislabelled wheel."""
    module = name.replace("-", "_")
    paths = []
    for label in labels:
        inner = (contents_of or {}).get(label, label)
        paths.append(
            make_wheel(
                directory,
                name,
                version,
                files={f"{module}/__init__.py": f"BACKEND = {inner!r}\n"},
                label=label,
                variant_json=variants_document([inner]),
            )
        )
    listed = [label for label in labels if label.strip(".")]  # a dots-only label is no JSON entry
    release = directory / f"{module}-{version}-variants.json"
    release.write_text(variants_document(listed), encoding="utf-8")
    return [*paths, release]


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
