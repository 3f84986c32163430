"""Which x86-64 level was the installed extension compiled for?"""

from ._level import compiled_for

__all__ = ["compiled_for"]
