"""Work on a school's team and task list: staff, budgets, roles, adopting the catalogue.

Assigning tasks lives in ``teams.assigning``; reading a school's distribution
in ``teams.distribution``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tasks.models import Frequency, Level, Task, TaskGroup

from . import identity
from .assigning import Conflict
from .models import (
    MAX_SIZE,
    Appointment,
    Budget,
    BudgetUnit,
    Post,
    Role,
    School,
    SchoolGroup,
    SchoolTask,
    SchoolYear,
    SizeMeasure,
    StaffMember,
    StaffRole,
    budget_hours,
)
from .workload import mark_changed, mark_everything, schools_of
from .workload.calculator import FACTOR_RANGE

# --- Task lists -----------------------------------------------------------------------------


def adopt_catalogue(
    *, school: School | None = None, school_group: SchoolGroup | None = None
) -> int:
    """Put every active catalogue task on the list of a school or school group.

    In a school group, group-level tasks go on the group's list and the rest
    on each school's; a school on its own takes them all. Tasks already on the
    list (hidden ones too) are left as they are. Returns how many were added.
    """
    if (school is None) == (school_group is None):
        raise ValueError("Pass a school or a school group.")
    catalogue = Task.objects.active()
    owner: dict[str, School | SchoolGroup]
    if school_group is not None:
        catalogue = catalogue.filter(level=Level.SCHOOL_GROUP)
        owner = {"school_group": school_group}
    else:
        assert school is not None
        if school.school_group_id is not None:
            catalogue = catalogue.filter(level=Level.SCHOOL)
        owner = {"school": school}
    adopted = SchoolTask.objects.filter(**owner, catalogue_task__isnull=False).values(
        "catalogue_task_id"
    )
    missing = catalogue.exclude(pk__in=adopted).values_list("pk", flat=True)
    created = SchoolTask.objects.bulk_create(
        [SchoolTask(**owner, catalogue_task_id=pk) for pk in missing], batch_size=500
    )
    return len(created)


def adopt_catalogue_everywhere() -> int:
    """Adopt new catalogue tasks in every school group and school (the nightly run).

    Only the schools whose list grew are marked for new figures. Returns how
    many tasks were added.
    """
    added, grown = 0, set[int]()
    for group in SchoolGroup.objects.all():
        count = adopt_catalogue(school_group=group)
        if count:
            added += count
            grown.update(School.objects.filter(school_group=group).values_list("pk", flat=True))
    for school in School.objects.all():
        count = adopt_catalogue(school=school)
        if count:
            added += count
            grown.add(school.pk)
    mark_from_now(sorted(grown))
    return added


# The job that runs follow_catalogue_change after an import (teams.jobs registers it).
FOLLOW_CATALOGUE_JOB = "teams.jobs.follow_catalogue_change"


def follow_catalogue_change() -> int:
    """After a catalogue import: adopt its new tasks everywhere and, since its hours or
    groups may have changed, fan out new figures for every school. Returns tasks added."""
    added = adopt_catalogue_everywhere()
    for year in SchoolYear.from_current():
        mark_everything(year)
    return added


def add_own_task(
    *,
    title: str,
    group: TaskGroup,
    school: School | None = None,
    school_group: SchoolGroup | None = None,
    description: str = "",
    hours: Decimal | None = None,
    frequency: str = "",
) -> SchoolTask:
    """Add a task that is not in the catalogue to a school's or school group's list."""
    task = SchoolTask(
        school=school,
        school_group=school_group,
        title=title.strip(),
        description=description.strip(),
        group=group,
        local_hours=hours,
        local_frequency=frequency or Frequency.AD_HOC,
    )
    task.full_clean()
    task.save()
    mark_from_now(schools_of(task))
    return task


def set_hidden(*, task: SchoolTask, hidden: bool) -> None:
    """Mark a task not applicable here (hidden), or restore it; assignments are kept."""
    task.is_hidden = hidden
    task.save(update_fields=["is_hidden"])
    mark_from_now(schools_of(task))


def set_local_values(
    *,
    task: SchoolTask,
    hours: Decimal | None,
    frequency: str,
    title: str = "",
    description: str = "",
) -> SchoolTask:
    """Override the catalogue's hours and frequency here, or edit an own task."""
    task.local_hours = hours
    task.local_frequency = frequency
    if task.is_own:
        task.title, task.description = title.strip(), description.strip()
    task.full_clean()
    task.save()
    mark_from_now(schools_of(task))
    return task


def mark_from_now(school_ids: list[int]) -> None:
    """Ask for new figures for the current school year and any later one being planned."""
    for year in SchoolYear.from_current():
        mark_changed(school_ids, year)


