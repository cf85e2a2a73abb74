"""Signals other apps listen to, so the catalogue need not know about them."""

from django.dispatch import Signal

# Sent after an import has changed the catalogue (tasks created, updated or retired).
catalogue_changed = Signal()
