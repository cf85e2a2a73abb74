"""Calculating workload: who carries how many hours, against which budget.

The figures are computed set-wise in the database: two INSERT ... SELECT
statements, one for the people and one for the schools, for one school or
for all of them at once. The same SQL serves the job after a change, the
nightly run and ``manage.py recalculate_workload``, so the figures never
depend on which of them ran.

Rules the SQL follows:

- a task's hours are the school's own figure, else the catalogue's;
- a responsible without hours of their own carries the task's hours shared
  over its responsibles; a backup without hours carries none;
- group-level tasks count for a person in the schools of the group they
  work in, divided by their budget there (equally when they have none);
- hidden tasks, and catalogue tasks retired from the catalogue, count for
  nothing.

SQLite keeps whole numbers in decimal columns as integers, so every division
multiplies by 1.0 first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ictteam.celery import enqueue_on_commit
from tasks.models import Task, TaskGroup

from .models import (
    Appointment,
    Assignment,
    Budget,
    School,
    SchoolTask,
    SchoolYear,
    StaffWorkload,
    WorkloadRequest,
    WorkloadSnapshot,
)

STANDARD_KINDS = ("technical", "pedagogical", "policy", "administrative")


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    models: dict[str, Any] = {
        "task": Task, "taskgroup": TaskGroup, "schooltask": SchoolTask,
        "assignment": Assignment, "budget": Budget, "appointment": Appointment,
        "school": School, "staffworkload": StaffWorkload, "snapshot": WorkloadSnapshot,
    }  # fmt: skip
    return {name: quote(model._meta.db_table) for name, model in models.items()}


def _in(column: str, ids: Sequence[int] | None) -> str:
    """An SQL condition limiting ``column`` to ``ids``; always true when ids is None."""
    if ids is None:
        return "1 = 1"
    return f"{column} IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})"


def _by_kind(value: str, condition: str, kind: str) -> str:
    """SUM of ``value`` per standard group kind, then all other kinds, as columns k0..k4."""
    others = ", ".join(f"'{k}'" for k in STANDARD_KINDS)
    cases = [f"{kind} = '{k}'" for k in STANDARD_KINDS] + [f"{kind} NOT IN ({others})"]
    return ",\n         ".join(
        f"COALESCE(SUM(CASE WHEN {condition} AND {case} THEN {value} END), 0) AS k{index}"
        for index, case in enumerate(cases)
    )


# Tasks that count, with their hours and the kind of their group. {scope} limits them
# to the schools being recalculated and to the school groups of those schools.
TASKS_CTE = """
task_hours AS (
  SELECT st.id AS task_id, st.school_id, st.school_group_id,
         COALESCE(st.local_hours, ct.hours_per_year, 0) AS hours,
         COALESCE(g.kind, '') AS kind
  FROM {schooltask} st
  LEFT JOIN {task} ct ON ct.id = st.catalogue_task_id
  LEFT JOIN {taskgroup} g ON g.id = COALESCE(ct.group_id, st.group_id)
  WHERE st.is_hidden = %(no)s AND (ct.id IS NULL OR ct.is_active = %(yes)s)
    AND ({task_scope})
),
counts AS (
  SELECT a.school_task_id AS task_id,
         SUM(CASE WHEN a.kind = 'responsible' THEN 1 ELSE 0 END) AS responsibles,
         SUM(CASE WHEN a.kind = 'backup' THEN 1 ELSE 0 END) AS backups,
         MIN(CASE WHEN a.kind = 'responsible' THEN a.staff_member_id END) AS first_staff
  FROM {assignment} a
  JOIN task_hours t ON t.task_id = a.school_task_id
  WHERE a.school_year_id = %(year)s
  GROUP BY a.school_task_id
),
assigned AS (
  SELECT a.staff_member_id, a.kind AS role, t.school_id, t.school_group_id, t.kind,
         CASE WHEN a.hours IS NOT NULL THEN a.hours
              WHEN a.kind = 'backup' THEN 0
              ELSE t.hours * 1.0 / c.responsibles END AS hours
  FROM {assignment} a
  JOIN task_hours t ON t.task_id = a.school_task_id
  JOIN counts c ON c.task_id = a.school_task_id
  WHERE a.school_year_id = %(year)s
)"""

# The templates are filled in with table names from the models and integer ids
# only (see _sql); every value travels as a query parameter.
STAFF_SQL = (
    "WITH"  # noqa: S608
    + TASKS_CTE
    + """,
