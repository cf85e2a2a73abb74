"""The change history of a school."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from teams import access
from teams.assignments.history import Entry, school_history
from teams.models import SchoolYear


def history(request: HttpRequest, school_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id)
    entries = school_history(school)  # sliceable and countable, like a queryset
    paginator = Paginator[Entry](entries, 50)  # type: ignore[arg-type]  # counted and sliced only
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "teams/history.html",
        {
            "school": school,
            "page": page,
            "year": SchoolYear.current(),
        },
    )
