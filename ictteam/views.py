"""Project-wide pages that belong to no single app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from teams.access import access_for


def home(request: HttpRequest) -> HttpResponse:
    """Send each account where its work is: its school(s), else the catalogue."""
    access = access_for(request.user)
    if access.is_department:
        return redirect("guidelines:pilots")
    if len(access.managed_school_ids) == 1 and access.coordinator_school_ids:
        return redirect("teams:workload", next(iter(access.managed_school_ids)))
    if access.managed_school_ids or access.admin_school_group_ids or access.is_superuser:
        return redirect("teams:schools")
    if access.member_school_ids:
        return redirect("teams:my_tasks")
    return redirect("tasks:catalogue")
