"""The built-in catalog of index variants (data in ``packages.toml``) and the user's overrides.

:func:`load_packages` gives the packages in effect for a project: the catalog, with the index
bases overridden by ``[tool.wheel-variants] index-bases`` and ``WHEEL_VARIANTS_INDEX_BASE_<NAME>``,
and each package of ``[tool.wheel-variants.packages]`` replacing the catalog's entry of that name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..tomlfile import parse_toml

if TYPE_CHECKING:
    from ..packages import PackagesConfig

__all__ = ["CATALOG_FILE", "USER_PREFIX", "catalog_document", "load_catalog", "load_packages"]

CATALOG_FILE = "wheel_variants/catalog/packages.toml"
USER_PREFIX = "[tool.wheel-variants]"


@lru_cache(maxsize=1)
def catalog_document() -> Mapping[str, Any]:
    """The parsed catalog data file (read once per process)."""
    text = resources.files(__name__).joinpath("packages.toml").read_text(encoding="utf-8")
    return parse_toml(text, CATALOG_FILE)


def load_catalog(override_bases: Mapping[str, str] | None = None) -> PackagesConfig:
    """The catalog alone, with *override_bases* replacing its index bases."""
    from ..packages import parse_packages

    return parse_packages(catalog_document(), prefix=CATALOG_FILE, origin="catalog", override_bases=override_bases)


def load_packages(
    tool_table: Mapping[str, Any] | None,
    environ: Mapping[str, str] | None = None,
) -> PackagesConfig:
    """Packages in effect for a project whose ``[tool.wheel-variants]`` table is *tool_table*."""
    from ..config import check_tool_table
    from ..packages import index_base_overrides, parse_packages

    check_tool_table(tool_table)  # not a table, or a misspelled key such as 'pakages'

    env_bases = index_base_overrides(os.environ if environ is None else environ)
    catalog_bases = catalog_document().get("index-bases", {})
    user = parse_packages(
        tool_table,
        prefix=USER_PREFIX,
        origin="pyproject.toml",
        default_bases=catalog_bases,
        override_bases=env_bases,
    )
    catalog = load_catalog(dict(user.index_bases))
    return catalog.overridden_by(user)