shares AS (
  SELECT ap.staff_member_id, ap.school_id, s.school_group_id,
         CASE WHEN SUM(COALESCE(b.hours_per_year, 0)) OVER w > 0
              THEN COALESCE(b.hours_per_year, 0) * 1.0 / SUM(COALESCE(b.hours_per_year, 0)) OVER w
              ELSE 1.0 / COUNT(*) OVER w END AS share
  FROM {appointment} ap
  JOIN {school} s ON s.id = ap.school_id
  LEFT JOIN {budget} b ON b.staff_member_id = ap.staff_member_id
       AND b.school_id = ap.school_id AND b.school_year_id = %(year)s
  WHERE ap.is_active = %(yes)s AND ({group_scope})
  WINDOW w AS (PARTITION BY ap.staff_member_id, s.school_group_id)
),
work AS (
  SELECT staff_member_id, school_id, role, kind, hours
  FROM assigned WHERE school_id IS NOT NULL AND staff_member_id IS NOT NULL
  UNION ALL
  SELECT a.staff_member_id, sh.school_id, a.role, a.kind, a.hours * sh.share
  FROM assigned a
  JOIN shares sh ON sh.staff_member_id = a.staff_member_id
       AND sh.school_group_id = a.school_group_id
  WHERE a.school_group_id IS NOT NULL
),
people AS (
  SELECT staff_member_id, school_id FROM work
  UNION
  SELECT staff_member_id, school_id FROM {budget} b
  WHERE b.school_year_id = %(year)s AND b.hours_per_year > 0 AND ({budget_scope})
),
totals AS (
  SELECT p.staff_member_id, p.school_id,
         COALESCE(SUM(CASE WHEN w.role = 'responsible' THEN w.hours END), 0) AS responsible,
         COALESCE(SUM(CASE WHEN w.role = 'backup' THEN w.hours END), 0) AS backup,
         COUNT(w.role) AS tasks,
         {staff_kinds}
  FROM people p
  LEFT JOIN work w ON w.staff_member_id = p.staff_member_id AND w.school_id = p.school_id
  WHERE {people_scope}
  GROUP BY p.staff_member_id, p.school_id
)
INSERT INTO {staffworkload}
  (school_id, school_year_id, staff_member_id, computed_at, budget_hours, responsible_hours,
   backup_hours, task_count, technical_hours, pedagogical_hours, policy_hours,
   administrative_hours, other_hours)
SELECT t.school_id, %(year)s, t.staff_member_id, %(now)s, COALESCE(b.hours_per_year, 0),
       t.responsible, t.backup, t.tasks, t.k0, t.k1, t.k2, t.k3, t.k4
FROM totals t
LEFT JOIN {budget} b ON b.staff_member_id = t.staff_member_id AND b.school_id = t.school_id
     AND b.school_year_id = %(year)s
"""
)

# A person is overloaded above the school's threshold, or with hours and no budget.
OVERLOADED = (
    "(w.budget_hours = 0 AND w.responsible_hours > 0 OR "
    "w.responsible_hours * 100 > w.budget_hours * s.overloaded_above_percent)"
)

SCHOOL_SQL = (
    "WITH"  # noqa: S608
    + TASKS_CTE
    + """,
tasks AS (
  SELECT t.task_id, t.school_id, t.hours, t.kind,
         COALESCE(c.responsibles, 0) AS responsibles, COALESCE(c.backups, 0) AS backups,
         c.first_staff
  FROM task_hours t LEFT JOIN counts c ON c.task_id = t.task_id
  WHERE t.school_id IS NOT NULL
),
per_task AS (
  SELECT school_id,
         COUNT(*) AS task_count,
         COALESCE(SUM(hours), 0) AS needed,
         COALESCE(SUM(CASE WHEN responsibles = 0 THEN hours END), 0) AS unassigned_hours,
         SUM(CASE WHEN responsibles = 0 THEN 1 ELSE 0 END) AS unassigned,
         SUM(CASE WHEN backups = 0 THEN 1 ELSE 0 END) AS without_backup,
         SUM(CASE WHEN responsibles = 1 AND backups = 0 THEN 1 ELSE 0 END) AS single_person,
         {task_kinds}
  FROM tasks
  GROUP BY school_id
),
per_assignment AS (
  SELECT school_id,
         COALESCE(SUM(CASE WHEN role = 'responsible' AND staff_member_id IS NOT NULL
                           THEN hours END), 0) AS assigned,
         COALESCE(SUM(CASE WHEN role = 'responsible' AND staff_member_id IS NULL
                           THEN hours END), 0) AS outsourced
  FROM assigned WHERE school_id IS NOT NULL
  GROUP BY school_id
),
overloaded_single AS (
  SELECT t.school_id, COUNT(*) AS n
  FROM tasks t
  JOIN {staffworkload} w ON w.staff_member_id = t.first_staff AND w.school_id = t.school_id
       AND w.school_year_id = %(year)s
  JOIN {school} s ON s.id = t.school_id
  WHERE t.responsibles = 1 AND {overloaded}
  GROUP BY t.school_id
),
people AS (
  SELECT w.school_id, COUNT(*) AS staff, COALESCE(SUM(w.budget_hours), 0) AS budget,
         SUM(CASE WHEN {overloaded} THEN 1 ELSE 0 END) AS overloaded
  FROM {staffworkload} w JOIN {school} s ON s.id = w.school_id
  WHERE w.school_year_id = %(year)s AND ({workload_scope})
  GROUP BY w.school_id
)
INSERT INTO {snapshot}
  (school_id, school_year_id, day, computed_at, task_count, needed_hours, team_budget,
   assigned_hours, outsourced_hours, unassigned_hours, unassigned_count, without_backup_count,
   single_person_count, overloaded_single_count, overloaded_count, staff_count,
   technical_hours, pedagogical_hours, policy_hours, administrative_hours, other_hours)
