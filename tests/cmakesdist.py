"""A real scikit-build-core sdist with a C extension, and offline wheels of its build requirements.

The sdist is shaped like llama-cpp-python: CMake reads ``-DFLAVOUR=...`` from ``CMAKE_ARGS`` and
compiles it into the extension as a define (``flavour.FLAVOUR``). Every CMake configure appends a
line to the file named by ``$FLAVOUR_BUILD_LOG``, so a test can count real builds, then sleeps
``$FLAVOUR_BUILD_SLEEP`` seconds if that is set (to kill a build midway).

PDM builds sdists in an isolated environment whose build requirements come from the project's
index. :func:`installed_wheels` re-packs the build backend (and its dependencies) *installed in
this interpreter* into wheels, so the local test index can serve them without any network.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.metadata
import io
import re
import shutil
import sysconfig
import tarfile
import zipfile
from pathlib import Path

from packaging.requirements import Requirement

__all__ = ["APP_PYPROJECT", "FLAVOUR_VARIANTS", "build_tools_available", "installed_wheels", "make_flavour_sdist"]

#: ``flavour``'s cpu and cuda variants on one index (``{index}``), each building with its own CMAKE_ARGS.
FLAVOUR_VARIANTS = """\
[tool.wheel-variants.packages.flavour.variants.cpu]
index = "{index}"
build = {{ env = {{ CMAKE_ARGS = "-DFLAVOUR=cpu" }} }}

[tool.wheel-variants.packages.flavour.variants.cuda]
index = "{index}"
properties = ["nvidia :: cuda_version_lower_bound :: 12.4"]
build = {{ env = {{ CMAKE_ARGS = "-DFLAVOUR=cuda" }} }}
"""

#: An app depending on ``flavour`` (format with ``index=``).
APP_PYPROJECT = """\
[project]
name = "app"
version = "0"
requires-python = ">=3.10"
dependencies = ["flavour"]

[tool.pdm]
distribution = false

"""
APP_PYPROJECT += FLAVOUR_VARIANTS

PYPROJECT = """\
[build-system]
requires = ["scikit-build-core"]
build-backend = "scikit_build_core.build"

[project]
name = "{name}"
version = "{version}"
requires-python = ">=3.10"

[tool.scikit-build]
build.verbose = false
logging.level = "WARNING"
"""

CMAKELISTS = """\
cmake_minimum_required(VERSION 3.15)
project(${SKBUILD_PROJECT_NAME} LANGUAGES C)
set(FLAVOUR "none" CACHE STRING "what this build is for")
if(DEFINED ENV{FLAVOUR_BUILD_LOG})
  file(APPEND "$ENV{FLAVOUR_BUILD_LOG}" "build FLAVOUR=${FLAVOUR}\\n")
endif()
if(DEFINED ENV{FLAVOUR_BUILD_SLEEP})
  execute_process(COMMAND sleep "$ENV{FLAVOUR_BUILD_SLEEP}")
endif()
find_package(Python COMPONENTS Interpreter Development.Module REQUIRED)
python_add_library(flavour MODULE flavour.c WITH_SOABI)
target_compile_definitions(flavour PRIVATE "FLAVOUR=\\"${FLAVOUR}\\"")
install(TARGETS flavour DESTINATION .)
"""

SOURCE = """\
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "flavour", NULL, -1, NULL};

PyMODINIT_FUNC PyInit_flavour(void) {
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddStringConstant(m, "FLAVOUR", FLAVOUR) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
"""


def build_tools_available() -> str | None:
    """Why the C-extension tests cannot run here (None when they can)."""
    for tool in ("cmake", "ninja", "cc"):
        if shutil.which(tool) is None:
            return f"{tool} is not on PATH"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").is_file():
        return "the Python headers (Python.h) are not installed"
    try:
        importlib.metadata.distribution("scikit-build-core")
    except importlib.metadata.PackageNotFoundError:
        return "scikit-build-core is not installed (requirements/test.txt)"
    return None


def make_flavour_sdist(directory: Path, name: str = "flavour", version: str = "1.0") -> Path:
    """Write ``{name}-{version}.tar.gz`` into *directory* (fixed mtimes: the same bytes every time)."""
    base = f"{name}-{version}"
    pyproject = PYPROJECT.format(name=name, version=version)
    members = {
        "pyproject.toml": pyproject,
        "CMakeLists.txt": CMAKELISTS,
        "flavour.c": SOURCE,
        "PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nRequires-Python: >=3.10\n",
    }
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{base}.tar.gz"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        for path, text in sorted(members.items()):
            data = text.encode()
            info = tarfile.TarInfo(f"{base}/{path}")
            info.size, info.mtime, info.mode = len(data), 1_600_000_000, 0o644
            archive.addfile(info, io.BytesIO(data))
    target.write_bytes(buffer.getvalue())
    return target


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _repack(dist: importlib.metadata.Distribution, directory: Path) -> Path:
    """A wheel holding exactly the files an installed pure-Python distribution lists in RECORD."""
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"]).lower()
    version = dist.version
    target = directory / f"{name}-{version}-py3-none-any.whl"
    dist_info = f"{name}-{version}.dist-info"
    contents: dict[str, bytes] = {}
    for file in dist.files or ():
        parts = file.parts
        if ".." in parts or parts[-1].endswith(".pyc") or "__pycache__" in parts:
            continue
        source = Path(str(file.locate()))
        if not source.is_file():
            continue
        if parts[0].endswith(".dist-info"):
            if parts[-1] in {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}:
                continue
            parts = (dist_info, *parts[1:])
        contents["/".join(parts)] = source.read_bytes()
    contents[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for path, data in contents.items():
        writer.writerow([path, _record_hash(data), len(data)])
    writer.writerow([f"{dist_info}/RECORD", "", ""])
    contents[f"{dist_info}/RECORD"] = record.getvalue().encode()
    directory.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in contents.items():
            archive.writestr(path, data)
    return target


def installed_wheels(requirement: str, directory: Path) -> list[Path]:
    """Wheels of *requirement* and its runtime dependencies, as installed in this interpreter."""
    wheels: list[Path] = []
    seen: set[str] = set()
    pending = [Requirement(requirement)]
    while pending:
        req = pending.pop()
        key = re.sub(r"[-_.]+", "-", req.name).lower()
        if key in seen or (req.marker is not None and not req.marker.evaluate({"extra": ""})):
            continue
        seen.add(key)
        dist = importlib.metadata.distribution(req.name)
        wheels.append(_repack(dist, directory))
        pending.extend(Requirement(text) for text in dist.requires or ())
    return wheels
