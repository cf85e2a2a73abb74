"""The SQL behind the workload figures (see ``teams.workload`` for the rules).

One pass over the year's assignments does the heavy work. Every assignment
keeps (``teams.staffing``) which school or group and which catalogue entry its
task belongs to, how many responsibles and backups the task has and whether
it is the first of its kind there; so its carried hours and its part in the
school's risks follow from the row itself, the catalogue (a small table) and
the few tasks that differ from their catalogue entry. In order:

1. ``PEOPLE``: the assignments summed per person (or, with no person, per
   school's outsourcing) and school, with each person's budget there, into a
   temporary table: hours by role and group, and the counts behind the risks.
2. ``BUDGETS``: everyone with a budget but no tasks joins that table.
3. ``CHANGES``: the stored staff figures that differ from it, into a second
   temporary table; on a normal night it is empty, since every change was
   already recalculated by its own job.
4. ``REMOVE_STAFF``, ``UPDATE_STAFF`` and ``ADD_STAFF`` write those changes.
5. ``SCHOOLS``: each school's snapshot of the day, from its task list (one
   pass over the tasks, for the tasks nobody does) and the people table.

The templates are filled in with table names from the models and integer ids
only (see :func:`statements`); every value travels as a query parameter.
Hours are summed as floating point and rounded to cents once, at the end.
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
PEOPLE_TABLE = "ictteam_workload_people"
CHANGES_TABLE = "ictteam_workload_changes"
TEMPORARY_TABLES = (PEOPLE_TABLE, CHANGES_TABLE)
FIGURES = (
    "budget_hours", "responsible_hours", "backup_hours", "task_count", "technical_hours",
    "pedagogical_hours", "policy_hours", "administrative_hours", "other_hours",
)  # fmt: skip

# What a task's catalogue entry (or, for a school's own task, its group) says about
# it: its hours, whether it still counts, and its group's kind. A small table,
# joined to each task on one key: the catalogue task's id, or minus the group's id
# for an own task. Hours are converted to floating point here, once per entry.
FACTS = """facts AS (
  SELECT ct.id AS fact_key, CAST(ct.hours_per_year AS DOUBLE PRECISION) AS hours,
         ct.is_active AS active, {kind_number} AS kind
  FROM {task} ct LEFT JOIN {taskgroup} g ON g.id = ct.group_id
  UNION ALL
  SELECT -g.id, NULL, %(yes)s, {kind_number} FROM {taskgroup} g
)"""
# Groups' kinds by number: 0-3 for the standard ones in STANDARD_KINDS' order, 4 for others.
KIND_NUMBER = (
    "CASE g.kind "
    + " ".join(f"WHEN '{kind}' THEN {number}" for number, kind in enumerate(STANDARD_KINDS))
    + f" ELSE {len(STANDARD_KINDS)} END"
)
# The kind of work an assignment is: its group's number for a responsible, -1 as backup.
KIND_OF_WORK = "CASE WHEN a.kind = 'responsible' THEN f.kind ELSE -1 END"
FACTS_JOIN = "JOIN facts f ON f.fact_key = COALESCE(st.catalogue_task_id, -st.group_id)"
# A task's hours here, and whether it counts at all (not hidden, still in the catalogue).
TASK_HOURS = "COALESCE(CAST(st.local_hours AS DOUBLE PRECISION), f.hours, 0)"
COUNTS = "st.is_hidden = %(no)s AND f.active = %(yes)s"

# The same for a school-level task seen from its assignments, which carry a copy
# of its catalogue entry: only the few tasks that differ from their entry (own
# hours, hidden, or an own task with its own group) are looked up, in ``o``.
OVERRIDES = """overrides AS (
  SELECT st.id, st.local_hours, st.is_hidden, st.group_id
  FROM {schooltask} st
  WHERE (st.local_hours IS NOT NULL OR st.is_hidden = %(yes)s OR st.catalogue_task_id IS NULL)
    AND st.school_id IS NOT NULL AND ({task_school_scope})
)"""
OVERRIDES_JOIN = """LEFT JOIN overrides o ON o.id = a.school_task_id
  JOIN facts f ON f.fact_key = COALESCE(a.task_catalogue_id, -o.group_id)"""
# Assignments of some schools' tasks, found through the tasks' index (scoped runs).
ASSIGNMENT_SCOPE = (
    "a.school_task_id IN (SELECT st.id FROM {schooltask} st WHERE {task_school_scope})"
)
OWN_TASK_HOURS = "COALESCE(CAST(o.local_hours AS DOUBLE PRECISION), f.hours, 0)"
OWN_COUNTS = "COALESCE(o.is_hidden, %(no)s) = %(no)s AND f.active = %(yes)s"

# What an assignment carries: its own hours, else for a responsible a share of the task's.
CARRIED = """CASE WHEN a.hours IS NOT NULL THEN CAST(a.hours AS DOUBLE PRECISION)
              WHEN a.kind = 'backup' THEN 0
              ELSE {task_hours} / CASE WHEN a.task_responsibles > 0
                                       THEN a.task_responsibles ELSE 1 END END"""

PEOPLE = """
CREATE TEMPORARY TABLE {people} AS
WITH {facts},
{overrides},
shares AS (
  SELECT ap.staff_member_id, ap.school_id, s.school_group_id,
         CASE WHEN SUM(COALESCE(b.hours_per_year, 0)) OVER w > 0
              THEN CAST(COALESCE(b.hours_per_year, 0) AS DOUBLE PRECISION)
                   / SUM(COALESCE(b.hours_per_year, 0)) OVER w
              ELSE 1.0 / COUNT(*) OVER w END AS share
  FROM {appointment} ap
  JOIN {school} s ON s.id = ap.school_id
  LEFT JOIN {budget} b ON b.staff_member_id = ap.staff_member_id
       AND b.school_id = ap.school_id AND b.school_year_id = %(year)s
  WHERE ap.is_active = %(yes)s AND s.school_group_id IS NOT NULL AND ({group_scope})
    AND ap.staff_member_id IN (
      SELECT ga.staff_member_id FROM {assignment} ga
      JOIN {schooltask} gt ON gt.id = ga.school_task_id
      WHERE gt.school_group_id IS NOT NULL AND ga.school_year_id = %(year)s)
  WINDOW w AS (PARTITION BY ap.staff_member_id, s.school_group_id)
),
work AS (
  SELECT a.staff_member_id, a.task_school_id AS school_id, {kind_of_work} AS kind,
         {own_carried} AS hours, {own_task_hours} AS task_hours,
         a.is_first_of_kind AND a.kind = 'responsible' AS leads,
         a.is_first_of_kind AND a.kind = 'backup' AS leads_backups,
         a.is_first_of_kind AND a.kind = 'responsible' AND a.task_responsibles = 1
           AND a.task_backups = 0 AS single,
         a.kind = 'responsible' AND a.task_responsibles = 1 AS alone
  FROM {assignment} a
  {overrides_join}
  WHERE a.school_year_id = %(year)s AND a.task_school_id IS NOT NULL AND {own_counts}
    AND ({assignment_scope})
  UNION ALL
  SELECT a.staff_member_id, sh.school_id, {kind_of_work}, ({carried}) * sh.share, 0,
         %(no)s, %(no)s, %(no)s, %(no)s
  FROM {assignment} a
  JOIN {schooltask} st ON st.id = a.school_task_id
  {facts_join}
  JOIN shares sh ON sh.staff_member_id = a.staff_member_id
       AND sh.school_group_id = st.school_group_id
  WHERE a.school_year_id = %(year)s AND st.school_group_id IS NOT NULL AND {counts}
    AND ({share_scope})
),
totals AS (
  SELECT staff_member_id, school_id,
         SUM(hours) FILTER (WHERE kind < 0) AS backup,
         COUNT(*) AS tasks,
         {kinds},
         COUNT(*) FILTER (WHERE leads) AS covered,
         SUM(task_hours) FILTER (WHERE leads) AS covered_hours,
         COUNT(*) FILTER (WHERE leads_backups) AS backed,
         COUNT(*) FILTER (WHERE single) AS single,
         COUNT(*) FILTER (WHERE alone) AS alone
  FROM work
  GROUP BY staff_member_id, school_id
)
SELECT t.staff_member_id, t.school_id, COALESCE(b.hours_per_year, 0) AS budget_hours,
       {r_responsible} AS responsible_hours, {r_backup} AS backup_hours, t.tasks AS task_count,
       {r_k0} AS technical_hours, {r_k1} AS pedagogical_hours, {r_k2} AS policy_hours,
       {r_k3} AS administrative_hours, {r_k4} AS other_hours,
       t.covered, t.covered_hours, t.backed, t.single, t.alone
