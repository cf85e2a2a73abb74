"""Project-wide pages that belong to no single app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from teams.access import access_for
from teams.models import Membership


def home(request: HttpRequest) -> HttpResponse:
    """Send each account where its work is: its school(s), else the catalogue."""
    access = access_for(request.user)
    if access.is_department:
        return redirect("guidelines:pilots")
    coordinates = Membership.objects.filter(
        user_id=request.user.pk or 0, kind=Membership.Kind.COORDINATOR
    )
    if len(access.managed_school_ids) == 1 and coordinates.exists():
        return redirect("teams:workload", next(iter(access.managed_school_ids)))
    if access.managed_school_ids or access.admin_group_ids or access.is_superuser:
        return redirect("teams:schools")
    if access.member_school_ids:
        return redirect("teams:my_tasks")
    return redirect("tasks:catalogue")
