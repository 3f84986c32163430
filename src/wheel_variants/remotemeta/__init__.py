"""A wheel's core metadata without its body: PEP 658 file, HTTP range requests, or a bounded download.

GPU wheels run from hundreds of megabytes to gigabytes; reading one ``METADATA`` should not cost
that. The pieces, each in its own module:

* :mod:`~wheel_variants.remotemeta.zipindex` parses a zip's end record and central directory
  (zip64 included) and locates and inflates one member, from bytes alone;
* :mod:`~wheel_variants.remotemeta.transport` is the HTTP seam (a protocol, and a stdlib
  ``urllib`` implementation for tests and the command line; the PDM plugin supplies one over
  PDM's session);
* :mod:`~wheel_variants.remotemeta.link` is a wheel as the index lists it (hash, PEP 658 offer);
* :mod:`~wheel_variants.remotemeta.ranges` sends one ``Range`` request and checks the ``206``
  answer and its ``Content-Range`` exactly;
* :mod:`~wheel_variants.remotemeta.fetch` is the strategy: the PEP 658/714 file, else ranges,
  else the whole wheel (:mod:`~wheel_variants.remotemeta.download`: streamed with a byte limit);
* :mod:`~wheel_variants.remotemeta.store` caches the result by the wheel's sha256 (or URL).

Nothing is imported here, so ``import wheel_variants`` stays cheap.
"""