FROM totals t
LEFT JOIN {budget} b ON b.staff_member_id = t.staff_member_id AND b.school_id = t.school_id
     AND b.school_year_id = %(year)s
"""

# Everyone with a budget and no tasks counts too, with no hours.
BUDGETS = """
INSERT INTO {people}
SELECT b.staff_member_id, b.school_id, b.hours_per_year, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
FROM {budget} b
WHERE b.school_year_id = %(year)s AND b.hours_per_year > 0 AND ({budget_scope})
  AND EXISTS (SELECT 1 FROM {appointment} ap
              WHERE ap.staff_member_id = b.staff_member_id AND ap.school_id = b.school_id
                AND ap.is_active = %(yes)s)
  AND NOT EXISTS (SELECT 1 FROM {people} p
                  WHERE p.staff_member_id = b.staff_member_id AND p.school_id = b.school_id)
"""

# The stored staff figures that differ from the new ones: to remove (no new
# figures), to change, or to add (none stored). On a normal night it is empty.
CHANGES = """
CREATE TEMPORARY TABLE {changes} AS
SELECT w.id AS stored_id, n.school_id, n.staff_member_id, {new_figures}
FROM (SELECT * FROM {people} WHERE staff_member_id IS NOT NULL) n
FULL JOIN (SELECT * FROM {staffworkload}
           WHERE school_year_id = %(year)s AND ({stored_scope})) w
  ON w.school_id = n.school_id AND w.staff_member_id = n.staff_member_id
