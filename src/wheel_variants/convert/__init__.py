"""``wheel-variants convert``: turn a package's per-backend indexes into one PEP 825 folder.

``simpleindex`` parses project pages, ``http`` reads them (bounded, timed), ``plan`` decides the
outputs (pure), ``providers`` fills the release's providers table, ``fetch`` downloads and checks
a wheel, ``state`` remembers what each output was made from, ``output`` writes the index pages,
and ``run.convert_package`` ties them together.
"""

from __future__ import annotations

__all__ = ["ConvertOptions", "ConvertResult", "convert_package"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .plan import ConvertOptions
    from .run import ConvertResult, convert_package


def __getattr__(name: str) -> object:
    # Imported on first use: `wheel-variants --help` builds every command's parser.
    if name == "ConvertOptions":
        from .plan import ConvertOptions

        return ConvertOptions
    if name in ("ConvertResult", "convert_package"):
        from . import run

        return getattr(run, name)
    raise AttributeError(name)
