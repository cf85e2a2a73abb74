"""The workload dashboard of a school, for its coordinators and directors."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from teams import access
from teams.models import Occurrence, School, SchoolYear
from teams.workload import services
from teams.workload.calculator import LIMIT_RANGE, REFERENCE_SIZE, task_hours
from teams.workload.forms import BudgetConversionForm, HoursFactorForm, LimitsForm
from teams.workload.hours_input import display_number
from teams.workload.reading import school_dashboard
from teams.workload.units import MINUTES_PER_PERIOD_RANGE, WEEKS_PER_YEAR_RANGE

EXAMPLE_HOURS = Decimal(20)  # a catalogue task's hours, to show what the school's factor does


def dashboard(request: HttpRequest, school_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id)
    return _dashboard(request, school)


def _dashboard(
    request: HttpRequest, school: School, factor_form: HoursFactorForm | None = None
) -> HttpResponse:
    rights = access.access_for(request.user)
    if not rights.can_see_workload(school.pk):
        raise PermissionDenied
    year = SchoolYear.from_param(request.GET.get("year"))
    data = school_dashboard(school, year)
    return render(
        request,
        "teams/workload.html",
        {
            "school": school,
            "year": year,
            "data": data,
            "groups": data.groups(),
            "chart_data": data.chart_data(),
            "overdue": Occurrence.objects.overdue_in(school, timezone.localdate()),
            "can_manage": rights.can_manage_school(school.pk),
            "years": SchoolYear.objects.all(),
            "factor_form": factor_form or HoursFactorForm(initial=factor_initial(school)),
            "reference": REFERENCE_SIZE,
            "limit_range": LIMIT_RANGE,
            "conversion_ranges": {
                "minutes": MINUTES_PER_PERIOD_RANGE,
                "weeks": WEEKS_PER_YEAR_RANGE,
            },
            "factor_example": {
                "catalogue": EXAMPLE_HOURS,
                "here": task_hours(None, EXAMPLE_HOURS, school.hours_factor),
            },
        },
        status=400 if factor_form is not None else 200,
    )


def factor_initial(school: School) -> dict[str, object]:
    return {
        "size_measure": school.size_measure,
        "size": school.size,
        "hours_factor_by_hand": school.hours_factor_by_hand,
    }


@require_POST
def limits(request: HttpRequest, school_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id, manage=True)
    form = LimitsForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.invalid_message)
        services.set_limits(school=school, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The limits were saved; the figures are being recalculated."))
    return redirect(reverse("teams:workload", args=[school.pk]))


@require_POST
def budget_conversion(request: HttpRequest, school_id: int) -> HttpResponse:
    """How many hours a teaching period and a week of ICT budget are worth in this school."""
    school = access.get_school(request.user, school_id, manage=True)
    form = BudgetConversionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.invalid_message)
        changed = services.set_budget_conversion(school=school, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            ngettext(
                "Saved; %(count)s budget given in periods or hours a week was converted again.",
                "Saved; %(count)s budgets given in periods or hours a week were converted again.",
                changed,
            )
            % {"count": changed},
        )
    return redirect(reverse("teams:workload", args=[school.pk]) + "#conversion-title")


@require_POST
def hours_factor(request: HttpRequest, school_id: int) -> HttpResponse:
    """How the catalogue's hours fit this school: by its size, or by a factor of its own."""
    school = access.get_school(request.user, school_id, manage=True)
    form = HoursFactorForm(request.POST)
    if form.is_valid():
        try:
            factor = services.set_hours_factor(
                school=school,
                size_measure=form.cleaned_data["size_measure"],
                size=form.cleaned_data["size"],
                factor_by_hand=form.cleaned_data["hours_factor_by_hand"],
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                _(
                    "Saved: here the catalogue's hours are multiplied by %(factor)s; "
                    "the figures are being recalculated."
                )
                % {"factor": display_number(factor)},
            )
    else:
        return _dashboard(request, school, form)  # the figures typed stay, with what is wrong
    return redirect(reverse("teams:workload", args=[school.pk]) + "#factor-title")