WHERE w.id IS NULL OR n.school_id IS NULL OR {changed}
"""

REMOVE_STAFF = """
DELETE FROM {staffworkload}
WHERE id IN (SELECT stored_id FROM {changes} WHERE school_id IS NULL)
"""

UPDATE_STAFF = """
UPDATE {staffworkload}
SET computed_at = %(now)s, {set_figures}
FROM {changes} c
WHERE {staffworkload}.id = c.stored_id AND c.school_id IS NOT NULL
"""

ADD_STAFF = """
INSERT INTO {staffworkload} (school_id, school_year_id, staff_member_id, computed_at, {figures})
SELECT c.school_id, %(year)s, c.staff_member_id, %(now)s, {changed_figures}
FROM {changes} c
WHERE c.stored_id IS NULL
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
WITH {facts},
by_kind AS (
  SELECT st.school_id, f.kind, COUNT(*) AS task_count, SUM({task_hours}) AS hours
  FROM {schooltask} st
  {facts_join}
  WHERE st.school_id IS NOT NULL AND {counts} AND ({task_school_scope})
  GROUP BY st.school_id, f.kind
),
tasks AS (
  SELECT school_id, SUM(task_count) AS task_count, SUM(hours) AS needed,
         {task_kinds}
  FROM by_kind
  GROUP BY school_id
),
team AS (
  SELECT w.school_id, SUM(w.covered) AS covered, SUM(w.covered_hours) AS covered_hours,
         SUM(w.backed) AS backed, SUM(w.single) AS single,
         SUM(w.responsible_hours) FILTER (WHERE w.staff_member_id IS NULL) AS outsourced,
         COUNT(w.staff_member_id) AS staff,
         SUM(w.budget_hours) FILTER (WHERE w.staff_member_id IS NOT NULL) AS budget,
         SUM(w.responsible_hours) FILTER (WHERE w.staff_member_id IS NOT NULL) AS assigned,
         COUNT(*) FILTER (WHERE w.staff_member_id IS NOT NULL AND {overloaded}) AS overloaded,
         SUM(w.alone) FILTER (WHERE w.staff_member_id IS NOT NULL AND {overloaded})
           AS overloaded_single
  FROM {people} w JOIN {school} s ON s.id = w.school_id
  GROUP BY w.school_id
)
SELECT s.id, %(year)s, %(day)s, %(now)s, COALESCE(t.task_count, 0), {r_needed},
       COALESCE(tm.budget, 0), COALESCE(tm.assigned, 0), {r_outsourced}, {r_unassigned},
       COALESCE(t.task_count, 0) - COALESCE(tm.covered, 0),
       COALESCE(t.task_count, 0) - COALESCE(tm.backed, 0),
       COALESCE(tm.single, 0), COALESCE(tm.overloaded_single, 0), COALESCE(tm.overloaded, 0),
       COALESCE(tm.staff, 0), {r_t0}, {r_t1}, {r_t2}, {r_t3}, {r_t4}
FROM {school} s
LEFT JOIN tasks t ON t.school_id = s.id
LEFT JOIN team tm ON tm.school_id = s.id
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
        "people": quote(PEOPLE_TABLE),
        "changes": quote(CHANGES_TABLE),
    }


