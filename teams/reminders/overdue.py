"""The overdue occurrences a page shows: a school's, or a person's."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from teams.models import Assignment, Occurrence, School, SchoolYear, StaffMember

LIMIT = 50


def for_school(school: School, on: date | None = None) -> list[Occurrence]:
    """The school's overdue occurrences (its own tasks and its group's), oldest first."""
    day = on or timezone.localdate()
    return list(
        Occurrence.objects.overdue(day)
        .for_school(school)
        .select_related("school_task__catalogue_task")
        .order_by("due_on", "pk")[:LIMIT]
    )


def for_member(member: StaffMember | None, on: date | None = None) -> list[Occurrence]:
    """The overdue occurrences of tasks the person is responsible for in that school year,
    where they still work (:meth:`AssignmentQuerySet.counting`)."""
    if member is None:
        return []
    day = on or timezone.localdate()
    responsible = {
        (task_id, year)
        for task_id, year in Assignment.objects.counting()
        .filter(staff_member=member, kind=Assignment.Kind.RESPONSIBLE)
        .values_list("school_task_id", "school_year__start_year")
    }
    if not responsible:
        return []
    found = (
        Occurrence.objects.overdue(day)
        .filter(school_task_id__in={task_id for task_id, _year in responsible})
        .select_related("school_task__catalogue_task", "school_task__school")
        .order_by("due_on", "pk")
    )
    return [
        occurrence
        for occurrence in found
        if (occurrence.school_task_id, SchoolYear.start_year_of(occurrence.due_on)) in responsible
    ][:LIMIT]
