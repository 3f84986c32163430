"""Finding files: PEP 825 variant wheels in PDM's finder, the repository that never falls back to ordinary sources."""
