"""PDM's TOML files (``pyproject.toml``, the lock): where they are, their data, the document to edit.

Internal names used here are named in each helper's docstring, with the PDM releases they were
verified on (2.26.0, 2.29.3, 2.29.4).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdm.project.lockfile.base import Lockfile

__all__ = ["lockfile_path", "read_toml", "toml_data", "toml_document", "toml_for_write", "without_key"]


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


@contextlib.contextmanager
def without_key(file: Any, key: str) -> Iterator[None]:
    """Hold ``metadata[key]`` of the lock data aside for the duration (put back as it was).

    For ``Project.get_locked_repository``, which deep-copies the whole lock for a reader that
    never looks at that table (``LockedRepository``): the plugin's table is most of a many-label
    lock. Only plain parsed data is touched (PDM 2.26.2+ holds a dict until it formats a lock); a
    tomlkit document is left alone. Internal: ``TOMLFile._data``, as in :func:`toml_data`.
    """
    data = file._data
    metadata = data.get("metadata") if type(data) is dict else None
    table = metadata.pop(key, None) if type(metadata) is dict else None
    try:
        yield
    finally:
        if table is not None:
            metadata[key] = table  # type: ignore[index]


def toml_for_write(file: Any) -> Any:
    """The tomlkit document that ``file.write()`` saves (edit it in place).

    ``TOMLFile.open_for_write()`` since PDM 2.26.2; before, ``TOMLBase._data`` (internal).
    """
    open_for_write = getattr(file, "open_for_write", None)
    return open_for_write() if open_for_write is not None else file._data
