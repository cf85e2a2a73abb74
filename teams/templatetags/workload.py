"""How workload figures read on a page: the state words and looks (no queries here)."""

from typing import Any

from django import template

from teams.workload.states import StateLook, badge_text, look

register = template.Library()


@register.filter
def state_look(state: str) -> StateLook:
    """A state's word and classes: ``{% with look=figures.state|state_look %}``."""
    return look(state)


@register.filter
def load_badge(figures: Any) -> str:
    """A person's share of the budget with the state word where it matters (the calculator's
    percent and state): ``{{ load.figures|load_badge }}``."""
    return badge_text(figures.percent, figures.state)
