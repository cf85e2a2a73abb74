"""Project-wide pages that belong to no single app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from teams.access import access_for


def home(request: HttpRequest) -> HttpResponse:
    """Send each account to the page made for it: the department to the pilots, a platform
    administrator to every school and school group, a coordinator of one school to its
    dashboard, managers to their schools, staff to their tasks, a catalogue maintainer to
    the catalogue; an account without any of these to the schools page, which says whom
    to ask."""
    access = access_for(request.user)
    if access.is_department:
        return redirect("guidelines:pilots")
    if access.is_platform_admin:
        return redirect("teams:schools")
    if len(access.managed_school_ids) == 1 and access.coordinator_school_ids:
        return redirect("teams:workload", next(iter(access.managed_school_ids)))
    if access.managed_school_ids or access.admin_school_group_ids:
        return redirect("teams:schools")
    if access.member_school_ids:
        return redirect("teams:my_tasks")
    if request.user.has_perm("tasks.import_catalogue"):
        return redirect("tasks:catalogue")
    return redirect("teams:schools")
