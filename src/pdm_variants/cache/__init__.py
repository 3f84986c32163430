"""Variant-keyed caches PDM uses: built wheels and unpacked wheels."""