def group_schools(school: School) -> list[int]:
    """A school and, in a school group, its sister schools: a person's budget in one
    decides how their group-level work is divided over all of them."""
    if school.school_group_id is None:
        return [school.pk]
    return list(
        School.objects.filter(school_group_id=school.school_group_id).values_list("pk", flat=True)
    )


def set_limits(*, school: School, busy_from: int, overloaded_above: int) -> None:
    """Set the school's workload limits: the share of the budget (in %) from which a person
    counts as busy, and above which as overloaded."""
    if not 0 < busy_from <= overloaded_above <= 1000:
        raise ValidationError(
            _("“Busy from” must be above 0 and at most “overloaded above”, which is at most 1000.")
        )
    school.busy_from_percent, school.overloaded_above_percent = busy_from, overloaded_above
    school.save(update_fields=["busy_from_percent", "overloaded_above_percent"])
    mark_from_now([school.pk])


def set_hours_scale(
    *, school: School, size_measure: str, size: int | None, factor_by_hand: Decimal | None
) -> Decimal:
    """Set how the catalogue's hours fit the school: its size in pupils or devices, or a
    factor of its own (which wins). Tasks with the school's own hours keep them.

    Returns the factor that now applies. Raises ``ValidationError`` for a size
    without its measure (or the other way round) or a factor outside the range,
    writing nothing.
    """
    low, high = FACTOR_RANGE
    if size_measure not in SizeMeasure.values and size_measure != "":
        raise ValidationError(_("Choose pupils or devices."))
    if bool(size_measure) != (size is not None) or (size is not None and not 1 <= size <= MAX_SIZE):
        raise ValidationError(
            _("Give the number of pupils or devices (1 to %(max)s) together with what it counts.")
            % {"max": MAX_SIZE}
        )
    if factor_by_hand is not None and not low <= factor_by_hand <= high:
        raise ValidationError(
            _("A factor lies between %(low)s and %(high)s.")
            % {"low": number_format(low, 2), "high": number_format(high, 2)}
        )
    with transaction.atomic():
        school.size_measure, school.size = size_measure, size
        school.hours_factor_by_hand = factor_by_hand
        school.save(update_fields=["size_measure", "size", "hours_factor_by_hand"])
        mark_from_now([school.pk])
    return school.hours_factor


def set_budget_conversion(*, school: School, minutes_per_period: int, weeks_per_year: int) -> int:
    """Set how the school turns teaching periods and hours a week into hours a year.

    Budgets of this and later school years that were given in those units are
    converted again, so their hours follow; returns how many changed. Raises
    ``ValidationError`` outside 10-120 minutes or 30-52 weeks, writing nothing.
    """
    if not (10 <= minutes_per_period <= 120 and 30 <= weeks_per_year <= 52):
        raise ValidationError(
            _("A teaching period lasts 10 to 120 minutes; a school year has 30 to 52 weeks.")
        )
    with transaction.atomic():
        school.minutes_per_period, school.weeks_per_year = minutes_per_period, weeks_per_year
        school.save(update_fields=["minutes_per_period", "weeks_per_year"])
        years = list(SchoolYear.from_current())
        changed = 0
        for budget in Budget.objects.select_for_update().filter(
            school=school,
            school_year__in=years,
            entered_unit__in=[BudgetUnit.WEEK, BudgetUnit.PERIODS],
            entered_amount__isnull=False,
        ):
            assert budget.entered_amount is not None
            hours = budget_hours(budget.entered_amount, budget.entered_unit, school)
            if hours != budget.hours_per_year:
                budget.hours_per_year = hours
                budget.full_clean()
                budget.save(update_fields=["hours_per_year"])
                changed += 1
        if changed:
            for year in years:
                mark_changed(group_schools(school), year)
    return changed


# --- Staff, budgets and roles ---------------------------------------------------------------


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
        mark_from_now(group_schools(school))
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
        mark_from_now(group_schools(school))


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
    from .rights import revoke_school_access

    with transaction.atomic():
        revoke_school_access(member=member, school=school, by=by)
        Appointment.objects.filter(staff_member=member, school=school).update(is_active=False)
    mark_changed(group_schools(school), school_year)


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
    (``models.budget_hours`` converted it); the workload reads only the hours.
    """
    with transaction.atomic():
        budget = (
            Budget.objects.select_for_update()
            .filter(staff_member=member, school=school, school_year=school_year)
            .first()
        )
        if budget is None:
            budget = Budget(staff_member=member, school=school, school_year=school_year)
        if unit == BudgetUnit.YEAR or amount is None:
            amount, unit = None, BudgetUnit.YEAR
        moved = budget.hours_per_year != hours_per_year
        if moved or (budget.entered_amount, budget.entered_unit) != (amount, unit):
            budget.hours_per_year = hours_per_year
            budget.entered_amount, budget.entered_unit = amount, unit
            budget.full_clean()
            budget.save()
        if moved:
            mark_changed(group_schools(school), school_year)
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
