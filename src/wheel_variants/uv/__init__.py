"""uv support: ``[tool.uv]`` routing for per-backend packages, and uv's own choice of variant wheels.

Modules: ``plan`` (the options and the plan as data), ``routing`` (``plan_uv``: the markers form
and the extras/groups forms), ``markers`` (PEP 508 marker algebra), ``writer`` (the plan applied
to ``pyproject.toml`` text) and ``preview`` (where uv's preview variant support differs from
``explain``). Nothing is imported here: ``explain`` needs only ``preview``.
"""
