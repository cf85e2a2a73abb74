"""The SQL behind the workload figures (see ``teams.workload`` for the rules).

Three statements, standard SQL that PostgreSQL and SQLite both run:

1. ``TASKS``: every task that counts, in a temporary table, with its hours,
   the kind of its group, and how many responsibles, backups and partners it
   has this year: one pass over the year's assignments.
2. ``STAFF``: each person's hours per school: the assignments joined to that
   table, summed per person and school; plus everyone with a budget.
3. ``SCHOOLS``: each school's snapshot, from the task table and the staff
   figures just written.

The templates are filled in with table names from the models and integer
ids only (see :func:`statements`); every value travels as a query parameter.
SQLite keeps whole numbers in decimal columns as integers, so every division
multiplies by 1.0 first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from tasks.models import Task, TaskGroup

from .models import (
    Appointment,
    Assignment,
    Budget,
    School,
    SchoolTask,
    StaffWorkload,
    WorkloadSnapshot,
)

STANDARD_KINDS = ("technical", "pedagogical", "policy", "administrative")
TASK_TABLE = "ictteam_workload_task"

TASKS = """
CREATE TEMPORARY TABLE {tmp} AS
SELECT st.id AS task_id, st.school_id, st.school_group_id,
       COALESCE(st.local_hours, ct.hours_per_year, 0) * 1.0 AS hours,
       COALESCE(g.kind, '') AS kind,
       COALESCE(c.responsibles, 0) AS responsibles,
       COALESCE(c.backups, 0) AS backups,
       COALESCE(c.partner_hours, 0) AS partner_hours,
       COALESCE(c.partners_sharing, 0) AS partners_sharing,
       c.first_staff
FROM {schooltask} st
LEFT JOIN {task} ct ON ct.id = st.catalogue_task_id
LEFT JOIN {taskgroup} g ON g.id = COALESCE(ct.group_id, st.group_id)
LEFT JOIN (
  SELECT school_task_id,
         SUM(CASE WHEN kind = 'responsible' THEN 1 ELSE 0 END) AS responsibles,
         SUM(CASE WHEN kind = 'backup' THEN 1 ELSE 0 END) AS backups,
         SUM(CASE WHEN kind = 'responsible' AND staff_member_id IS NULL
                  THEN hours END) AS partner_hours,
         SUM(CASE WHEN kind = 'responsible' AND staff_member_id IS NULL
                   AND hours IS NULL THEN 1 ELSE 0 END) AS partners_sharing,
         MIN(CASE WHEN kind = 'responsible' THEN staff_member_id END) AS first_staff
  FROM {assignment}
  WHERE school_year_id = %(year)s
  GROUP BY school_task_id
) c ON c.school_task_id = st.id
WHERE st.is_hidden = %(no)s AND (ct.id IS NULL OR ct.is_active = %(yes)s) AND ({task_scope})
"""

# What an assignment carries: its own hours, else for a responsible a share of the task's.
CARRIED = """CASE WHEN a.hours IS NOT NULL THEN a.hours * 1.0
              WHEN a.kind = 'backup' THEN 0
              ELSE t.hours / t.responsibles END"""

STAFF = """
INSERT INTO {staffworkload}
  (school_id, school_year_id, staff_member_id, computed_at, budget_hours, responsible_hours,
   backup_hours, task_count, technical_hours, pedagogical_hours, policy_hours,
   administrative_hours, other_hours)
