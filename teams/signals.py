"""Signals of the teams app, for apps built on it (teams never imports them)."""

from django.dispatch import Signal

# Sent by ``teams.demo.seed_demo`` inside its transaction, with ``schools`` (the demo
# schools) and ``school_year``: other apps add their part of the demo (the step plan: a
# pilot). A receiver that raises undoes the whole demo.
demo_seeded = Signal()
