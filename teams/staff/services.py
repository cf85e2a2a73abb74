"""Staff, budgets and roles: adding, linking, changing and ending people in a school."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

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
)
from teams.staff import identity
from teams.staff.rights import revoke_school_access
from teams.workload.figures import mark_changed
from teams.workload.services import mark_from_now, school_with_sisters
from teams.workload.units import as_given

# --- Task lists -----------------------------------------------------------------------------


def add_staff_member(
    *,
    school: School,
    first_name: str,
    last_name: str,
    email: str = "",
    post: str = Post.TEACHER,
) -> StaffMember:
    """Add a person to a school's staff, or take back someone who worked here before.

    The rules of :func:`teams.identity.appoint` apply: an address of someone
    who works (or worked) only in a sister school is refused without saying
    whose it is and nothing is written.
    """
    with transaction.atomic():
        appointed = identity.appoint(
            school=school, first_name=first_name, last_name=last_name, email=email, post=post
        )
        mark_from_now(school_with_sisters(school))
    return appointed.member


def link_staff_member(*, member: StaffMember, school: School, post: str = Post.TEACHER) -> None:
    """Appoint a person who works in one school of a group in another school of that group.

    A school group administrator's act: the person's hours then add up over
    the schools, and only someone who manages all of them may change their
    name. Refused when the person works in no school of ``school``'s group or
    already works in ``school``.
    """
    with transaction.atomic():
        in_group = member.appointments.filter(
            is_active=True, school__school_group_id=school.school_group_id
        )
        if school.school_group_id is None or not in_group.exists():
            raise ValidationError(
                _("%(name)s does not work in a school of this school group.")
                % {"name": member.full_name}
            )
        appointment, created = Appointment.objects.select_for_update().get_or_create(
            staff_member=member, school=school, defaults={"post": post}
        )
        if not created:
            if appointment.is_active:
                raise ValidationError(
                    _("%(name)s already works in %(school)s.")
                    % {"name": member.full_name, "school": school.name}
                )
            appointment.is_active, appointment.post = True, post
            appointment.save(update_fields=["is_active", "post"])
        mark_from_now(school_with_sisters(school))


def update_staff_member(
    *, member: StaffMember, school: School, first_name: str, last_name: str, email: str, post: str
) -> None:
    """Change a person's name, e-mail and post in a school.

    An e-mail address that already belongs to someone else in the group is
    refused with the same answer as when adding staff.
    """
    with transaction.atomic():
        email = identity.check_email_free(school=school, email=email, member=member)
        member.first_name, member.last_name, member.email = (
            first_name.strip(),
            last_name.strip(),
            email,
        )
        member.save(update_fields=["first_name", "last_name", "email"])
        Appointment.objects.filter(staff_member=member, school=school).update(post=post)


def staff_state(*, member: StaffMember, school: School, school_year: SchoolYear) -> str:
    """A fingerprint of what the staff form shows of a person in a school and year: names,
    e-mail, post, budget and roles. A save checks it to catch someone else's change."""
    post = (
        Appointment.objects.filter(staff_member=member, school=school)
        .values_list("post", flat=True)
        .first()
    )
    budget = (
        Budget.objects.filter(staff_member=member, school=school, school_year=school_year)
        .values_list("hours_per_year", flat=True)
        .first()
    )
    roles = sorted(
        StaffRole.objects.filter(
            staff_member=member, school=school, school_year=school_year
        ).values_list("role_id", flat=True)
    )
    person = StaffMember.objects.values_list("first_name", "last_name", "email").get(pk=member.pk)
    parts = [*person, post or "", "" if budget is None else f"{budget:.2f}", *map(str, roles)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class StaffInput:
    """What the staff form says about a person in a school for a year."""

    first_name: str
    last_name: str
    email: str
    post: str
    budget_hours: Decimal | None
    roles: list[Role]
    # The budget as typed, when it was given in another unit than hours a year.
    budget_amount: Decimal | None = None
    budget_unit: str = BudgetUnit.YEAR


def save_staff_member(
    *,
    member: StaffMember,
    school: School,
    school_year: SchoolYear,
    data: StaffInput,
    expected_state: str,
) -> None:
    """Save the staff form: name, e-mail, post, budget and roles, all or nothing.

    Raises :class:`Conflict` when someone else saved any of it since the form
    was loaded (``expected_state`` is :func:`staff_state` as the form showed
    it), and ``ValidationError`` for an address of someone else in the group.
    The person's row is locked first, so two saves happen one after the other.
    """
    with transaction.atomic():
        member = StaffMember.objects.select_for_update().get(pk=member.pk)
        if staff_state(member=member, school=school, school_year=school_year) != expected_state:
            raise Conflict(
                _(
                    "Someone else changed %(name)s meanwhile, so your changes were not "
                    "saved. The form still holds them; what is saved now is shown above it. "
                    "Save again to replace the other change."
                )
                % {"name": member.full_name}
            )
        update_staff_member(
            member=member,
            school=school,
            first_name=data.first_name,
            last_name=data.last_name,
            email=data.email,
            post=data.post,
        )
        if data.budget_hours is not None:
            set_budget(
                member=member,
                school=school,
                school_year=school_year,
                hours_per_year=data.budget_hours,
                amount=data.budget_amount,
                unit=data.budget_unit,
            )
        set_roles(member=member, school=school, school_year=school_year, roles=data.roles)


def end_appointment(
    *,
    member: StaffMember,
    school: School,
    school_year: SchoolYear,
    by: User | AnonymousUser | None = None,
) -> None:
    """Take someone off a school's staff: a leaver.

    Their account loses every right in the school at once (rights are read on
    each request, so open sessions lose the school too). Their assignments stay
    on the board, shown as needing a new person, and the history keeps who did
    what. Refused for the school's last director, and, given the account acting
    as ``by``, unless it may end this person's appointment: it manages the
    school and the person has no more rights there than it has
    (:func:`teams.access.may_end_appointment`). Pass ``by`` for every act of a
    signed-in person; a run from the command line passes none.
    """
    with transaction.atomic():
        revoke_school_access(member=member, school=school, by=by)
        Appointment.objects.filter(staff_member=member, school=school).update(is_active=False)
    mark_changed(school_with_sisters(school), school_year)


def set_budget(
    *,
    member: StaffMember,
    school: School,
    school_year: SchoolYear,
    hours_per_year: Decimal,
    amount: Decimal | None = None,
    unit: str = BudgetUnit.YEAR,
) -> Budget:
    """Set a person's ICT hours in a school for a year (recorded in the history).

    ``amount`` and ``unit`` keep what was typed when it was not hours a year
    (``teams.workload.units`` converted it); the workload reads only the hours.
    """
    with transaction.atomic():
        budget = (
            Budget.objects.select_for_update()
            .filter(staff_member=member, school=school, school_year=school_year)
            .first()
        )
        if budget is None:
            budget = Budget(staff_member=member, school=school, school_year=school_year)
        amount, unit = as_given(amount, unit)
        moved = budget.hours_per_year != hours_per_year
        if moved or (budget.entered_amount, budget.entered_unit) != (amount, unit):
            budget.hours_per_year = hours_per_year
            budget.entered_amount, budget.entered_unit = amount, unit
            budget.full_clean()
            budget.save()
        if moved:
            mark_changed(school_with_sisters(school), school_year)
    return budget


def set_roles(
    *, member: StaffMember, school: School, school_year: SchoolYear, roles: list[Role]
) -> None:
    """Make ``roles`` exactly the roles a person holds in a school for a year."""
    allowed = set(Role.objects.available_to(school).values_list("pk", flat=True))
    if any(role.pk not in allowed for role in roles):
        raise ValidationError(_("That role does not belong to this school."))
    with transaction.atomic():
        current = {
            held.role_id: held
            for held in StaffRole.objects.filter(
                staff_member=member, school=school, school_year=school_year
            )
        }
        wanted = {role.pk for role in roles}
        for role_id, held in current.items():
            if role_id not in wanted:
                held.delete()  # one by one, so the history records each removal
        for role_id in wanted - current.keys():
            StaffRole.objects.create(
                role_id=role_id, staff_member=member, school=school, school_year=school_year
            )


def add_role(*, school: School, name: str) -> Role:
    """A role of the school's own, next to the standard ones."""
    name = " ".join(name.split())
    taken = ValidationError(_("There is already a role called “%(name)s”.") % {"name": name})
    if Role.objects.available_to(school).filter(name__iexact=name).exists():
        raise taken
    try:
        with transaction.atomic():
            return Role.objects.create(school=school, name=name)
    except IntegrityError as exc:  # added by someone else a moment ago
        raise taken from exc
