"""Built-in variant providers, one module per namespace.

Each module exposes ``probe(system) -> ProbeResult``: a primary probe, its fallbacks, and pure
text parsers kept in ``*_parse`` functions so tests can feed them captured dumps. A missing device
gives an empty result, never an exception; a broken source gives a warning naming it.
"""
