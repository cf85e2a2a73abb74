"""Calculating workload: who carries how many hours, against which budget.

The figures are computed set-wise in the database (``teams.workload_sql``),
for one school or for all of them at once, in one pass over the assignments
(each keeps a few facts about its task for that: ``teams.staffing``). The
same SQL serves the job after a change, the nightly run and ``manage.py
recalculate_workload``, so the figures never depend on which of them ran.

Rules the SQL follows:

- a task's hours are the school's own figure, else the catalogue's;
- a responsible without hours of their own carries the task's hours shared
  over its responsibles; a backup without hours carries none;
- group-level tasks count for a person in the schools of the group they
  work in, divided by their budget there (equally when they have none);
- hidden tasks, and catalogue tasks retired from the catalogue, count for
  nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ictteam.celery import enqueue_on_commit

from . import staffing, workload_sql
from .models import (
    School,
    SchoolTask,
    SchoolYear,
    StaffWorkload,
    WorkloadRequest,
    WorkloadSnapshot,
)


def recalculate(
    *, school_year: SchoolYear, school_ids: Iterable[int] | None = None, day: date | None = None
) -> None:
    """Recompute the figures of the given schools (all when None) for a school year.

    Brings the schools' staff figures in line (writing only those that
    changed) and replaces the snapshot of ``day`` (today by default), in one
    transaction. Running it twice gives the same figures.
    """
    ids = None if school_ids is None else sorted(set(school_ids))
    day = day or timezone.localdate()
    params = {
        "year": school_year.pk,
        "now": _db_value(StaffWorkload, "computed_at", timezone.now()),
        "day": _db_value(WorkloadSnapshot, "day", day),
        "yes": True,
        "no": False,
    }
    statements = workload_sql.statements(ids)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One recalculation at a time: two would both rewrite the same rows.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECALCULATION_LOCK])
            # A batch, not a page: room to hash in memory, and no JIT compiling
            # for a plan that runs once.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")
        snapshots = WorkloadSnapshot.objects.filter(school_year=school_year, day=day)
        if ids is not None:
            snapshots = snapshots.filter(school_id__in=ids)
        snapshots._raw_delete(snapshots.db)  # no cascades or signals to honour: one DELETE
        for statement in workload_sql.drop_temporary_tables():
            cursor.execute(statement)
        for statement in statements:
            cursor.execute(statement, params)
        for statement in workload_sql.drop_temporary_tables():
            cursor.execute(statement)


# Any fixed number, the same in every process: the key of the advisory lock above.
RECALCULATION_LOCK = 4_171_022


def _db_value(model: type[Any], field: str, value: Any) -> Any:
    return model._meta.get_field(field).get_db_prep_save(value, connection)


def recalculate_requested(limit: int = 500) -> int:
    """Recalculate the schools whose figures were marked out of date; returns how many.

    Marks are locked while their schools are recalculated (other workers skip
    them) and removed only if nobody marked the school again meanwhile.
    """
    done = 0
    with transaction.atomic():
        requests = list(
            WorkloadRequest.objects.select_for_update(skip_locked=True).order_by("pk")[:limit]
        )
        by_year: dict[int, list[WorkloadRequest]] = {}
        for request in requests:
            by_year.setdefault(request.school_year_id, []).append(request)
        for year_id, marks in by_year.items():
            recalculate(
                school_year=SchoolYear.objects.get(pk=year_id),
                school_ids=[mark.school_id for mark in marks],
            )
            done += len(marks)
        for request in requests:
            WorkloadRequest.objects.filter(
                pk=request.pk, requested_at=request.requested_at
            ).delete()
    return done


def recalculate_all(school_year: SchoolYear | None = None) -> None:
    """The nightly run: every school, for the given year or else the current and later ones."""
    staffing.recount_unfilled()
    years = [school_year] if school_year else list(SchoolYear.from_current())
    for year in years:
        started = timezone.now()
        with transaction.atomic():
            recalculate(school_year=year)
            # Marks set after the start may describe changes this run did not see.
            WorkloadRequest.objects.filter(school_year=year, requested_at__lte=started).delete()


def request_recalculation(*, school_ids: Iterable[int], school_year: SchoolYear) -> None:
    """Mark schools' figures out of date, and have a job recalculate them after the commit.

    Call it once per change, however many rows the change touched: the marks
    coalesce per school and year, and one job recalculates every marked school.
    """
    ids = sorted(set(school_ids))
    if not ids:
        return
    now = timezone.now()
    WorkloadRequest.objects.bulk_create(
        [WorkloadRequest(school_id=pk, school_year=school_year, requested_at=now) for pk in ids],
        update_conflicts=True,
        unique_fields=["school", "school_year"],
        update_fields=["requested_at"],
    )
    from .jobs import recalculate_requested_job

    enqueue_on_commit(recalculate_requested_job)


def schools_of(task: SchoolTask) -> list[int]:
    """The schools whose figures a task counts in: its school, or every school of its group."""
    if task.school_id is not None:
        return [task.school_id]
    return list(
        School.objects.filter(school_group_id=task.school_group_id).values_list("pk", flat=True)
    )
