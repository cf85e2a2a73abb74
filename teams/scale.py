"""Filling a database with Flanders-sized random data, for benchmarks.

Rows go in with ``bulk_create`` in large batches, so 4,000 schools with 30
staff and 150 tasks each take minutes, not hours. The data is random but
plausible: schools in groups of twenty, budgets of 20 to 300 hours, most
tasks with a responsible, some with two, half with a backup, a few
outsourced; each group has a few group-level tasks carried by a coordinator
who works in three of its schools.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from tasks.models import Frequency, Level, Task, TaskGroup
from teams.models import (
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
GROUP_TASKS = 5
BATCH = 5000
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


def _catalogue(count: int) -> list[int]:
    """At least ``count`` active school-level catalogue tasks; adds synthetic ones if needed."""
    existing = list(
        Task.objects.active().filter(level=Level.SCHOOL).order_by("pk").values_list("pk", flat=True)
    )
    missing = count - len(existing)
    if missing > 0:
        groups = list(TaskGroup.objects.exclude(kind="").order_by("pk"))
        start = Task.objects.count()
        Task.objects.bulk_create(
            [
                Task(code=f"SCALE{i:05d}", title=f"Schaaltaak {i}", title_key=f"schaaltaak {i}",
                     group=groups[i % 4],
                     frequency=random.choice(Frequency.values),
                     hours_per_year=Decimal(random.randint(2, 60)), level=Level.SCHOOL)
                for i in range(start, start + missing)
            ],
            batch_size=BATCH,
        )  # fmt: skip
        return _catalogue(count)
    return existing[:count]


@transaction.atomic
def seed_scale(*, schools: int, staff_per_school: int, tasks_per_school: int,
               seed: int = 2024) -> ScaleResult:  # fmt: skip
    """Add ``schools`` schools with their staff, budgets, tasks and assignments."""
    random.seed(seed)
    year = SchoolYear.current()
    run = SchoolGroup.objects.count()
    group_count = max(1, -(-schools // SCHOOLS_PER_GROUP))
    groups = SchoolGroup.objects.bulk_create(
        [SchoolGroup(name=f"Schaalgroep {run + g}") for g in range(group_count)]
    )
    first = School.objects.count()
    new_schools = School.objects.bulk_create(
        [School(school_group=groups[i // SCHOOLS_PER_GROUP], name=f"Schaalschool {first + i}")
         for i in range(schools)],
        batch_size=BATCH,
    )  # fmt: skip
    people = StaffMember.objects.bulk_create(
        [StaffMember(first_name=random.choice(FIRST_NAMES), last_name=random.choice(LAST_NAMES))
         for _ in range(schools * staff_per_school)],
        batch_size=BATCH,
    )  # fmt: skip
    staff_of = {
        school.pk: [p.pk for p in people[i * staff_per_school : (i + 1) * staff_per_school]]
        for i, school in enumerate(new_schools)
    }
    pairs = [(member, school) for school, members in staff_of.items() for member in members]
    # Each group's coordinator: the first person of its first school, also in the next two.
    coordinators = {}
    for g, group in enumerate(groups):
        members = new_schools[g * SCHOOLS_PER_GROUP : (g + 1) * SCHOOLS_PER_GROUP]
        coordinator = staff_of[members[0].pk][0]
        coordinators[group.pk] = coordinator
        pairs += [(coordinator, school.pk) for school in members[1:3]]
    Appointment.objects.bulk_create(
        [Appointment(staff_member_id=m, school_id=s, post=Post.TEACHER) for m, s in pairs],
        batch_size=BATCH,
    )
    Budget.objects.bulk_create(
        [Budget(staff_member_id=m, school_id=s, school_year=year,
                hours_per_year=Decimal(random.randint(20, 300))) for m, s in pairs],
        batch_size=BATCH,
    )  # fmt: skip

    catalogue = _catalogue(tasks_per_school)
    tasks = SchoolTask.objects.bulk_create(
        [SchoolTask(school=school, catalogue_task_id=task)
         for school in new_schools for task in catalogue],
        batch_size=BATCH,
    )  # fmt: skip
    own_group = TaskGroup.objects.get(kind="policy")
    group_tasks = SchoolTask.objects.bulk_create(
        [SchoolTask(school_group=group, title=f"Groepstaak {n}", group=own_group,
                    local_hours=Decimal(random.randint(10, 80)), local_frequency=Frequency.YEARLY)
         for group in groups for n in range(GROUP_TASKS)],
    )  # fmt: skip
    count = _assignments(tasks, staff_of, year)
    count += len(
        Assignment.objects.bulk_create(
            [Assignment(school_task=task, school_year=year, kind=Assignment.Kind.RESPONSIBLE,
                        staff_member_id=coordinators[task.school_group_id])  # type: ignore[index]  # group tasks have one
             for task in group_tasks]
        )
    )  # fmt: skip
    return ScaleResult(schools, len(people), len(tasks) + len(group_tasks), count)


def _assignments(tasks: list[SchoolTask], staff_of: dict[int, list[int]], year: SchoolYear) -> int:
    rows: list[Assignment] = []
    total = 0
    for task in tasks:
        roll = random.random()
        if roll < 0.12:
            continue  # unassigned
        people: list[tuple[str, int | None]]
        if roll < 0.15:
            people = [("responsible", None)]  # outsourced
        else:
            chosen = random.sample(staff_of[task.school_id], 3)  # type: ignore[index]  # school tasks have one
            people = [("responsible", chosen[0])]
            if roll > 0.9:
                people.append(("responsible", chosen[1]))
            if random.random() < 0.5:
                people.append(("backup", chosen[2]))
        rows += [
            Assignment(school_task=task, school_year=year, kind=kind, staff_member_id=member,
                       partner="Externe partner" if member is None else "")
            for kind, member in people
        ]  # fmt: skip
        if len(rows) >= 50_000:
            total += len(Assignment.objects.bulk_create(rows, batch_size=BATCH))
            rows = []
    return total + len(Assignment.objects.bulk_create(rows, batch_size=BATCH))