SELECT s.id, %(year)s, %(day)s, %(now)s, COALESCE(pt.task_count, 0), COALESCE(pt.needed, 0),
       COALESCE(pp.budget, 0), COALESCE(pa.assigned, 0), COALESCE(pa.outsourced, 0),
       COALESCE(pt.unassigned_hours, 0), COALESCE(pt.unassigned, 0),
       COALESCE(pt.without_backup, 0), COALESCE(pt.single_person, 0), COALESCE(os.n, 0),
       COALESCE(pp.overloaded, 0), COALESCE(pp.staff, 0),
       COALESCE(pt.k0, 0), COALESCE(pt.k1, 0), COALESCE(pt.k2, 0), COALESCE(pt.k3, 0),
       COALESCE(pt.k4, 0)
FROM {school} s
LEFT JOIN per_task pt ON pt.school_id = s.id
LEFT JOIN per_assignment pa ON pa.school_id = s.id
LEFT JOIN overloaded_single os ON os.school_id = s.id
LEFT JOIN people pp ON pp.school_id = s.id
WHERE {school_scope}
"""
)


def _sql(template: str, school_ids: Sequence[int] | None) -> str:
    groups = (
        None
        if school_ids is None
        else list(
            School.objects.filter(pk__in=school_ids, school_group__isnull=False)
            .values_list("school_group_id", flat=True)
            .distinct()
        )
    )
    task_scope = (
        "1 = 1"
        if school_ids is None
        else f"{_in('st.school_id', school_ids)} OR {_in('st.school_group_id', groups)}"
    )
    return template.format(
        **_tables(),
        task_scope=task_scope,
        group_scope=_in("s.school_group_id", groups) if school_ids is not None else "1 = 1",
        budget_scope=_in("b.school_id", school_ids),
        people_scope=_in("p.school_id", school_ids),
        school_scope=_in("s.id", school_ids),
        workload_scope=_in("w.school_id", school_ids),
        staff_kinds=_by_kind("w.hours", "w.role = 'responsible'", "w.kind"),
        task_kinds=_by_kind("hours", "1 = 1", "kind"),
        overloaded=OVERLOADED,
    )


def recalculate(
    *, school_year: SchoolYear, school_ids: Iterable[int] | None = None, day: date | None = None
) -> None:
    """Recompute the figures of the given schools (all when None) for a school year.

    Replaces the schools' staff figures and the snapshot of ``day`` (today by
    default) in one transaction. Running it twice gives the same figures.
    """
    ids = None if school_ids is None else sorted(set(school_ids))
    now = timezone.now()
    day = day or timezone.localdate()
    params = {
        "year": school_year.pk,
        "now": _db_datetime(now),
        "day": WorkloadSnapshot._meta.get_field("day").get_db_prep_save(day, connection),  # type: ignore[union-attr]
        "yes": True,
        "no": False,
    }
    with transaction.atomic():
        staff = StaffWorkload.objects.filter(school_year=school_year)
        snapshots = WorkloadSnapshot.objects.filter(school_year=school_year, day=day)
        if ids is not None:
            staff, snapshots = staff.filter(school_id__in=ids), snapshots.filter(school_id__in=ids)
        staff.delete()
        snapshots.delete()
        with connection.cursor() as cursor:
            cursor.execute(_sql(STAFF_SQL, ids), params)
            cursor.execute(_sql(SCHOOL_SQL, ids), params)


def _db_datetime(value: datetime) -> Any:
    return StaffWorkload._meta.get_field("computed_at").get_db_prep_save(value, connection)  # type: ignore[union-attr]


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
    """The nightly run: every school of the (current) school year, and no marks left."""
    year = school_year or SchoolYear.current()
    with transaction.atomic():
        recalculate(school_year=year)
        WorkloadRequest.objects.filter(school_year=year).delete()


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