def _in(column: str, ids: Sequence[int] | None) -> str:
    """An SQL condition limiting ``column`` to ``ids``; always true when ids is None."""
    if ids is None:
        return "1 = 1"
    return f"{column} IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})"


def _by_kind(value: str, kind: str, name: str) -> str:
    """SUM of ``value`` per kind number (see KIND_NUMBER), as columns name0..4.

    A sum over no rows is NULL: read them through :func:`_hours`.
    """
    return ",\n       ".join(
        f"SUM({value}) FILTER (WHERE {kind} = {number}) AS {name}{number}"
        for number in range(len(STANDARD_KINDS) + 1)
    )


def _hours(expression: str) -> str:
    """A sum of hours (NULL for none) rounded to cents, the precision the figures are kept in.

    Half a cent rounds up. On PostgreSQL the cents are counted as an integer and
    scaled back, which is exact and much cheaper than converting each floating
    point sum to a decimal; the small margin absorbs the sums' rounding error.
    """
    if connection.vendor == "postgresql":
        return f"CAST(FLOOR(COALESCE({expression}, 0) * 100 + 0.500001) AS BIGINT) * 0.01"
    return f"ROUND(COALESCE({expression}, 0), 2)"


def statements(school_ids: Sequence[int] | None) -> list[str]:
    """The statements for the given schools (every school when None), in order."""
    groups = None
    if school_ids is not None:
        groups = list(
            School.objects.filter(pk__in=school_ids, school_group__isnull=False)
            .values_list("school_group_id", flat=True)
            .distinct()
        )
    tables = _tables()
    names = tables | {
        "facts": FACTS.format(**tables, kind_number=KIND_NUMBER),
        "kind_of_work": KIND_OF_WORK,
        "facts_join": FACTS_JOIN,
        "overrides": OVERRIDES.format(**tables, task_school_scope=_in("st.school_id", school_ids)),
        "overrides_join": OVERRIDES_JOIN,
        "own_task_hours": OWN_TASK_HOURS,
        "own_counts": OWN_COUNTS,
        "own_carried": CARRIED.format(task_hours=OWN_TASK_HOURS),
        "assignment_scope": "1 = 1"
        if school_ids is None
        else ASSIGNMENT_SCOPE.format(**tables, task_school_scope=_in("st.school_id", school_ids)),
        "task_hours": TASK_HOURS,
        "counts": COUNTS,
        "carried": CARRIED.format(task_hours=TASK_HOURS),
        "task_school_scope": _in("st.school_id", school_ids),
        "group_scope": _in("s.school_group_id", groups),
        "share_scope": _in("sh.school_id", school_ids),
        "budget_scope": _in("b.school_id", school_ids),
        "stored_scope": _in("school_id", school_ids),
        "school_scope": _in("s.id", school_ids),
        "kinds": _by_kind("hours", "kind", "k"),
        "task_kinds": _by_kind("hours", "kind", "k"),
        "overloaded": OVERLOADED,
        "figures": ", ".join(FIGURES),
        "new_figures": ", ".join(f"n.{name}" for name in FIGURES),
        "changed_figures": ", ".join(f"c.{name}" for name in FIGURES),
        "set_figures": ", ".join(f"{name} = c.{name}" for name in FIGURES),
        "changed": " OR ".join(f"w.{name} <> n.{name}" for name in FIGURES),
        "r_responsible": _hours(" + ".join(f"COALESCE(t.k{i}, 0)" for i in range(5))),
        "r_backup": _hours("t.backup"),
        "r_needed": _hours("t.needed"),
        "r_outsourced": _hours("tm.outsourced"),
        "r_unassigned": _hours(
            "CASE WHEN COALESCE(t.needed, 0) > COALESCE(tm.covered_hours, 0) "
            "THEN COALESCE(t.needed, 0) - COALESCE(tm.covered_hours, 0) ELSE 0 END"
        ),
    }
    names |= {f"r_k{i}": _hours(f"t.k{i}") for i in range(5)}
    names |= {f"r_t{i}": _hours(f"t.k{i}") for i in range(5)}
    templates = (PEOPLE, BUDGETS, CHANGES, REMOVE_STAFF, UPDATE_STAFF, ADD_STAFF, SCHOOLS)
    return [template.format(**names) for template in templates]


def drop_temporary_tables() -> list[str]:
    quote = connection.ops.quote_name
    return [f"DROP TABLE IF EXISTS {quote(name)}" for name in TEMPORARY_TABLES]
