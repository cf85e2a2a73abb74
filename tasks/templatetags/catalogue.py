"""Formatting of catalogue values in templates."""

from typing import Any

from django import template
from django.utils.translation import gettext as _

from tasks.models import Frequency, Level

register = template.Library()

_LABELS = {"frequency": dict(Frequency.choices), "level": dict(Level.choices)}


@register.filter
def change_value(value: Any, field: str) -> str:
    """A value from an import's change list as a reader would say it."""
    if value is None or value == "":
        return "\u2013"  # en dash
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    labels = _LABELS.get(field)
    if labels and value in labels:
        return str(labels[value])
    return str(value)
