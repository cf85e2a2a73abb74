"""Staff pages: who works in a school, their budget, roles and tasks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams import access
from teams.models import (
    Appointment,
    Budget,
    BudgetUnit,
    Conflict,
    Post,
    Role,
    School,
    SchoolYear,
    StaffMember,
    StaffRole,
    by_name,
)
from teams.staff import invitations, rights, services
from teams.staff.forms import RoleForm, StaffForm
from teams.staff.onboarding_forms import InviteForm
from teams.workload.figures import calculate_school
from teams.workload.ranking import loads_in


def _staff_url(school: School, year: SchoolYear) -> str:
    return f"{reverse('teams:staff', args=[school.pk])}?year={year.start_year}"


def staff_list(request: HttpRequest, school_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id)
    year = SchoolYear.from_param(request.GET.get("year") or request.POST.get("year"))
    can_manage = access.access_for(request.user).can_manage_school(school.pk)
    roles = Role.objects.available_to(school)
    form = StaffForm(request.POST or None, roles=roles, school=school)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                member = _save_new_member(form, school, year)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": member.full_name})
                return redirect(_staff_url(school, year))
    members = (
        access.staff_of(school)
        .prefetch_related(
            Prefetch(
                "budgets",
                Budget.objects.filter(school=school, school_year=year).select_related("school"),
                to_attr="year_budgets",
            ),
            Prefetch(
                "staff_roles",
                StaffRole.objects.filter(school=school, school_year=year).select_related("role"),
                to_attr="year_roles",
            ),
            Prefetch("appointments", Appointment.objects.filter(school=school), to_attr="here"),
        )
        .order_by(*by_name())
    )
    # Ranked as every page ranks people, with the figures the board shows.
    loads = loads_in(members, calculate_school(school, year))
    return render(
        request,
        "teams/staff_list.html",
        {
            "school": school,
            "year": year,
            "loads": loads,
            "members": _with_invitations([load.member for load in loads], school),
            "form": form,
            "can_manage": can_manage,
            "years": SchoolYear.objects.all(),
        },
    )


def _with_invitations(members: list[StaffMember], school: School) -> list[StaffMember]:
    """Give each person their open invitation to this school (``None`` without one)."""
    open_invitations = invitations.pending_state_by_member(school)
    for member in members:
        member.invitation = open_invitations.get(member.pk)  # type: ignore[attr-defined]  # for the page
    return members


def _save_new_member(form: StaffForm, school: School, year: SchoolYear) -> StaffMember:
    data = form.cleaned_data
    with transaction.atomic():
        member = services.add_staff_member(
            school=school,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            post=data["post"],
        )
        if data["budget_hours"] is not None:
            services.set_budget(
                member=member,
                school=school,
                school_year=year,
                hours_per_year=data["budget_hours"],
                amount=data["budget"],
                unit=data["budget_unit"],
            )
        services.set_roles(
            member=member, school=school, school_year=year, roles=list(data["roles"])
        )
    return member


def staff_detail(request: HttpRequest, school_id: int, member_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id)
    member = access.get_staff_member(request.user, school, member_id)
    year = SchoolYear.from_param(request.GET.get("year"))
    appointment = Appointment.objects.filter(staff_member=member, school=school).first()
    invitation = invitations.pending_state_by_member(school).get(member.pk)
    return render(
        request,
        "teams/staff_detail.html",
        {
            "school": school,
            "year": year,
            "member": member,
            "roles": StaffRole.objects.filter(
                staff_member=member, school=school, school_year=year
            ).select_related("role"),
            "appointment": appointment,
            "can_manage": access.access_for(request.user).can_manage_school(school.pk),
            "can_change_rights": access.may_change_rights(request.user, member, school),
            "can_end": access.may_end_appointment(request.user, member, school),
            "invitation": invitation,
            "can_resend": invitation is not None
            and access.may_grant(request.user, school, invitation.kind),
            "invite_form": _invite_form(request.user, school, appointment),
            "rights": access.rights_in(member, school),
            "rights_choices": rights.RIGHTS,
            "years": SchoolYear.objects.all(),
        },
    )


def _invite_form(
    user: access.AnyUser, school: School, appointment: Appointment | None
) -> InviteForm:
    """The invitation form with the rights the person's post suggests, as far as ``user`` may
    give them."""
    kinds = rights.grantable(user, school)
    post = appointment.post if appointment is not None else Post.TEACHER
    return InviteForm(kinds=kinds, initial={"kind": rights.suggested_for(post, among=kinds)})


def _edit_initial(member: StaffMember, school: School, year: SchoolYear) -> dict[str, Any]:
    """The staff form as saved now, with the state token a save is checked against."""
    member.refresh_from_db()
    budget = Budget.objects.filter(staff_member=member, school=school, school_year=year).first()
    return {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "post": Appointment.objects.get(staff_member=member, school=school).post,
        # The budget as it was given: "4" teaching periods shows as 4, not as 123,33 h.
        "budget": (budget.entered_amount if budget.given_in_other_unit else budget.hours_per_year)
        if budget
        else None,
        "budget_unit": budget.entered_unit if budget else BudgetUnit.YEAR,
        "budget_hours": budget.hours_per_year if budget else None,
        "roles": list(
            StaffRole.objects.filter(
                staff_member=member, school=school, school_year=year
            ).values_list("role_id", flat=True)
        ),
        "state": services.staff_state(member=member, school=school, school_year=year),
    }


def _edit_form(
    request: HttpRequest,
    member: StaffMember,
    school: School,
    initial: dict[str, Any],
    data: QueryDict | None = None,
) -> StaffForm:
    form = StaffForm(data, roles=Role.objects.available_to(school), school=school, initial=initial)
    # Disabled fields keep their initial values, whatever is posted.
    if not access.can_edit_person(request.user, member):
        for name in ("first_name", "last_name", "email"):
            form.fields[name].disabled = True
    if not access.may_act_on(request.user, member, school):
        form.fields["post"].disabled = True
    return form


def staff_edit(request: HttpRequest, school_id: int, member_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id, manage=True)
    member = access.get_staff_member(request.user, school, member_id)
    year = SchoolYear.from_param(request.GET.get("year") or request.POST.get("year"))
    form = _edit_form(
        request, member, school, _edit_initial(member, school, year), request.POST or None
    )
    saved_now = None
    if request.method == "POST" and form.is_valid():
        try:
            services.save_staff_member(
                member=member,
                school=school,
                school_year=year,
                data=form.to_input(),
                expected_state=form.cleaned_data["state"],
            )
        except Conflict as conflict:
            # The user's input stays, now based on what is saved: saving again replaces it.
            saved_now = _edit_initial(member, school, year)
            data = request.POST.copy()
            data["state"] = str(saved_now["state"])
            form = _edit_form(request, member, school, saved_now, data)
            form.is_valid()
            form.add_error(None, conflict.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            url = reverse("teams:staff_detail", args=[school.pk, member.pk])
            return redirect(f"{url}?year={year.start_year}")
    return render(
        request,
        "teams/staff_form.html",
        {
            "school": school,
            "year": year,
            "member": member,
            "form": form,
            "shared": form.fields["first_name"].disabled,
            "saved_now": _saved_summary(saved_now, school) if saved_now else None,
        },
        status=409 if saved_now else 200,
    )


def _saved_summary(initial: dict[str, Any], school: School) -> dict[str, Any]:
    roles = Role.objects.available_to(school).filter(pk__in=initial["roles"])
    return {
        "name": f"{initial['first_name']} {initial['last_name']}",
        "email": initial["email"],
        "post": Post(initial["post"]).label,
        "budget": initial["budget_hours"],
        "roles": [role.label for role in roles],
    }


@require_POST
def staff_remove(request: HttpRequest, school_id: int, member_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id, manage=True)
    member = access.get_staff_member(request.user, school, member_id)
    if not access.may_end_appointment(request.user, member, school):
        raise PermissionDenied
    year = SchoolYear.from_param(request.POST.get("year"))
    try:
        services.end_appointment(member=member, school=school, school_year=year, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        url = reverse("teams:staff_detail", args=[school.pk, member.pk])
        return redirect(f"{url}?year={year.start_year}")
    messages.success(
        request, _("%(name)s no longer works in this school.") % {"name": member.full_name}
    )
    return redirect(_staff_url(school, year))


def roles(request: HttpRequest, school_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id)
    year = SchoolYear.from_param(request.GET.get("year") or request.POST.get("year"))
    can_manage = access.access_for(request.user).can_manage_school(school.pk)
    form = RoleForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.add_role(school=school, name=form.cleaned_data["name"])
            except ValidationError as error:
                form.add_error("name", error)
            else:
                messages.success(request, _("The role was added."))
                return redirect(
                    f"{reverse('teams:roles', args=[school.pk])}?year={year.start_year}"
                )
    holders = StaffRole.objects.filter(school=school, school_year=year).select_related(
        "staff_member"
    )
    by_role: dict[int, list[StaffMember]] = {}
    for held in holders:
        by_role.setdefault(held.role_id, []).append(held.staff_member)
    rows = [(role, by_role.get(role.pk, [])) for role in Role.objects.available_to(school)]
    return render(
        request,
        "teams/roles.html",
        {
            "school": school,
            "year": year,
            "rows": rows,
            "form": form,
            "can_manage": can_manage,
        },
    )
