"""Settings that change a school's figures (limits, hours factor, budget conversion), and
asking for new figures."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from teams.models import MAX_SIZE, Budget, School, SchoolYear, SizeMeasure
from teams.models.organisation import (
    validate_conversion,
    validate_hours_factor,
    validate_limits,
)
from teams.workload.figures import mark_changed
from teams.workload.units import CONVERTED_UNITS, budget_hours

# --- Task lists -----------------------------------------------------------------------------


def mark_from_now(school_ids: list[int]) -> None:
    """Ask for new figures for the current school year and any later one being planned."""
    for year in SchoolYear.from_current():
        mark_changed(school_ids, year)


def school_with_sisters(school: School) -> list[int]:
    """The ids of a school and, in a school group, of its sister schools: a person's budget
    in one decides how their work for the school group is divided over all of them."""
    if school.school_group_id is None:
        return [school.pk]
    return list(
        School.objects.filter(school_group_id=school.school_group_id).values_list("pk", flat=True)
    )


def set_limits(*, school: School, busy_from: int, overloaded_above: int) -> None:
    """Set the school's workload limits: the share of the budget (in %) from which a person
    counts as busy, and above which as overloaded (``ValidationError`` outside the range)."""
    validate_limits(busy_from, overloaded_above)
    school.busy_from_percent, school.overloaded_above_percent = busy_from, overloaded_above
    school.save(update_fields=["busy_from_percent", "overloaded_above_percent"])
    mark_from_now([school.pk])


def set_hours_factor(
    *, school: School, size_measure: str, size: int | None, factor_by_hand: Decimal | None
) -> Decimal:
    """Set how the catalogue's hours fit the school: its size in pupils or devices, or a
    factor of its own (which wins). Tasks with the school's own hours keep them.

    Returns the factor that now applies. Raises ``ValidationError`` for a size
    without its measure (or the other way round) or a factor outside the range,
    writing nothing.
    """
    if size_measure not in SizeMeasure.values and size_measure != "":
        raise ValidationError(_("Choose pupils or devices."))
    if bool(size_measure) != (size is not None) or (size is not None and not 1 <= size <= MAX_SIZE):
        raise ValidationError(
            _("Give the number of pupils or devices (1 to %(max)s) together with what it counts.")
            % {"max": MAX_SIZE}
        )
    if factor_by_hand is not None:
        validate_hours_factor(factor_by_hand)
    with transaction.atomic():
        school.size_measure, school.size = size_measure, size
        school.hours_factor_by_hand = factor_by_hand
        school.save(update_fields=["size_measure", "size", "hours_factor_by_hand"])
        mark_from_now([school.pk])
    return school.hours_factor


def set_budget_conversion(*, school: School, minutes_per_period: int, weeks_per_year: int) -> int:
    """Set how the school turns teaching periods and hours a week into hours a year.

    Budgets of this and later school years that were given in those units are
    converted again, so their hours follow; returns how many changed. Raises
    ``ValidationError`` outside the ranges of minutes and weeks, writing nothing.
    """
    validate_conversion(minutes_per_period, weeks_per_year)
    with transaction.atomic():
        school.minutes_per_period, school.weeks_per_year = minutes_per_period, weeks_per_year
        school.save(update_fields=["minutes_per_period", "weeks_per_year"])
        years = list(SchoolYear.from_current())
        changed = 0
        for budget in Budget.objects.select_for_update().filter(
            school=school,
            school_year__in=years,
            entered_unit__in=CONVERTED_UNITS,
            entered_amount__isnull=False,
        ):
            assert budget.entered_amount is not None
            hours = budget_hours(budget.entered_amount, budget.entered_unit, school)
            if hours != budget.hours_per_year:
                budget.hours_per_year = hours
                budget.full_clean()
                budget.save(update_fields=["hours_per_year"])
                changed += 1
        if changed:
            for year in years:
                mark_changed(school_with_sisters(school), year)
    return changed
