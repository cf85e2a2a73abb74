"""The workload dashboard of a school, for its coordinators and directors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from guidelines.services import overdue_steps

from .. import access, services
from ..models import SchoolYear
from ..reminders import overdue
from ..workload.reading import school_dashboard


def dashboard(request: HttpRequest, school_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id)
    rights = access.access_for(request.user)
    if not (rights.can_manage_school(school.pk) or school.pk in rights.group_school_ids):
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
            "overdue": overdue.for_school(school),
            "can_manage": rights.can_manage_school(school.pk),
            "years": SchoolYear.objects.all(),
            "overdue_steps": overdue_steps(school_ids=[school.pk]),
        },
    )


@require_POST
def limits(request: HttpRequest, school_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id, manage=True)
    try:
        services.set_limits(
            school=school,
            busy_from=int(request.POST.get("busy_from", "")),
            overloaded_above=int(request.POST.get("overloaded_above", "")),
        )
    except (ValueError, ValidationError) as error:
        text = (
            error.messages[0]
            if isinstance(error, ValidationError)
            else _("Give both limits as whole percentages.")
        )
        messages.error(request, text)
    else:
        messages.success(request, _("The limits were saved; the figures are being recalculated."))
    return redirect(reverse("teams:workload", args=[school.pk]))


@require_POST
def budget_conversion(request: HttpRequest, school_id: int) -> HttpResponse:
    """How many hours a teaching period and a week of ICT budget are worth in this school."""
    school = access.get_school(request.user, school_id, manage=True)
    try:
        changed = services.set_budget_conversion(
            school=school,
            minutes_per_period=int(request.POST.get("minutes_per_period", "")),
            weeks_per_year=int(request.POST.get("weeks_per_year", "")),
        )
    except (ValueError, ValidationError) as error:
        text = (
            error.messages[0]
            if isinstance(error, ValidationError)
            else _("Give the minutes and the weeks as whole numbers.")
        )
        messages.error(request, text)
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
