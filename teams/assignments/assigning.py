"""Giving tasks to people: assign, reassign, unassign, bulk, and copying a year.

Every change runs in a transaction that locks the task first, so changes to
one task happen one after the other. Two people working from the same page
are caught by comparing what they saw with what is there now: a task's
*state* token for additions, an assignment's ``version`` for edits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from teams.access import staff_for_task
from teams.models import Assignment, Conflict, SchoolTask, SchoolYear, StaffMember
from teams.workload.figures import mark_changed, schools_of

Kind = Assignment.Kind


def state_token(assignments: Iterable[Assignment]) -> str:
    """A short fingerprint of a task's assignments in one year, as a page showed them."""
    parts = sorted(f"{a.pk}:{a.version}" for a in assignments)
    return hashlib.sha256(",".join(parts).encode()).hexdigest()[:16]


def _locked_task(task: SchoolTask) -> SchoolTask:
    return SchoolTask.objects.select_for_update().get(pk=task.pk)


def _current(task: SchoolTask, school_year: SchoolYear) -> list[Assignment]:
    return list(
        Assignment.objects.filter(school_task=task, school_year=school_year).select_related(
            "staff_member"
        )
    )


def _check_state(task: SchoolTask, school_year: SchoolYear, expected: str | None) -> None:
    if expected is None:
        return
    current = _current(task, school_year)
    if state_token(current) != expected:
        names = ", ".join(f"{a.assignee} ({a.get_kind_display()})" for a in current)
        raise Conflict(
            _(
                "Someone else changed “%(task)s” meanwhile; it now has: %(now)s. "
                "Your change was not saved: check and try again."
            )
            % {"task": task.display_title, "now": names or _("nobody")}
        )


def _check_staff(task: SchoolTask, staff_member: StaffMember | None) -> None:
    if staff_member is not None and not staff_for_task(task).filter(pk=staff_member.pk).exists():
        raise ValidationError(
            _("%(name)s does not work in a school this task belongs to.")
            % {"name": staff_member.full_name}
        )


@dataclass(frozen=True)
class AssignmentInput:
    """What a form says about one assignment."""

    kind: str
    staff_member: StaffMember | None = None
    partner: str = ""
    hours: Decimal | None = None
    note: str = ""


def add_assignment(
    *,
    task: SchoolTask,
    school_year: SchoolYear,
    data: AssignmentInput,
    expected_state: str | None = None,
) -> Assignment:
    """Give ``task`` to a staff member (or outsource it) for ``school_year``.

    Raises :class:`Conflict` when the task's assignments differ from
    ``expected_state``, and ``ValidationError`` when the person already has
    the task or does not work where the task belongs.
    """
    with transaction.atomic():
        task = _locked_task(task)
        _check_state(task, school_year, expected_state)
        _check_staff(task, data.staff_member)
        assignment = Assignment(
            school_task=task,
            school_year=school_year,
            kind=data.kind,
            staff_member=data.staff_member,
            partner=data.partner if data.staff_member is None else "",
            hours=data.hours,
            note=data.note,
        )
        try:
            with transaction.atomic():
                assignment.save()
        except IntegrityError as exc:
            raise ValidationError(
                _("%(name)s already has this task.") % {"name": data.staff_member}
            ) from exc
        mark_changed(schools_of(task), school_year)
    return assignment


def change_assignment(
    *, assignment: Assignment, data: AssignmentInput, expected_version: int
) -> Assignment:
    """Reassign an assignment or change its kind, hours or note.

    Raises :class:`Conflict` when someone changed or removed it since
    ``expected_version`` was read; nothing is written then.
    """
    with transaction.atomic():
        _locked_task(assignment.school_task)
        current = Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
        if current is None:
            raise Conflict(_("Someone else removed this assignment meanwhile."))
        if current.version != expected_version:
            raise Conflict(
                _(
                    "Someone else changed this assignment meanwhile: it is now %(who)s, "
                    "%(kind)s, %(hours)s hours. Your change was not saved; your input is "
                    "kept below."
                )
                % {
                    "who": current.assignee,
                    "kind": current.get_kind_display(),
                    "hours": current.hours if current.hours is not None else "–",
                }
            )
        _check_staff(current.school_task, data.staff_member)
        current.kind = data.kind
        current.staff_member = data.staff_member
        current.partner = data.partner if data.staff_member is None else ""
        current.hours = data.hours
        current.note = data.note
        current.version += 1
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError as exc:
            raise ValidationError(
                _("%(name)s already has this task.") % {"name": data.staff_member}
            ) from exc
        mark_changed(schools_of(current.school_task), current.school_year)
    return current


