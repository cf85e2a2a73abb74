"""Filling a database with Flanders-sized random data, for benchmarks.

Everything goes in with multi-row INSERT statements (``ictteam.bulk``), so
4,000 schools with 30 staff and 150 tasks each take minutes, not hours.
The data is random but plausible: schools in groups of twenty, budgets of
20 to 300 hours, most tasks with a responsible, some with two, half with a
backup, a few outsourced.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from ictteam.bulk import insert_rows
from tasks.models import Frequency, Level, Task, TaskGroup
from tasks.text import normalise

from .models import (
    STAFFING_FIELDS,
    Appointment,
    Assignment,
    Budget,
    Post,
    School,
    SchoolGroup,
    SchoolTask,
    SchoolYear,
    StaffMember,
)

SCHOOLS_PER_GROUP = 20
FIRST_NAMES = ["An", "Bart", "Charlotte", "Dirk", "Els", "Filip", "Griet", "Hans", "Ines", "Jan",
               "Katrien", "Lars", "Marie", "Nico", "Olivia", "Pieter", "Quinten", "Rita", "Sofie",
               "Tom", "Ulla", "Vincent", "Wim", "Xavier", "Yasmine", "Zeno"]  # fmt: skip
LAST_NAMES = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes",
              "Goossens", "Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Hermans", "Aerts",
              "Michiels"]  # fmt: skip


@dataclass(frozen=True)
class ScaleResult:
    schools: int
    staff: int
    school_tasks: int
    assignments: int


def _ids(queryset: object) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True))  # type: ignore[attr-defined]


def _catalogue(count: int) -> list[int]:
    """At least ``count`` active school-level catalogue tasks; adds synthetic ones if needed."""
    existing = _ids(Task.objects.active().filter(level=Level.SCHOOL))
    missing = count - len(existing)
    if missing > 0:
        groups = _ids(TaskGroup.objects.exclude(kind=""))
        stamp = Task._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)  # type: ignore[union-attr]
        start = Task.objects.count()
        rows = []
        for index in range(start, start + missing):
            title = f"Schaaltaak {index}"
            rows.append((f"SCALE{index:05d}", title, normalise(title), "", groups[index % 4], "",
                         random.choice(Frequency.values), Decimal(random.randint(2, 60)),
                         Level.SCHOOL, True, None, stamp, stamp))  # fmt: skip
        insert_rows(Task, ("code", "title", "title_key", "description", "group", "suggested_role",
                           "frequency", "hours_per_year", "level", "is_active", "retired_at",
                           "created_at", "updated_at"), rows)  # fmt: skip
        existing = _ids(Task.objects.active().filter(level=Level.SCHOOL))
    return existing[:count]


@transaction.atomic
def seed_scale(*, schools: int, staff_per_school: int, tasks_per_school: int,
               seed: int = 2024) -> ScaleResult:  # fmt: skip
    """Add ``schools`` schools with their staff, budgets, tasks and assignments."""
    random.seed(seed)
    year = SchoolYear.current()
    stamp = SchoolGroup._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)  # type: ignore[union-attr]
    run = SchoolGroup.objects.count()
    group_count = max(1, -(-schools // SCHOOLS_PER_GROUP))
    insert_rows(SchoolGroup, ("name", "created_at"),
                [(f"Schaalgroep {run + g}", stamp) for g in range(group_count)])  # fmt: skip
    group_ids = _ids(SchoolGroup.objects.filter(name__startswith="Schaalgroep "))[-group_count:]
    first_school = School.objects.count()
    insert_rows(School, ("school_group", "name", "institution_number", "busy_from_percent",
                         "overloaded_above_percent", "created_at"),
                [(group_ids[i // SCHOOLS_PER_GROUP], f"Schaalschool {first_school + i}", "", 80,
                  100, stamp) for i in range(schools)])  # fmt: skip
    school_ids = _ids(School.objects.filter(name__startswith="Schaalschool "))[-schools:]

    people = schools * staff_per_school
    insert_rows(StaffMember, ("first_name", "last_name", "email", "user", "created_at"),
                [(random.choice(FIRST_NAMES), random.choice(LAST_NAMES), "", None, stamp)
                 for _ in range(people)])  # fmt: skip
    staff_ids = _ids(StaffMember.objects.all())[-people:]
    staff_of = {school: staff_ids[i * staff_per_school:(i + 1) * staff_per_school]
                for i, school in enumerate(school_ids)}  # fmt: skip
    insert_rows(Appointment, ("staff_member", "school", "post", "is_active"),
                [(member, school, Post.TEACHER, True)
                 for school, members in staff_of.items() for member in members])  # fmt: skip
    insert_rows(Budget, ("staff_member", "school", "school_year", "hours_per_year"),
                [(member, school, year.pk, Decimal(random.randint(20, 300)))
                 for school, members in staff_of.items() for member in members])  # fmt: skip

    catalogue = _catalogue(tasks_per_school)
    insert_rows(SchoolTask, ("school", "school_group", "catalogue_task", "title", "description",
                             "group", "local_hours", "local_frequency", "is_hidden",
                             "created_at"),
                [(school, None, task, "", "", None, None, "", False, stamp)
                 for school in school_ids for task in catalogue])  # fmt: skip
    task_ids = _ids(SchoolTask.objects.filter(school_id__in=school_ids))
    assignments = _assignments(task_ids, school_ids, catalogue, staff_of, year)
    return ScaleResult(schools, people, len(task_ids), assignments)


def _assignments(task_ids: list[int], school_ids: list[int], catalogue: list[int],
                 staff_of: dict[int, list[int]], year: SchoolYear) -> int:  # fmt: skip
    fields = ("school_task", "school_year", "kind", "staff_member", "partner", "hours", "note",
              "version", "updated_at", *STAFFING_FIELDS)  # fmt: skip
    stamp = Assignment._meta.get_field("updated_at").get_db_prep_save(timezone.now(), connection)  # type: ignore[union-attr]
    rows: list[tuple[object, ...]] = []
    total = 0
    for index, task in enumerate(task_ids):
        # The tasks went in school by school, in the catalogue's order.
        school = school_ids[index // len(catalogue)]
        staff = staff_of[school]
        roll = random.random()
        if roll < 0.12:
            continue  # unassigned
        people: list[tuple[str, int | None]]
        if roll < 0.15:
            people = [("responsible", None)]  # outsourced
        else:
            chosen = random.sample(staff, 3)
            people = [("responsible", chosen[0])]
            if roll > 0.9:
                people.append(("responsible", chosen[1]))
            if random.random() < 0.5:
                people.append(("backup", chosen[2]))
        # The staffing fields, as teams.staffing would set them: rows go in in
        # this order, so the first of each kind gets the lowest id.
        responsibles = sum(kind == "responsible" for kind, _ in people)
        backups = len(people) - responsibles
        seen: set[str] = set()
        for kind, member in people:
            partner = "Externe partner" if member is None else ""
            rows.append((task, year.pk, kind, member, partner, None, "", 1, stamp, school, None,
                         catalogue[index % len(catalogue)], responsibles, backups,
                         kind not in seen))  # fmt: skip
            seen.add(kind)
        if len(rows) >= 50_000:
            insert_rows(Assignment, fields, rows)
            total += len(rows)
            rows = []
    insert_rows(Assignment, fields, rows)
    return total + len(rows)
