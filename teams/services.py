"""Work on a school's team and task list: staff, budgets, roles, adopting the catalogue.

Assigning tasks lives in ``teams.assigning``; reading a school's distribution
in ``teams.distribution``.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tasks.models import Frequency, Level, Task, TaskGroup

from .models import (
    Appointment,
    Budget,
    Job,
    Role,
    School,
    SchoolGroup,
    SchoolTask,
    SchoolYear,
    StaffMember,
    StaffRole,
)
from .workload import request_recalculation, schools_of

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
    """Adopt new catalogue tasks in every school group and school (after an import)."""
    added = 0
    for group in SchoolGroup.objects.all():
        added += adopt_catalogue(school_group=group)
    for school in School.objects.all():
        added += adopt_catalogue(school=school)
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
    _recalculate_from_now(schools_of(task))
    return task


def set_hidden(*, task: SchoolTask, hidden: bool) -> None:
    """Mark a task not applicable here (hidden), or restore it; assignments are kept."""
    task.is_hidden = hidden
    task.save(update_fields=["is_hidden"])
    _recalculate_from_now(schools_of(task))


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
    _recalculate_from_now(schools_of(task))
    return task


def _recalculate_from_now(school_ids: list[int]) -> None:
    """Ask for new figures for the current school year and any later one being planned."""
    for year in SchoolYear.from_current():
        request_recalculation(school_ids=school_ids, school_year=year)


def _group_schools(school: School) -> list[int]:
    """A school and, in a school group, its sister schools: a person's budget in one
    decides how their group-level work is divided over all of them."""
    if school.school_group_id is None:
        return [school.pk]
    return list(
        School.objects.filter(school_group_id=school.school_group_id).values_list("pk", flat=True)
    )


def set_thresholds(*, school: School, busy_from: int, overloaded_above: int) -> None:
    """The utilisation (in %) from which a person counts as busy, and as overloaded."""
    if not 0 < busy_from <= overloaded_above <= 1000:
        raise ValidationError(
            _("“Busy from” must be above 0 and at most “overloaded above”, which is at most 1000.")
        )
    school.busy_from_percent, school.overloaded_above_percent = busy_from, overloaded_above
    school.save(update_fields=["busy_from_percent", "overloaded_above_percent"])
    _recalculate_from_now([school.pk])


# --- Staff, budgets and roles ---------------------------------------------------------------


def add_staff_member(
    *,
    school: School,
    first_name: str,
    last_name: str,
    email: str = "",
    job: str = Job.TEACHER,
) -> StaffMember:
    """Add a person to a school's staff.

    Someone with the same e-mail address already working in another school of
    the same group is the same person: they get an appointment here too, so
    their hours add up over the group.
    """
    with transaction.atomic():
        member = None
        if email and school.school_group_id:
            member = (
                StaffMember.objects.filter(
                    email__iexact=email,
                    appointments__school__school_group_id=school.school_group_id,
                )
                .distinct()
                .first()
            )
        if member is None:
            member = StaffMember.objects.create(
                first_name=first_name.strip(), last_name=last_name.strip(), email=email.strip()
            )
        appointment, created = Appointment.objects.get_or_create(
            staff_member=member, school=school, defaults={"job": job}
        )
        if not created:
            if appointment.is_active:
                raise ValidationError(
                    _("%(name)s already works in this school.") % {"name": member.full_name}
                )
            appointment.is_active, appointment.job = True, job
            appointment.save(update_fields=["is_active", "job"])
        _recalculate_from_now(_group_schools(school))
    return member


def update_staff_member(
    *, member: StaffMember, school: School, first_name: str, last_name: str, email: str, job: str
) -> None:
    with transaction.atomic():
        member.first_name, member.last_name, member.email = (
            first_name.strip(),
            last_name.strip(),
            email.strip(),
        )
        member.save(update_fields=["first_name", "last_name", "email"])
        Appointment.objects.filter(staff_member=member, school=school).update(job=job)


def end_appointment(*, member: StaffMember, school: School, school_year: SchoolYear) -> None:
    """Take someone off a school's staff: a leaver.

    Their account loses every right in the school at once (rights are read on
    each request, so open sessions lose the school too). Their assignments stay
    on the board, shown as needing a new person, and the history keeps who did
    what. Refused for the school's last director.
    """
    from .rights import revoke_school_access

    with transaction.atomic():
        revoke_school_access(member=member, school=school)
        Appointment.objects.filter(staff_member=member, school=school).update(is_active=False)
    request_recalculation(school_ids=_group_schools(school), school_year=school_year)


def set_budget(
    *, member: StaffMember, school: School, school_year: SchoolYear, hours_per_year: Decimal
) -> Budget:
    """Set a person's ICT hours in a school for a year (recorded in the history)."""
    with transaction.atomic():
        budget = (
            Budget.objects.select_for_update()
            .filter(staff_member=member, school=school, school_year=school_year)
            .first()
        )
        if budget is None:
            budget = Budget(staff_member=member, school=school, school_year=school_year)
        if budget.hours_per_year != hours_per_year:
            budget.hours_per_year = hours_per_year
            budget.full_clean()
            budget.save()
            request_recalculation(school_ids=_group_schools(school), school_year=school_year)
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
