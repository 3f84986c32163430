"""Hatchling plugin for PEP 825 variant wheels.

* ``variants`` build hook on the ``wheel`` target: builds the variant named by ``HATCH_VARIANT``
  (default builds stay non-variant);
* ``variant-wheel`` builder: ``hatch build -t variant-wheel[:label,...]`` builds declared variants;
* ``hatch_variants.build``: a PEP 517 backend wrapping ``hatchling.build`` that honours
  ``-C variant-label=<label>``.

The logic lives in :mod:`wheel_variants`; these modules adapt it to hatchling.
"""
