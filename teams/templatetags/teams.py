"""Formatting of team figures in templates (no queries here)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat

from teams.access import Menu, access_for, may_create_schools, menu_for
from teams.workload.hours_input import display_number

register = template.Library()


@register.filter
def hours(value: Decimal | None) -> str:
    """Hours with at most one decimal, Dutch or English separator; a dash when unknown."""
    if value is None:
        return "\u2013"
    return str(floatformat(value, "-1"))


@register.filter
def number(value: Decimal | None) -> str:
    """A number in the page's language without trailing zeros ("0,75", "2"); a dash when
    unknown."""
    if value is None:
        return "\u2013"
    return display_number(value)


@register.filter
def iso_date(value: str | None) -> date | str | None:
    """A date kept as ISO text (in a reminder's data) as a date, for the ``date`` filter to
    write in the page's language; anything else unchanged."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return value


@register.filter
def hours_of(row: Any, assignment: Any) -> Decimal:
    hours: Decimal = row.hours_of(assignment)
    return hours


@register.filter
def needs_new_person(row: Any, assignment: Any) -> bool:
    return bool(row.needs_new_person(assignment))


@register.filter
def sees_workload(user: Any, school: Any) -> bool:
    """Whether the account may open the school's workload dashboard
    (:meth:`teams.access.Access.can_see_workload`, from the access the view already loaded
    for this request)."""
    return access_for(user).can_see_workload(school.pk)


@register.filter
def creates_schools(user: Any) -> bool:
    """Whether the account may create school groups and schools
    (:func:`teams.access.may_create_schools`)."""
    return may_create_schools(user)


@register.filter
def main_menu(user: Any) -> Menu:
    """The menu items that lead somewhere for the account (:func:`teams.access.menu_for`):
    ``{% with menu=user|main_menu %}``."""
    return menu_for(user)