WITH work AS (
  SELECT a.staff_member_id, t.school_id, a.kind AS role, t.kind, {carried} AS hours
  FROM {assignment} a
  JOIN {tmp} t ON t.task_id = a.school_task_id
  WHERE a.school_year_id = %(year)s AND a.staff_member_id IS NOT NULL
    AND t.school_id IS NOT NULL AND ({task_school_scope})
  UNION ALL
  SELECT a.staff_member_id, sh.school_id, a.kind, t.kind, {carried} * sh.share
  FROM {assignment} a
  JOIN {tmp} t ON t.task_id = a.school_task_id
  JOIN (
    SELECT ap.staff_member_id, ap.school_id, s.school_group_id,
           CASE WHEN SUM(COALESCE(b.hours_per_year, 0)) OVER w > 0
                THEN COALESCE(b.hours_per_year, 0) * 1.0
                     / SUM(COALESCE(b.hours_per_year, 0)) OVER w
                ELSE 1.0 / COUNT(*) OVER w END AS share
    FROM {appointment} ap
    JOIN {school} s ON s.id = ap.school_id
    LEFT JOIN {budget} b ON b.staff_member_id = ap.staff_member_id
         AND b.school_id = ap.school_id AND b.school_year_id = %(year)s
    WHERE ap.is_active = %(yes)s AND s.school_group_id IS NOT NULL AND ({group_scope})
    WINDOW w AS (PARTITION BY ap.staff_member_id, s.school_group_id)
  ) sh ON sh.staff_member_id = a.staff_member_id AND sh.school_group_id = t.school_group_id
  WHERE a.school_year_id = %(year)s AND t.school_group_id IS NOT NULL AND ({share_scope})
),
totals AS (
  SELECT staff_member_id, school_id,
         SUM(CASE WHEN role = 'responsible' THEN hours ELSE 0 END) AS responsible,
         SUM(CASE WHEN role = 'backup' THEN hours ELSE 0 END) AS backup,
         COUNT(*) AS tasks,
         {staff_kinds}
  FROM work
  GROUP BY staff_member_id, school_id
)
SELECT t.school_id, %(year)s, t.staff_member_id, %(now)s, COALESCE(b.hours_per_year, 0),
       t.responsible, t.backup, t.tasks, t.k0, t.k1, t.k2, t.k3, t.k4
FROM totals t
LEFT JOIN {budget} b ON b.staff_member_id = t.staff_member_id AND b.school_id = t.school_id
     AND b.school_year_id = %(year)s
UNION ALL
SELECT b.school_id, %(year)s, b.staff_member_id, %(now)s, b.hours_per_year,
       0, 0, 0, 0, 0, 0, 0, 0
FROM {budget} b
WHERE b.school_year_id = %(year)s AND b.hours_per_year > 0 AND ({budget_scope})
  AND EXISTS (SELECT 1 FROM {appointment} ap
              WHERE ap.staff_member_id = b.staff_member_id AND ap.school_id = b.school_id
                AND ap.is_active = %(yes)s)
  AND NOT EXISTS (SELECT 1 FROM totals t
                  WHERE t.staff_member_id = b.staff_member_id AND t.school_id = b.school_id)
"""

# A person is overloaded above the school's threshold, or with hours and no budget.
OVERLOADED = (
    "(w.budget_hours = 0 AND w.responsible_hours > 0 OR "
    "w.responsible_hours * 100 > w.budget_hours * s.overloaded_above_percent)"
)

SCHOOLS = """
INSERT INTO {snapshot}
  (school_id, school_year_id, day, computed_at, task_count, needed_hours, team_budget,
   assigned_hours, outsourced_hours, unassigned_hours, unassigned_count, without_backup_count,
   single_person_count, overloaded_single_count, overloaded_count, staff_count,
   technical_hours, pedagogical_hours, policy_hours, administrative_hours, other_hours)
