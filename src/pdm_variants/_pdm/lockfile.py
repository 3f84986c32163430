"""PDM's TOML files (``pyproject.toml``, the lock): where they are, their data, the document to edit.

Internal names used here are named in each helper's docstring, with the PDM releases they were
verified on (2.26.0, 2.29.3, 2.29.4).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdm.project.lockfile.base import Lockfile

__all__ = ["lockfile_path", "read_toml", "toml_data", "toml_document", "toml_for_write"]


def lockfile_path(lockfile: Lockfile) -> Path:
    """Where the lock file lives. Internal: ``TOMLFile._path``."""
    return Path(lockfile._path)


def read_toml(file: Any) -> dict[str, Any]:
    """Plain data of PDM's ``project.pyproject`` or ``project.lockfile``.

    ``TOMLFile.open_for_read()`` since PDM 2.26.2; before, the file was a tomlkit ``TOMLFile``
    whose parsed document is ``TOMLBase._data`` (internal).
    """
    read = getattr(file, "open_for_read", None)
    if read is not None:
        data: dict[str, Any] = read()
        return data
    return file._data.unwrap()  # type: ignore[no-any-return]


def toml_data(file: Any) -> tuple[object, Mapping[str, Any]]:
    """The data PDM holds in memory for ``project.lockfile`` or ``project.pyproject``, without the
    deep copy ``open_for_read()`` makes (a millisecond for a large file, asked many times per
    command): an identity token (a new object whenever PDM formats, reloads or sets the file; a
    ``pyproject.toml`` may also change in place) and the plain data, which the caller must not change.

    Internal: ``TOMLFile._data``, a dict parsed by ``tomllib``, or a tomlkit document once opened
    for writing (always one before PDM 2.26.2).
    """
    data = file._data
    return data, (data.unwrap() if hasattr(data, "unwrap") else data)


def toml_document(file: Any) -> Mapping[str, Any]:
    """The object :func:`toml_data` names its token: the data as PDM holds it (a dict, or a
    tomlkit document), for a key looked up without unwrapping a whole document. Read only.
    Internal: ``TOMLFile._data``, as in :func:`toml_data`."""
    return file._data  # type: ignore[no-any-return]


def toml_for_write(file: Any) -> Any:
    """The tomlkit document that ``file.write()`` saves (edit it in place).

    ``TOMLFile.open_for_write()`` since PDM 2.26.2; before, ``TOMLBase._data`` (internal).
    """
    open_for_write = getattr(file, "open_for_write", None)
    return open_for_write() if open_for_write is not None else file._data