def remove_assignment(*, assignment: Assignment, expected_version: int) -> None:
    """Unassign; raises :class:`Conflict` if it changed since ``expected_version``."""
    with transaction.atomic():
        _locked_task(assignment.school_task)
        current = Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
        if current is None:
            return  # already gone: what the user wanted
        if current.version != expected_version:
            raise Conflict(_("Someone else changed this assignment meanwhile; it was not removed."))
        current.delete()
        mark_changed(schools_of(current.school_task), current.school_year)


def _schools(tasks: list[SchoolTask]) -> set[int]:
    return {school for task in tasks for school in schools_of(task)}


def _allowed_staff(tasks: list[SchoolTask]) -> dict[int, set[int]]:
    """For each task, the ids of the staff who may take it (one query per school or group)."""
    by_scope: dict[tuple[str, int | None], set[int]] = {}
    allowed = {}
    for task in tasks:
        key = (
            ("group", task.school_group_id) if task.school_group_id else ("school", task.school_id)
        )
        if key not in by_scope:
            by_scope[key] = set(staff_for_task(task).values_list("pk", flat=True))
        allowed[task.pk] = by_scope[key]
    return allowed


def assign_many(
    *,
    tasks: list[SchoolTask],
    school_year: SchoolYear,
    staff_member: StaffMember,
    kind: str = Kind.RESPONSIBLE,
) -> tuple[int, int]:
    """Give several tasks to one person; returns (assigned, already theirs).

    All or nothing: a task the person may not take stops the whole change.
    """
    with transaction.atomic():
        locked = list(
            SchoolTask.objects.select_for_update()
            .filter(pk__in=[t.pk for t in tasks])
            .order_by("pk")
        )
        allowed = _allowed_staff(locked)
        for task in locked:
            if staff_member.pk not in allowed[task.pk]:
                _check_staff(task, staff_member)  # raises with the readable message
        theirs = set(
            Assignment.objects.filter(
                school_task__in=locked, school_year=school_year, staff_member=staff_member
            ).values_list("school_task_id", flat=True)
        )
        new = [
            Assignment(
                school_task=task, school_year=school_year, kind=kind, staff_member=staff_member
            )
            for task in locked
            if task.pk not in theirs
        ]
        bulk_create_with_history(new, Assignment, batch_size=500)
        mark_changed(_schools(locked), school_year)
    return len(new), len(theirs)


def copy_year(*, tasks: list[SchoolTask], source: SchoolYear, target: SchoolYear) -> int:
    """Copy the distribution of ``source`` into ``target`` for tasks still without one.

    Tasks that already have assignments in ``target`` are left alone, and so
    are people no longer appointed where the task belongs; returns how many
    assignments were copied.
    """
    with transaction.atomic():
        locked = list(
            SchoolTask.objects.select_for_update()
            .filter(pk__in=[t.pk for t in tasks])
            .order_by("pk")
        )
        done = set(
            Assignment.objects.filter(school_year=target, school_task__in=locked).values_list(
                "school_task_id", flat=True
            )
        )
        allowed = _allowed_staff(locked)
        new = [
            Assignment(
                school_task_id=old.school_task_id,
                school_year=target,
                kind=old.kind,
                staff_member_id=old.staff_member_id,
                partner=old.partner,
                hours=old.hours,
                note=old.note,
            )
            for old in Assignment.objects.filter(school_year=source, school_task__in=locked)
            if old.school_task_id not in done
            and (old.staff_member_id is None or old.staff_member_id in allowed[old.school_task_id])
        ]
        bulk_create_with_history(new, Assignment, batch_size=500)
        mark_changed(_schools(locked), target)
    return len(new)
