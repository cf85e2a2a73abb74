"""A person's tasks: the signed-in person's own, in every school they work in now, and a
staff member's in one school, which the person's page loads from here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ictteam.http import HtmxHttpRequest
from teams import access
from teams.assignments.distribution import member_summary
from teams.models import Appointment, Occurrence, SchoolYear, StaffMember


def my_tasks(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own tasks and hours, in every school they work in now; nothing
    of a school they left."""
    year = SchoolYear.from_param(request.GET.get("year"))
    member = StaffMember.objects.filter(user_id=request.user.pk or 0).first()
    summaries = []
    if member is not None:
        here = Appointment.objects.current().filter(staff_member=member)
        schools = list(access.visible_schools(request.user).filter(pk__in=here.values("school_id")))
        summaries = [member_summary(member, school, year) for school in schools]
    return render(
        request,
        "teams/my_tasks.html",
        {
            "member": member,
            "summaries": summaries,
            "overdue": Occurrence.objects.overdue_of(member, timezone.localdate()),
            "year": year,
            "years": SchoolYear.objects.all(),
        },
    )


def member_tasks(request: HtmxHttpRequest, school_id: int, member_id: int) -> HttpResponse:
    """A staff member's tasks on the school's board in a year and what they carry there:
    the part of the person's page that htmx loads, or a page of its own when opened."""
    school = access.get_school(request.user, school_id)
    member = access.get_staff_member(request.user, school, member_id)
    year = SchoolYear.from_param(request.GET.get("year"))
    template = "teams/_member_tasks.html" if request.htmx else "teams/member_tasks.html"
    context = {"school": school, "member": member, "year": year, "years": SchoolYear.objects.all()}
    return render(request, template, {**context, "summary": member_summary(member, school, year)})
