"""Wheel filenames with an optional PEP 825 variant label after the platform tag.

``{name}-{version}(-{build})?-{python}-{abi}-{platform}(-{label})?.whl``

A build tag starts with a digit and a Python tag must not (PEP 825), which is what makes a
six-part name unambiguous: ``name-ver-1-py3-none-any`` has a build tag, ``name-ver-py3-none-any-cu126``
has a label. ``null`` labels the null variant; a name without a label is a non-variant wheel.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .errors import InvalidFilenameError, InvalidLabelError, VariantsError, located

__all__ = ["NULL_LABEL", "WheelFilename", "is_dots_label", "split_label", "validate_label"]

NULL_LABEL = "null"

_LABEL = re.compile(r"[0-9a-z_.]+")
_NAME = re.compile(r"[A-Za-z0-9_.]+")
_VERSION = re.compile(r"[A-Za-z0-9_.!+]+")
_BUILD = re.compile(r"[0-9][A-Za-z0-9_.]*")
_TAG = re.compile(r"[A-Za-z0-9_.]+")


def validate_label(label: object, where: str | None = None) -> str:
    """Return *label* if it is a valid PEP 825 variant label (``null`` included), else raise."""
    if not isinstance(label, str) or not _LABEL.fullmatch(label) or not label.strip("."):
        # All-dot labels match PEP 825's pattern but would name "." or ".." as a path part.
        raise InvalidLabelError(
            f"invalid variant label {label!r}{located(where)}: labels are non-empty lowercase [0-9a-z_.], not only dots"
        )
    return label


def is_dots_label(label: object) -> bool:
    """True for ``.``, ``..``, ``...``: valid PEP 825 labels that this tool skips with a warning
    (such a label would name ``.`` or ``..`` as a path part)."""
    return isinstance(label, str) and bool(label) and not label.strip(".")


@dataclass(frozen=True, slots=True, kw_only=True)
class WheelFilename:
    """The parts of a wheel filename; ``label`` is None for a non-variant wheel."""

    name: str
    version: str
    build: str | None
    python: str
    abi: str
    platform: str
    label: str | None = None

    @classmethod
    def parse(cls, filename: str) -> WheelFilename:
        """Parse *filename* (a basename ending in ``.whl``); raise InvalidFilenameError if bad."""
        if not isinstance(filename, str) or not filename.endswith(".whl"):
            raise InvalidFilenameError(f"invalid wheel filename {filename!r}: it must end in '.whl'")
        parts = filename[: -len(".whl")].split("-")
        build: str | None = None
        label: str | None = None
        if len(parts) == 5:
            name, version, python, abi, platform = parts
        elif len(parts) == 6 and parts[2][:1].isdigit():
            name, version, build, python, abi, platform = parts
        elif len(parts) == 6:
            name, version, python, abi, platform, label = parts
        elif len(parts) == 7:
            name, version, build, python, abi, platform, label = parts
        else:
            raise InvalidFilenameError(
                f"invalid wheel filename {filename!r}: expected 'name-version[-build]-python-abi-platform[-label].whl'"
            )
        _check(filename, name, _NAME, "distribution name")
        _check(filename, version, _VERSION, "version")
        _check_version(filename, version)
        if build is not None:
            _check(filename, build, _BUILD, "build tag (must start with a digit)")
        for part, what in ((python, "python tag"), (abi, "abi tag"), (platform, "platform tag")):
            _check(filename, part, _TAG, what)
        if python[:1].isdigit():
            raise InvalidFilenameError(
                f"invalid wheel filename {filename!r}: the python tag {python!r} must not start with a digit"
            )
        if label is not None and not _LABEL.fullmatch(label):
            raise InvalidFilenameError(
                f"invalid wheel filename {filename!r}: variant label {label!r} must be non-empty lowercase [0-9a-z_.]"
            )
        return cls(name=name, version=version, build=build, python=python, abi=abi, platform=platform, label=label)

    @property
    def is_variant(self) -> bool:
        """True for any labelled wheel, the null variant included."""
        return self.label is not None

    @property
    def is_null_variant(self) -> bool:
        return self.label == NULL_LABEL

    @property
    def base_filename(self) -> str:
        """The filename without the variant label: what pre-PEP 825 tools understand."""
        build = f"-{self.build}" if self.build is not None else ""
        return f"{self.name}-{self.version}{build}-{self.python}-{self.abi}-{self.platform}.whl"

    @property
    def filename(self) -> str:
        if self.label is None:
            return self.base_filename
        return f"{self.base_filename[: -len('.whl')]}-{self.label}.whl"

    def with_label(self, label: str | None) -> WheelFilename:
        """Return a copy carrying *label* (validated), or no label for None."""
        if label is not None:
            validate_label(label, "wheel filename label")
        return WheelFilename(
            name=self.name,
            version=self.version,
            build=self.build,
            python=self.python,
            abi=self.abi,
            platform=self.platform,
            label=label,
        )

    def __str__(self) -> str:
        return self.filename


@functools.lru_cache(maxsize=8192)
def split_label(filename: str) -> tuple[str, str] | None:
    """``(base filename, label)`` of a PEP 825 variant wheel's *filename*; None for anything else,
    a malformed labelled name included (hosts then judge it as the plain file name it is not).

    Cheap for the common case (a plain wheel or an sdist): no parsing unless the part count
    says a label may be there. Hosts call it for every link of an index page, several times
    (finding, ranking, locking): the answers are kept.
    """
    if not filename.endswith(".whl"):
        return None
    parts = filename[:-4].split("-")
    if not (len(parts) == 7 or (len(parts) == 6 and not parts[2][:1].isdigit())):
        return None
    try:
        parsed = WheelFilename.parse(filename)
    except VariantsError:
        return None
    if parsed.label is None:
        return None
    return parsed.base_filename, parsed.label


def _check_version(filename: str, version: str) -> None:
    if not _is_pep440(version):
        raise InvalidFilenameError(f"invalid wheel filename {filename!r}: version {version!r} is not a PEP 440 version")


@functools.lru_cache(maxsize=1024)
def _is_pep440(version: str) -> bool:
    """Kept per version: every file of a release (one per label and platform) has the same one."""
    from packaging.version import InvalidVersion, Version

    try:
        Version(version)
    except InvalidVersion:
        return False
    return True


def _check(filename: str, part: str, pattern: re.Pattern[str], what: str) -> None:
    if not pattern.fullmatch(part):
        raise InvalidFilenameError(f"invalid wheel filename {filename!r}: bad {what} {part!r}")
