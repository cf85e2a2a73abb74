"""Keeping each assignment's staffing fields in step with its task and its task's assignments.

An assignment's share of a task depends on how many responsibles the task
has that year, and a school's risks (tasks without a responsible, without a
backup, on one person) on the counts of every task. Storing those counts on
the assignments themselves, with a copy of where the task belongs (its
school or group and its catalogue entry, which never change), lets the
nightly figures for every school be summed in a single pass over the
assignments (see ``teams.workload_sql``) instead of counting per task first
and joining every task back. What can change about a task (its own hours,
whether it is hidden, the catalogue's hours and group) is still read from
the task and the catalogue themselves.

The fields depend only on the task and the assignments of the same task in
the same year, so they are recounted, set-wise, whenever those change: by the receivers in
``teams.receivers`` after a single save or delete, and by the bulk paths of
``teams.assigning`` and ``teams.scale`` themselves. ``recount_all`` rebuilds
them everywhere (``manage.py recalculate_workload --recount``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .models import STAFFING_FIELDS, Assignment, SchoolTask

Kind = Assignment.Kind
# The staffing fields as columns (the foreign keys by their ids), as values_list reads them.
COLUMNS = tuple(Assignment._meta.get_field(name).attname for name in STAFFING_FIELDS)  # type: ignore[union-attr]


def _same_task() -> QuerySet[Assignment]:
    """The assignments of the outer row's task and year."""
    return Assignment.objects.filter(
        school_task_id=OuterRef("school_task_id"), school_year_id=OuterRef("school_year_id")
    ).order_by()


def _count(kind: str) -> Coalesce:
    counted = _same_task().filter(kind=kind).values("school_task_id").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")), Value(0))


def _first() -> Any:
    """True for the first assignment (lowest id) of its kind on its task and year."""
    return ~Exists(_same_task().filter(kind=OuterRef("kind"), pk__lt=OuterRef("pk")))


def _task(field: str) -> Subquery:
    return Subquery(SchoolTask.objects.filter(pk=OuterRef("school_task_id")).values(field))


def _recount(assignments: QuerySet[Assignment]) -> int:
    return assignments.update(
        task_school_id=_task("school_id"),
        task_school_group_id=_task("school_group_id"),
        task_catalogue_id=_task("catalogue_task_id"),
        task_responsibles=_count(Kind.RESPONSIBLE),
        task_backups=_count(Kind.BACKUP),
        is_first_of_kind=_first(),
    )


def recount(*, school_task_ids: Iterable[int], school_year_id: int) -> int:
    """Recount the staffing fields of the given tasks' assignments in one school year."""
    ids = sorted(set(school_task_ids))
    if not ids:
        return 0
    with transaction.atomic():
        # Lock the tasks, as every change to their assignments does, so that two
        # changes to one task (a page and the admin, say) recount one after the
        # other and the last count sees both.
        list(SchoolTask.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
        assignments = Assignment.objects.filter(
            school_task_id__in=ids, school_year_id=school_year_id
        )
        return _recount(assignments)


def recount_unfilled() -> int:
    """Fill in the staffing fields of assignments that never had them; returns how many.

    A safety net for a bulk path that forgot :func:`recount`: the nightly run
    calls it first. Normally it finds nothing, through a small partial index.
    """
    unfilled = Assignment.objects.filter(task_school__isnull=True, task_school_group__isnull=True)
    pairs = set(unfilled.values_list("school_task_id", "school_year_id"))
    for year_id in {year for _, year in pairs}:
        recount(school_task_ids=[task for task, year in pairs if year == year_id],
                school_year_id=year_id)  # fmt: skip
    return len(pairs)


def recount_all() -> int:
    """Recount every assignment's staffing fields; returns how many rows were written."""
    return _recount(Assignment.objects.all())


def out_of_step() -> list[int]:
    """The ids of assignments whose staffing fields disagree with a fresh count.

    A check for tests and maintainers (none when all is well); it reads every
    assignment, so it is not for pages or jobs.
    """
    fresh = Assignment.objects.annotate(
        fresh_school=_task("school_id"),
        fresh_group=_task("school_group_id"),
        fresh_catalogue=_task("catalogue_task_id"),
        fresh_responsibles=_count(Kind.RESPONSIBLE),
        fresh_backups=_count(Kind.BACKUP),
        fresh_first=_first(),
    ).values_list("pk", *COLUMNS, "fresh_school", "fresh_group", "fresh_catalogue",
                  "fresh_responsibles", "fresh_backups", "fresh_first")  # fmt: skip
    half = len(COLUMNS)
    return [row[0] for row in fresh.iterator() if row[1 : 1 + half] != row[1 + half :]]
