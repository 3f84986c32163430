"""``pdm variants`` and its subcommands."""
