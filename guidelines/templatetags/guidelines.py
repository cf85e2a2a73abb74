"""Template filters of the guidelines app (they read the access already loaded; no queries
of their own beyond it)."""

from typing import Any

from django import template

from guidelines.access import can_publish
from guidelines.access import follows_pilots as follows
from guidelines.access import has_step_plan as step_plan

register = template.Library()


@register.filter
def follows_pilots(user: Any) -> bool:
    """Whether the account follows pilots: the department viewer, a school group administrator."""
    return follows(user)


@register.filter
def has_step_plan(user: Any) -> bool:
    """Whether the account sees a school's step plan (:func:`guidelines.access.has_step_plan`)."""
    return step_plan(user)


@register.filter
def publishes_guidelines(user: Any) -> bool:
    """Whether the account uploads and publishes guideline versions: a platform administrator."""
    return can_publish(user)