WITH per_task AS (
  SELECT school_id,
         COUNT(*) AS task_count,
         SUM(hours) AS needed,
         SUM(CASE WHEN responsibles = 0 THEN hours ELSE 0 END) AS unassigned_hours,
         SUM(CASE WHEN responsibles = 0 THEN 1 ELSE 0 END) AS unassigned,
         SUM(CASE WHEN backups = 0 THEN 1 ELSE 0 END) AS without_backup,
         SUM(CASE WHEN responsibles = 1 AND backups = 0 THEN 1 ELSE 0 END) AS single_person,
         SUM(partner_hours + CASE WHEN partners_sharing > 0
                                  THEN hours * partners_sharing / responsibles ELSE 0 END)
           AS outsourced,
         {task_kinds}
  FROM {tmp}
  WHERE school_id IS NOT NULL
  GROUP BY school_id
),
people AS (
  SELECT w.school_id, COUNT(*) AS staff, SUM(w.budget_hours) AS budget,
         SUM(w.responsible_hours) AS assigned,
         SUM(CASE WHEN {overloaded} THEN 1 ELSE 0 END) AS overloaded
  FROM {staffworkload} w JOIN {school} s ON s.id = w.school_id
  WHERE w.school_year_id = %(year)s AND ({workload_scope})
  GROUP BY w.school_id
),
flagged AS (
  SELECT w.staff_member_id, w.school_id
  FROM {staffworkload} w JOIN {school} s ON s.id = w.school_id
  WHERE w.school_year_id = %(year)s AND ({workload_scope}) AND {overloaded}
),
overloaded_single AS (
  SELECT t.school_id, COUNT(*) AS n
  FROM {tmp} t
  JOIN flagged f ON f.staff_member_id = t.first_staff AND f.school_id = t.school_id
  WHERE t.responsibles = 1
  GROUP BY t.school_id
)
SELECT s.id, %(year)s, %(day)s, %(now)s, COALESCE(pt.task_count, 0), COALESCE(pt.needed, 0),
       COALESCE(pp.budget, 0), COALESCE(pp.assigned, 0), COALESCE(pt.outsourced, 0),
       COALESCE(pt.unassigned_hours, 0), COALESCE(pt.unassigned, 0),
       COALESCE(pt.without_backup, 0), COALESCE(pt.single_person, 0), COALESCE(os.n, 0),
       COALESCE(pp.overloaded, 0), COALESCE(pp.staff, 0),
       COALESCE(pt.k0, 0), COALESCE(pt.k1, 0), COALESCE(pt.k2, 0), COALESCE(pt.k3, 0),
       COALESCE(pt.k4, 0)
FROM {school} s
LEFT JOIN per_task pt ON pt.school_id = s.id
LEFT JOIN people pp ON pp.school_id = s.id
LEFT JOIN overloaded_single os ON os.school_id = s.id
WHERE {school_scope}
"""


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    models: dict[str, Any] = {
        "task": Task, "taskgroup": TaskGroup, "schooltask": SchoolTask,
        "assignment": Assignment, "budget": Budget, "appointment": Appointment,
        "school": School, "staffworkload": StaffWorkload, "snapshot": WorkloadSnapshot,
    }  # fmt: skip
    return {name: quote(model._meta.db_table) for name, model in models.items()} | {
        "tmp": quote(TASK_TABLE)
    }


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
        f"SUM(CASE WHEN {condition} AND {case} THEN {value} ELSE 0 END) AS k{index}"
        for index, case in enumerate(cases)
    )


def statements(school_ids: Sequence[int] | None) -> list[str]:
    """The three statements for the given schools (every school when None), in order."""
    groups = None
    if school_ids is not None:
        groups = list(
            School.objects.filter(pk__in=school_ids, school_group__isnull=False)
            .values_list("school_group_id", flat=True)
            .distinct()
        )
    task_scope = "1 = 1"
    if school_ids is not None:
        task_scope = f"{_in('st.school_id', school_ids)} OR {_in('st.school_group_id', groups)}"
    names = _tables() | {
        "task_scope": task_scope,
        "task_school_scope": _in("t.school_id", school_ids),
        "group_scope": _in("s.school_group_id", groups),
        "share_scope": _in("sh.school_id", school_ids),
        "budget_scope": _in("b.school_id", school_ids),
        "workload_scope": _in("w.school_id", school_ids),
        "school_scope": _in("s.id", school_ids),
        "staff_kinds": _by_kind("hours", "role = 'responsible'", "kind"),
        "task_kinds": _by_kind("hours", "1 = 1", "kind"),
        "overloaded": OVERLOADED,
        "carried": CARRIED,
    }
    names["carried"] = CARRIED
    return [template.format(**names) for template in (TASKS, STAFF, SCHOOLS)]


def drop_task_table() -> str:
    return f"DROP TABLE IF EXISTS {connection.ops.quote_name(TASK_TABLE)}"
