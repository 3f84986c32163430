"""Helpers for the wheel/index tests: hand-made plain wheels and an independent RECORD check."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import zipfile
from pathlib import Path

NVIDIA_PYPROJECT = """\
[project]
name = "demo"
version = "1.0"

[variant.default-priorities]
namespace = ["nvidia"]

[variant.providers.nvidia]
requires = ["nvidia-variant-provider"]
plugin-api = "nvidia_variant_provider.plugin:NvidiaVariantPlugin"

[variant.variants.cu126]
nvidia.cuda_version_lower_bound = ["12.6"]

[variant.variants.cu128]
nvidia.cuda_version_lower_bound = ["12.8"]
"""


def digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def make_plain_wheel(directory: Path, name: str = "demo", version: str = "1.0", tag: str = "py3-none-any") -> Path:
    """A small valid non-variant wheel, written the way build backends do."""
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": b"VALUE = 1\n",
        f"{name}/data.bin": bytes(range(256)) * 64,
        f"{dist_info}/METADATA": f"Metadata-Version: 2.4\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist_info}/WHEEL": f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: {tag}\n".encode(),
    }
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for member, data in files.items():
        writer.writerow([member, digest(data), len(data)])
    writer.writerow([f"{dist_info}/RECORD", "", ""])
    path = directory / f"{name}-{version}-{tag}.whl"
    directory.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in files.items():
            archive.writestr(member, data)
        archive.writestr(f"{dist_info}/RECORD", record.getvalue())
    return path


def check_record(wheel: Path) -> dict[str, bytes]:
    """Verify every RECORD row against the archive, independently of the code under test."""
    with zipfile.ZipFile(wheel) as archive:
        contents = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
    (record_name,) = [name for name in contents if name.endswith(".dist-info/RECORD")]
    rows = list(csv.reader(io.StringIO(contents[record_name].decode())))
    listed = {row[0] for row in rows}
    assert listed == set(contents), f"RECORD lists {sorted(listed ^ set(contents))} wrongly"
    for member, hash_field, size in rows:
        if member == record_name:
            assert (hash_field, size) == ("", "")
            continue
        assert hash_field == digest(contents[member]), member
        assert int(size) == len(contents[member]), member
    return contents
