"""The schools an account works in, and school group overviews."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams import access
from teams.models import SchoolGroup, SchoolTask, SchoolYear
from teams.staff import services as staff_services
from teams.staff.forms import LinkStaffForm
from teams.workload.reading import school_group_dashboard

SCHOOLS_PER_PAGE = 100


def school_list(request: HttpRequest) -> HttpResponse:
    """The account's schools and school groups; for a platform administrator every one, with
    the ways to add them. Someone with one school goes straight to it, and a department
    viewer, who has none, to their home."""
    creates = access.may_create_schools(request.user)
    schools = access.visible_schools(request.user).order_by("name", "pk")
    groups = list(
        access.visible_school_groups(request.user).order_by("name").annotate(Count("schools"))
    )
    if not creates and not groups:
        first_two = list(schools[:2])
        if len(first_two) == 1:
            return redirect(first_two[0])
        if not first_two and access.access_for(request.user).is_department:
            return redirect("home")
    page = Paginator(schools, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "teams/school_list.html",
        {"page": page, "schools": page.object_list, "groups": groups, "creates": creates},
    )


def school_group(request: HttpRequest, group_id: int) -> HttpResponse:
    """A school group: its schools side by side, and the tasks it takes on as a group."""
    school_group = access.get_school_group(request.user, group_id)
    return _group_page(request, school_group, SchoolYear.from_param(request.GET.get("year")))


@require_POST
def school_group_link(request: HttpRequest, group_id: int) -> HttpResponse:
    """Appoint a person of one school of the group in another: only the group's administrator
    may link people over schools, since the schools' directors see only their own staff."""
    school_group = access.get_school_group(request.user, group_id)
    year = SchoolYear.from_param(request.POST.get("year"))
    link_form = LinkStaffForm(request.POST, school_group=school_group)
    if link_form.is_valid():
        data = link_form.cleaned_data
        try:
            staff_services.link_staff_member(
                member=data["staff_member"], school=data["school"], post=data["post"]
            )
        except ValidationError as error:
            link_form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s now also works in %(school)s.")
                % {"name": data["staff_member"].full_name, "school": data["school"].name},
            )
            return redirect(school_group)
    return _group_page(request, school_group, year, link_form=link_form)


def _group_page(
    request: HttpRequest,
    school_group: SchoolGroup,
    year: SchoolYear,
    link_form: LinkStaffForm | None = None,
) -> HttpResponse:
    group_tasks = SchoolTask.objects.of_school_group(school_group)
    link_form = link_form or LinkStaffForm(school_group=school_group)
    link_form.helper.form_action = reverse("teams:school_group_link", args=[school_group.pk])
    return render(
        request,
        "teams/school_group.html",
        {
            "school_group": school_group,
            "year": year,
            "data": school_group_dashboard(school_group, year),
            "group_tasks": group_tasks,
            "link_form": link_form,
            "years": SchoolYear.objects.all(),
        },
        status=400 if link_form.errors else 200,
    )
