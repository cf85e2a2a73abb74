"""Project-wide pages that belong to no single app."""

from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from health_check.views import HealthCheckView

from ictteam.celery import BrokerCheck, app
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


HEALTH_CHECKS = [
    "health_check.checks.Database",
    "health_check.checks.Cache",
    "health_check.checks.Storage",
]


class HealthView(HealthCheckView):  # type: ignore[misc]  # django-health-check ships no type hints
    """``/health/`` for load balancers and monitors: 200 when every check passes, 503 when
    one fails, whatever failed. With a broker configured, it checks the broker too.

    Anyone may ask (no login), so anyone gets only the status: ``ok`` or ``unavailable``.
    Which check failed, and why, is in the log; platform administrators also see it on
    the page, in django-health-check's formats.
    """

    checks = HEALTH_CHECKS

    def get_checks(self) -> Any:
        """The checks, and the broker's when jobs leave the process (a broker is set)."""
        yield from super().get_checks()
        if not app.conf.task_always_eager:
            yield BrokerCheck()

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        detailed: HttpResponse = await super().get(request, *args, **kwargs)
        healthy = not any(result.error for result in self.results)
        if not await _may_see_details(request):
            return HttpResponse(
                "ok\n" if healthy else "unavailable\n",
                content_type="text/plain; charset=utf-8",
                status=200 if healthy else 503,
            )
        if not healthy and detailed.status_code == 500:
            detailed.status_code = 503
        return detailed


async def _may_see_details(request: HttpRequest) -> bool:
    """Whether the visitor is a platform administrator; with the database down, nobody is."""
    try:
        user = await request.auser()
        if not user.is_authenticated:
            return False
        access = await sync_to_async(access_for)(user)
    except Exception:  # the session or account could not be read: answer as to anyone
        return False
    return access.is_platform_admin
