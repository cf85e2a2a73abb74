"""Budget units: the ways a budget can be given, and what each is worth in hours a year.

A budget is always kept and shown in hours a year, with what was typed beside
it. This module is the only place that converts: the models, the staff form,
the staff and workload services all call it. It imports none of the models, so
the models can use it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from teams.workload.hours_input import display_number

# A full-time post: 38 hours a week over the 37 weeks of a Flemish school year, the same
# in every school (a school's own weeks per year count only for budgets given per week).
HOURS_PER_WEEK_FULL_TIME = Decimal(38)
WEEKS_PER_SCHOOL_YEAR = Decimal(37)
HOURS_PER_YEAR_FULL_TIME = HOURS_PER_WEEK_FULL_TIME * WEEKS_PER_SCHOOL_YEAR
MAX_BUDGET_HOURS = Decimal(2000)
# What a school may set for converting budgets: minutes per teaching period, weeks a year.
MINUTES_PER_PERIOD_RANGE = (10, 120)
WEEKS_PER_YEAR_RANGE = (30, 52)
CENT = Decimal("0.01")


class BudgetUnit(models.TextChoices):
    """The unit a budget was given in; the budget itself is always kept in hours a year."""

    YEAR = "year", _("hours per year")
    WEEK = "week", _("hours per week")
    FTE = "fte", _("fraction of a full-time post")
    PERIODS = "periods", _("teaching periods per week")


class Conversion(Protocol):
    """A school's figures for converting budgets (a ``School`` has them)."""

    @property
    def minutes_per_period(self) -> int: ...
    @property
    def weeks_per_year(self) -> int: ...


def hours_per_period_year(school: Conversion) -> Decimal:
    """Hours a year that one teaching period a week gives in the school."""
    return Decimal(school.minutes_per_period) * school.weeks_per_year / 60


def budget_hours(amount: Decimal, unit: str, school: Conversion) -> Decimal:
    """A budget given in ``unit`` as hours a year in ``school``, to the cent.

    Hours per week and teaching periods count over the school's weeks per year;
    a period lasts the school's minutes per period; a full-time post is
    :data:`HOURS_PER_YEAR_FULL_TIME` everywhere.
    """
    if unit == BudgetUnit.WEEK:
        hours = amount * school.weeks_per_year
    elif unit == BudgetUnit.FTE:
        hours = amount * HOURS_PER_YEAR_FULL_TIME
    elif unit == BudgetUnit.PERIODS:
        hours = amount * hours_per_period_year(school)
    else:
        hours = amount
    return hours.quantize(CENT)


def given_budget(amount: Decimal, unit: str, school: Conversion) -> Decimal:
    """What a budget as typed comes to in hours a year in ``school``, or ``ValidationError``
    saying why it cannot be (more than a full-time post, more than :data:`MAX_BUDGET_HOURS`)."""
    if unit == BudgetUnit.FTE and amount > 1:
        raise ValidationError(
            _("A fraction of a full-time post is at most 1."), code="more_than_full_time"
        )
    hours = budget_hours(amount, unit, school)
    if hours > MAX_BUDGET_HOURS:
        raise ValidationError(
            _("That is %(hours)s hours a year, more than the maximum of %(max)s."),
            code="over_maximum",
            params={"hours": display_number(hours), "max": display_number(MAX_BUDGET_HOURS)},
        )
    return hours


def as_given(amount: Decimal | None, unit: str) -> tuple[Decimal | None, str]:
    """What a budget keeps of how it was typed: nothing for hours a year (the hours say it)."""
    if unit == BudgetUnit.YEAR or amount is None:
        return None, BudgetUnit.YEAR
    return amount, unit


# Budgets given in these units follow the school's minutes and weeks: they are converted
# again when those change.
CONVERTED_UNITS = (BudgetUnit.WEEK, BudgetUnit.PERIODS)


def hours_per_week(hours_per_year: Decimal, school: Conversion) -> Decimal:
    """Hours a year spread over the school's weeks, to a tenth."""
    return (hours_per_year / school.weeks_per_year).quantize(Decimal("0.1"))


def fraction_of_full_time(hours_per_year: Decimal) -> Decimal:
    return (hours_per_year / HOURS_PER_YEAR_FULL_TIME).quantize(CENT)
