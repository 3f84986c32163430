"""The lock: one typed reading of ``pdm.lock`` / ``pylock.toml`` and one writer of the plugin's tables."""
