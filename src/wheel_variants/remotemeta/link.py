"""A wheel as its index lists it: URL, file name, hash, and the PEP 658/714 metadata file offered.

Pure: built from the values an index page gives (an ``href`` with its ``#sha256=`` fragment, the
JSON ``hashes``, the ``data-core-metadata`` attribute or the JSON ``core-metadata`` key).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["WheelLink", "core_metadata_hashes"]


@dataclass(frozen=True, slots=True, kw_only=True)
class WheelLink:
    """A wheel on an index, as its page lists it.

    ``sha256`` is the wheel's hash from the index or the lock (the cache key); ``metadata_url`` the
    PEP 658 file when the index offers one, with its advertised ``metadata_hashes``
    (``(("sha256", "<hex>"),)``; empty when offered as ``true``)."""

    url: str
    filename: str
    sha256: str | None = None
    metadata_url: str | None = None
    metadata_hashes: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_index(
        cls,
        url: str,
        *,
        filename: str | None = None,
        hashes: Mapping[str, str] | None = None,
        core_metadata: object = None,
    ) -> WheelLink:
        """From an index entry: *url* (a ``#sha256=`` fragment is read and dropped), the JSON
        ``hashes`` and the ``core-metadata`` / ``data-core-metadata`` value as found."""
        bare, _, fragment = url.partition("#")
        known = dict(hashes or {})
        algorithm, _, digest = fragment.partition("=")
        if algorithm and digest:
            known.setdefault(algorithm, digest)
        offered = core_metadata_hashes(core_metadata)
        return cls(
            url=bare,
            filename=filename or bare.rsplit("/", 1)[-1],
            sha256=known.get("sha256"),
            metadata_url=f"{bare}.metadata" if offered is not None else None,
            metadata_hashes=offered or (),
        )


def core_metadata_hashes(value: object) -> tuple[tuple[str, str], ...] | None:
    """The hashes of a PEP 658/714 offer, ``()`` for an offer without one, ``None`` for none.

    *value* is the HTML attribute (``"true"``, ``"sha256=<hex>"``; absent is ``None``) or the JSON
    ``core-metadata`` value (``true``, ``false``, ``{"sha256": "<hex>"}``)."""
    if value is None or value is False:
        return None
    if value is True:
        return ()
    if isinstance(value, Mapping):
        return tuple(sorted((str(key).lower(), str(digest).lower()) for key, digest in value.items()))
    if isinstance(value, str):
        algorithm, sep, digest = value.strip().partition("=")
        if sep and algorithm and digest:
            return ((algorithm.lower(), digest.lower()),)
        return () if value.strip().lower() != "false" else None
    return None
