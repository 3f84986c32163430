"""PDM plugin for wheel-variants (arrives with the PDM issue; nothing is registered yet)."""
