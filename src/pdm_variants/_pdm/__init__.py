"""Every use of PDM and unearth internals (non-public names and data shapes) lives here, and only here.

One module per concern: :mod:`.seams` (supported releases, the internals checked at load,
chaining onto ``Core``), :mod:`.http`, :mod:`.lockfile`, :mod:`.sources`, :mod:`.candidates`,
:mod:`.finder`, :mod:`.install`. Each helper names the internal it relies on and the releases it
was verified on, so a new PDM release is checked against this package alone.
"""
