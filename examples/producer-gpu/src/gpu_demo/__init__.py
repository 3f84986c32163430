"""A stand-in for a CUDA package: which variant of it is installed?"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, distribution

__all__ = ["installed_variant"]


def installed_variant() -> str:
    """The variant label of the installed wheel, or ``"non-variant"`` for a plain wheel."""
    try:
        text = distribution("gpu-demo").read_text("variant.json")
    except PackageNotFoundError:
        return "not-installed"
    if text is None:
        return "non-variant"
    labels = list(json.loads(text)["variants"])
    return labels[0] if len(labels) == 1 else "invalid"


if __name__ == "__main__":
    print(installed_variant())
