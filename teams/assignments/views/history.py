"""The change history of a school."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from teams import access
from teams.assignments.history import school_history
from teams.models import SchoolYear


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
