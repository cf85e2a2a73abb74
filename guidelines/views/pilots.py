"""The pilot overview for the department and school group administrators."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify

from teams.models import SchoolGroup

from .. import access
from ..pilots import PilotMatrix, pilot_matrix, write_pilot


def pilot_list(request: HttpRequest) -> HttpResponse:
    """The pilots the account follows; straight to the overview when there is one."""
    pilots = list(access.visible_pilots(request.user))
    if len(pilots) == 1:
        return redirect("guidelines:pilot", pilots[0].pk)
    return render(request, "guidelines/pilot_list.html", {"pilots": pilots})


def _matrix(request: HttpRequest, pilot_id: int) -> tuple[PilotMatrix, list[SchoolGroup]]:
    pilot = access.get_pilot(request.user, pilot_id)
    schools = list(access.pilot_schools(request.user, pilot))
    groups = sorted({s.school_group for s in schools if s.school_group}, key=lambda g: g.name)
    try:
        group_id: int | None = int(request.GET.get("group", ""))
    except ValueError:
        group_id = None
    if group_id not in {g.pk for g in groups}:
        group_id = None
    matrix = pilot_matrix(
        pilot, schools, school_group_id=group_id, phase_key=request.GET.get("phase", "")
    )
    return matrix, groups


def pilot(request: HttpRequest, pilot_id: int) -> HttpResponse:
    matrix, groups = _matrix(request, pilot_id)
    return render(
        request,
        "guidelines/pilot.html",
        {
            "matrix": matrix,
            "pilot": matrix.pilot,
            "groups": groups,
            "all_phases": matrix.all_phases,
            "query": request.GET.urlencode(),
        },
    )


def pilot_export(request: HttpRequest, pilot_id: int) -> HttpResponse:
    matrix, _groups = _matrix(request, pilot_id)
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"pilot-{slugify(matrix.pilot.name)}-{timezone.localdate().isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    write_pilot(response, matrix)
    return response
