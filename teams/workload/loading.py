"""Loading the rows the calculator needs, for one school or many, in three queries.

The queries are compiled once per shape (:mod:`.prepared`): after a change, only
running them costs time.

Loading many schools at once (a school group, a chunk of schools) costs the same
queries as one school, so fanned-out jobs spend their time on the rows
themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import FilteredRelation, OuterRef, Q, QuerySet, Subquery

from teams.models import Appointment, Budget, School, SchoolTask, SchoolYear
from teams.workload.calculator import (
    ONE,
    AssignmentIn,
    SchoolRows,
    TaskIn,
    group_kind,
    hours_here,
)
from teams.workload.prepared import Prepared


def _schools(ids: list[int]) -> QuerySet[School, tuple[Any, ...]]:
    return School.objects.filter(pk__in=ids).order_by().values_list(
        "pk", "school_group_id", "busy_from_percent", "overloaded_above_percent",
        "hours_factor_by_hand", "size_measure", "size",
    )  # fmt: skip


def _tasks(
    year_id: int, ids: list[int], groups: list[int]
) -> QuerySet[SchoolTask, tuple[Any, ...]]:
    """The tasks that count, each with its assignments that year (one row per assignment,
    or one row without an assignment)."""
    return (
        SchoolTask.objects.visible()
        .filter(Q(school_id__in=ids) | Q(school_group_id__in=groups))
        .annotate(
            year_assignment=FilteredRelation(
                "assignments", condition=Q(assignments__school_year_id=year_id)
            )
        )
        .order_by("pk", "year_assignment__pk")
        .values_list(
            "pk", "school_id", "school_group_id", "local_hours", "catalogue_task_id",
            "catalogue_task__hours_per_year", "catalogue_task__group__kind", "group__kind",
            "year_assignment__pk", "year_assignment__kind", "year_assignment__staff_member_id",
            "year_assignment__hours",
        )
    )  # fmt: skip


def _appointments(
    year_id: int, ids: list[int], groups: list[int], group_staff: list[int]
) -> QuerySet[Appointment, tuple[Any, ...]]:
    """Active appointments in these schools, and of people with group-level work in the
    schools of their group, each with the person's budget there that year."""
    budget_here = Budget.objects.filter(
        staff_member_id=OuterRef("staff_member_id"),
        school_id=OuterRef("school_id"),
        school_year_id=year_id,
    ).values("hours_per_year")[:1]
    # The schools' group ids through subqueries, not a join: a join made the database
    # read every school to find a handful.
    group_schools = School.objects.filter(school_group_id__in=groups).order_by().values("pk")
    group_of = School.objects.filter(pk=OuterRef("school_id")).order_by().values("school_group_id")
    return (
        Appointment.objects.current()
        .filter(
            Q(school_id__in=ids)
            | Q(school_id__in=Subquery(group_schools), staff_member_id__in=group_staff)
        )
        .values_list("staff_member_id", "school_id", Subquery(group_of), Subquery(budget_here))
    )


# Compiled once per shape: the same queries run for every school after each change.
SCHOOLS, TASKS, APPOINTMENTS = Prepared(_schools), Prepared(_tasks), Prepared(_appointments)


def load(
    school_ids: Iterable[int], school_year: SchoolYear | int, *, known: Iterable[School] = ()
) -> dict[int, SchoolRows]:
    """The calculator's rows for each given school in a school year (unknown ids skipped).

    ``known`` are School instances the caller already holds: they are not read again.
    """
    year_id = school_year if isinstance(school_year, int) else school_year.pk
    wanted = set(school_ids)
    given = {s.pk: s for s in known if s.pk in wanted}
    read = [
        School(pk=pk, school_group_id=group_id, busy_from_percent=busy,
               overloaded_above_percent=over, hours_factor_by_hand=by_hand,
               size_measure=measure, size=size)
        for pk, group_id, busy, over, by_hand, measure, size in (
            SCHOOLS.rows(sorted(wanted - given.keys())) if wanted - given.keys() else ()
        )
    ]  # fmt: skip
    schools = {s.pk: (s.school_group_id, s.limits) for s in [*given.values(), *read]}
    factors = {s.pk: s.hours_factor for s in [*given.values(), *read]}
    if not schools:
        return {}
    ids = sorted(schools)
    groups = sorted({group for group, _limits in schools.values() if group is not None})

    school_tasks: dict[int, list[TaskIn]] = defaultdict(list)
    group_tasks: dict[int, list[TaskIn]] = defaultdict(list)
    by_school: dict[int, list[AssignmentIn]] = defaultdict(list)
    by_group: dict[int, list[AssignmentIn]] = defaultdict(list)
    group_staff: set[int] = set()
    seen: set[int] = set()
    for (
        pk, school_id, group_id, local, catalogue_id, catalogue_hours, catalogue_kind, own_kind,
        assignment_id, assignment_kind, staff_id, hours,
    ) in TASKS.rows(year_id, ids, groups):  # fmt: skip
        if pk not in seen:
            seen.add(pk)
            kind = group_kind(own_kind if catalogue_id is None else catalogue_kind)
            here = hours_here(
                local, catalogue_hours, group_level=group_id is not None,
                school_factor=factors.get(school_id, ONE),
            )  # fmt: skip
            task = TaskIn(pk, here.hours, kind, group_id is not None, here.source)
            (group_tasks[group_id] if group_id is not None else school_tasks[school_id]).append(
                task
            )
        if assignment_id is None:
            continue
        row = AssignmentIn(assignment_id, pk, assignment_kind, staff_id, hours)
        if group_id is not None:
            by_group[group_id].append(row)
            if staff_id is not None:
                group_staff.add(staff_id)
        else:
            by_school[school_id].append(row)

    staff: dict[int, set[int]] = defaultdict(set)
    in_group: dict[tuple[int, int], list[int]] = defaultdict(list)
    budgets: dict[tuple[int, int], Decimal] = {}
    for staff_id, school_id, their_group, hours in APPOINTMENTS.rows(
        year_id, ids, groups, sorted(group_staff)
    ):
        if school_id in schools:
            staff[school_id].add(staff_id)
        if their_group is not None and staff_id in group_staff:
            in_group[(staff_id, their_group)].append(school_id)
        if hours is not None:
            budgets[(staff_id, school_id)] = hours

    result = {}
    for school_id, (school_group, limits) in schools.items():
        members = frozenset(staff[school_id])
        group_schools: dict[int, dict[int, Decimal | None]] = {}
        if school_group is not None:
            for a in by_group[school_group]:
                if a.staff_id is not None and a.staff_id not in group_schools:
                    group_schools[a.staff_id] = {
                        s: budgets.get((a.staff_id, s))
                        for s in in_group[(a.staff_id, school_group)]
                    }
        result[school_id] = SchoolRows(
            school_id=school_id,
            limits=limits,
            tasks=school_tasks[school_id] + (group_tasks[school_group] if school_group else []),
            assignments=by_school[school_id] + (by_group[school_group] if school_group else []),
            staff=members,
            budgets={
                sid: budgets[(sid, school_id)] for sid in members if (sid, school_id) in budgets
            },
            group_schools=group_schools,
        )
    return result


def load_one(school: School, school_year: SchoolYear | int) -> SchoolRows:
    """The rows of one school."""
    return load([school.pk], school_year, known=[school])[school.pk]
