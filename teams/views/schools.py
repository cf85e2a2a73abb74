"""The schools an account works in, school group overviews, and the change history."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import access, services
from ..forms import OwnTaskForm
from ..history import school_history
from ..models import SchoolTask, SchoolYear
from ..workload.reading import group_dashboard


def school_list(request: HttpRequest) -> HttpResponse:
    schools = list(access.visible_schools(request.user))
    groups = list(access.visible_groups(request.user))
    if len(schools) == 1 and not groups:
        return redirect(schools[0])
    return render(request, "teams/school_list.html", {"schools": schools, "groups": groups})


def group(request: HttpRequest, group_id: int) -> HttpResponse:
    """A school group: its schools side by side, and the tasks it takes on as a group."""
    school_group = access.get_group(request.user, group_id)
    year = SchoolYear.from_param(request.GET.get("year") or request.POST.get("year"))
    form = OwnTaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_own_task(school_group=school_group, **form.cleaned_data)
        messages.success(request, _("The task was added."))
        return redirect(school_group)
    group_tasks = (
        SchoolTask.objects.filter(school_group=school_group)
        .visible()
        .with_catalogue()
        .order_by("catalogue_task__code", "title")
    )
    return render(
        request,
        "teams/group.html",
        {
            "school_group": school_group,
            "year": year,
            "data": group_dashboard(school_group, year),
            "group_tasks": group_tasks,
            "form": form,
            "years": SchoolYear.objects.all(),
        },
    )


def history(request: HttpRequest, school_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id)
    entries = school_history(school)  # sliceable and countable, like a queryset
    page = Paginator(entries, 50).get_page(request.GET.get("page"))  # type: ignore[arg-type,var-annotated]
    return render(
        request,
        "teams/history.html",
        {
            "school": school,
            "page": page,
            "year": SchoolYear.current(),
        },
    )
