"""Assigning tasks: the services, their guards, and two people at once."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from teams.assignments import assigning
from teams.assignments.assigning import AssignmentInput
from teams.assignments.distribution import task_row
from teams.models import Assignment, Conflict, SchoolYear

from .factories import StaffMemberFactory, appoint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


R, B = Assignment.Kind.RESPONSIBLE, Assignment.Kind.BACKUP


def give(w, task, member, kind=R, **extra):
    return assigning.add_assignment(
        task=task, school_year=w.year, data=AssignmentInput(kind=kind, staff_member=member, **extra)
    )


def test_responsible_and_backup(world):
    task = world.tasks[0]
    give(world, task, world.staff[0])
    give(world, task, world.staff[1], B)
    row = task_row(task, world.school, world.year)
    assert [a.staff_member for a in row.responsibles] == [world.staff[0]]
    assert [a.staff_member for a in row.backups] == [world.staff[1]]


def test_hours_default_to_a_share_of_the_task(world):
    task = world.tasks[0]  # 10 hours
    a = give(world, task, world.staff[0])
    b = give(world, task, world.staff[1])
    backup = give(world, task, world.staff[2], B)
    row = task_row(task, world.school, world.year)
    assert [row.hours_of(x) for x in row.assignments if x.pk in (a.pk, b.pk)] == [5, 5]
    assert row.hours_of(next(x for x in row.assignments if x.pk == backup.pk)) == 0
    Assignment.objects.filter(pk=a.pk).update(hours=Decimal(8))
    row = task_row(task, world.school, world.year)
    assert sorted(row.hours_of(x) for x in row.responsibles) == [5, 8]


def test_outsourced_to_a_partner(world):
    task = world.tasks[0]
    assigning.add_assignment(
        task=task, school_year=world.year, data=AssignmentInput(kind=R, partner="NetPartners bv")
    )
    assignment = Assignment.objects.get()
    assert assignment.is_outsourced and assignment.assignee == "NetPartners bv"


def test_a_person_takes_a_task_once(world):
    give(world, world.tasks[0], world.staff[0])
    with pytest.raises(ValidationError, match="already has this task"):
        give(world, world.tasks[0], world.staff[0], B)


def test_staff_of_another_school_cannot_take_a_school_task(world):
    with pytest.raises(ValidationError, match="does not work in a school this task belongs to"):
        give(world, world.tasks[0], world.other_staff)
    assert not Assignment.objects.exists()


def test_group_task_can_go_to_staff_of_any_school_of_the_group(world):
    give(world, world.group_task, world.other_staff)
    give(world, world.group_task, world.staff[0], B)
    stranger = appoint(StaffMemberFactory(), world.stranger.memberships.get().school)
    with pytest.raises(ValidationError):
        give(world, world.group_task, stranger)


def test_stale_state_is_a_conflict_and_nothing_is_written(world):
    task = world.tasks[0]
    seen = task_row(task, world.school, world.year).state
    give(world, task, world.staff[0])  # someone else, meanwhile
    with pytest.raises(Conflict, match="Someone else changed"):
        assigning.add_assignment(
            task=task,
            school_year=world.year,
            data=AssignmentInput(kind=R, staff_member=world.staff[1]),
            expected_state=seen,
        )
    assert list(Assignment.objects.values_list("staff_member", flat=True)) == [world.staff[0].pk]


def test_editing_the_same_assignment_twice_from_the_same_version(world):
    a = give(world, world.tasks[0], world.staff[0])
    first = AssignmentInput(kind=R, staff_member=world.staff[1], hours=Decimal(4))
    second = AssignmentInput(kind=R, staff_member=world.staff[2], hours=Decimal(6))
    assigning.change_assignment(assignment=a, data=first, expected_version=1)
    with pytest.raises(Conflict, match="changed this assignment meanwhile"):
        assigning.change_assignment(assignment=a, data=second, expected_version=1)
    a.refresh_from_db()
    assert (a.staff_member, a.hours, a.version) == (world.staff[1], 4, 2)


def test_removing_a_changed_assignment_is_refused(world):
    a = give(world, world.tasks[0], world.staff[0])
    assigning.change_assignment(
        assignment=a, data=AssignmentInput(kind=B, staff_member=world.staff[0]), expected_version=1
    )
    with pytest.raises(Conflict):
        assigning.remove_assignment(assignment=a, expected_version=1)
    assigning.remove_assignment(assignment=a, expected_version=2)
    assert not Assignment.objects.exists()
    assigning.remove_assignment(assignment=a, expected_version=2)  # twice: already gone


def test_assign_many(world):
    give(world, world.tasks[0], world.staff[0])
    assigned, skipped = assigning.assign_many(
        tasks=world.tasks, school_year=world.year, staff_member=world.staff[0]
    )
    assert (assigned, skipped) == (2, 1)
    assert Assignment.objects.filter(staff_member=world.staff[0]).count() == 3
    assert Assignment.history.filter(history_type="+").count() == 3


def test_assign_many_is_all_or_nothing(world):
    with pytest.raises(ValidationError):
        assigning.assign_many(
            tasks=[*world.tasks, world.other_task],
            school_year=world.year,
            staff_member=world.staff[0],
        )
    assert not Assignment.objects.exists()


def test_copy_year_skips_tasks_already_planned_and_people_who_left(world):
    last = SchoolYear.objects.create(start_year=world.year.start_year - 1)
    for task, member in zip(world.tasks, world.staff, strict=True):
        Assignment.objects.create(
            school_task=task,
            school_year=last,
            kind=R,
            staff_member=member,
            hours=Decimal(3),
            note="vorig jaar",
        )
    world.staff[2].appointments.update(is_active=False)
    give(world, world.tasks[1], world.staff[0])
    copied = assigning.copy_year(tasks=world.tasks, source=last, target=world.year)
    assert copied == 1
    copy = Assignment.objects.get(school_year=world.year, school_task=world.tasks[0])
    assert (copy.staff_member, copy.hours, copy.note) == (world.staff[0], 3, "vorig jaar")
    assert assigning.copy_year(tasks=world.tasks, source=last, target=world.year) == 0


def test_database_refuses_an_assignment_without_anyone(world):
    with pytest.raises(IntegrityError):
        Assignment.objects.create(school_task=world.tasks[0], school_year=world.year, kind=R)


def test_history_records_who_and_what(world):
    a = give(world, world.tasks[0], world.staff[0])
    assigning.change_assignment(
        assignment=a, data=AssignmentInput(kind=R, staff_member=world.staff[1]), expected_version=1
    )
    records = list(Assignment.history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert records[1].staff_member_id == world.staff[1].pk
    assert records[0].staff_member_id == world.staff[0].pk
