"""Steps past their target date, for pages of the teams app that show them.

The workload dashboard and "my tasks" load these with htmx from here (teams
never imports the step plan); without JavaScript they link here, and the same
list shows as a page of its own.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from ictteam.http import HtmxHttpRequest
from teams.access import visible_schools
from teams.models import Appointment, School, StaffMember

from .. import access
from ..services import OverdueStep, overdue_steps


def school_steps(request: HtmxHttpRequest, school_id: int) -> HttpResponse:
    """The school's steps past their target date (its workload dashboard shows them)."""
    school = access.get_plan_school(request.user, school_id)
    return _steps(request, overdue_steps(school_ids=[school.pk]), school)


def my_steps(request: HtmxHttpRequest) -> HttpResponse:
    """The steps past their target date that the signed-in person owns, in the schools they
    work in now ("my tasks" shows them)."""
    member = StaffMember.objects.filter(user_id=request.user.pk or 0).first()
    steps = []
    if member is not None:
        here = Appointment.objects.current().filter(staff_member=member)
        schools = visible_schools(request.user).filter(pk__in=here.values("school_id"))
        steps = overdue_steps(staff_member=member, school_ids=schools.values_list("pk", flat=True))
    return _steps(request, steps, None)


def _steps(
    request: HtmxHttpRequest, steps: list[OverdueStep], school: School | None
) -> HttpResponse:
    """Only the list (nothing when there is none) for htmx; otherwise a whole page."""
    context = {"overdue_steps": steps, "school": school}
    if request.htmx:
        return render(request, "guidelines/_overdue_steps.html", context)
    return render(request, "guidelines/overdue_steps.html", context)
