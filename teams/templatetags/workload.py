"""How workload figures read on a page: the state words and looks (no queries here)."""

from django import template

from teams.workload.states import StateLook, look

register = template.Library()


@register.filter
def state_look(state: str) -> StateLook:
    """A state's word and classes: ``{% with look=figures.state|state_look %}``."""
    return look(state)
