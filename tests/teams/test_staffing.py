"""Assignments' staffing fields: kept in step on every path that writes assignments."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from tasks.models import Task, TaskGroup
from teams import assigning, staffing
from teams.assigning import AssignmentInput
from teams.models import Assignment, Budget, SchoolTask, SchoolYear, StaffWorkload
from teams.scale import seed_scale
from teams.workload import recalculate, recalculate_all

pytestmark = pytest.mark.django_db
R, B = Assignment.Kind.RESPONSIBLE, Assignment.Kind.BACKUP


def fields(assignment):
    assignment.refresh_from_db()
    return (assignment.task_responsibles, assignment.task_backups, assignment.is_first_of_kind)


def test_services_keep_the_counts(world):
    ann, bert, carla = world.staff
    task = world.tasks[0]
    first = assigning.add_assignment(
        task=task, school_year=world.year, data=AssignmentInput(kind=R, staff_member=ann)
    )
    second = assigning.add_assignment(
        task=task, school_year=world.year, data=AssignmentInput(kind=R, staff_member=bert)
    )
    backup = assigning.add_assignment(
        task=task, school_year=world.year, data=AssignmentInput(kind=B, staff_member=carla)
    )
    assert fields(first) == (2, 1, True)
    assert fields(second) == (2, 1, False)
    assert fields(backup) == (2, 1, True)
    assert (first.task_school_id, first.task_school_group_id) == (world.school.pk, None)

    assigning.change_assignment(
        assignment=second, data=AssignmentInput(kind=B, staff_member=bert), expected_version=1
    )
    assert fields(first) == (1, 2, True)
    assert fields(second) == (1, 2, True)  # now the first backup: lower id than carla's
    assert fields(backup) == (1, 2, False)

    assigning.remove_assignment(assignment=first, expected_version=1)
    assert fields(second) == (0, 2, True)
    assert staffing.out_of_step() == []


def test_bulk_paths_keep_the_counts(world):
    ann = world.staff[0]
    tasks = [*world.tasks, world.group_task]
    assigning.assign_many(tasks=tasks, school_year=world.year, staff_member=ann)
    later = SchoolYear.objects.create(start_year=world.year.start_year + 1)
    assert assigning.copy_year(tasks=tasks, source=world.year, target=later) == len(tasks)
    assert Assignment.objects.count() == 2 * len(tasks)
    assert staffing.out_of_step() == []
    group_row = Assignment.objects.get(school_task=world.group_task, school_year=later)
    assert (group_row.task_school_id, group_row.task_school_group_id) == (None, world.group.pk)


def test_saves_outside_the_services_keep_the_counts(world, admin_user):
    """The admin, fixtures in tests, anything that saves or deletes one assignment."""
    ann, bert, _ = world.staff
    one = Assignment.objects.create(
        school_task=world.tasks[1], school_year=world.year, kind=R, staff_member=ann
    )
    two = Assignment.objects.create(
        school_task=world.tasks[1], school_year=world.year, kind=R, staff_member=bert
    )
    assert fields(one) == (2, 0, True)
    two.kind = B
    two.save()
    assert fields(one) == (1, 1, True)
    one.delete()
    assert fields(two) == (0, 1, True)
    assert staffing.out_of_step() == []

    request = RequestFactory().get("/")
    request.user = admin_user
    readonly = site._registry[Assignment].get_readonly_fields(request, two)
    assert {"school_task", "school_year"} <= set(readonly)
    readonly = site._registry[SchoolTask].get_readonly_fields(request, world.tasks[1])
    assert {"school", "school_group", "catalogue_task"} <= set(readonly)


def test_scale_data_comes_with_the_counts(standard_data):
    seed_scale(schools=3, staff_per_school=5, tasks_per_school=12)
    assert Assignment.objects.count() > 0
    assert staffing.out_of_step() == []


def test_the_nightly_run_fills_in_what_a_bulk_path_forgot(world):
    ann = world.staff[0]
    Budget.objects.create(
        staff_member=ann, school=world.school, school_year=world.year, hours_per_year=40
    )
    Assignment.objects.bulk_create(
        [
            Assignment(school_task=t, school_year=world.year, kind=R, staff_member=ann)
            for t in world.tasks
        ]
    )
    assert len(staffing.out_of_step()) == len(world.tasks)
    recalculate_all(world.year)
    assert staffing.out_of_step() == []
    row = StaffWorkload.objects.get(staff_member=ann, school=world.school)
    assert row.responsible_hours == 30  # three own tasks of 10 hours


def test_catalogue_hours_are_read_live(world):
    """Assignments copy which catalogue entry their task is, never its hours."""
    ann, bert, _ = world.staff
    technical = TaskGroup.objects.get(kind="technical")
    policy = TaskGroup.objects.get(kind="policy")
    entry = Task.objects.create(code="T1", title="Netwerk", group=technical, hours_per_year=12)
    other = Task.objects.create(code="T2", title="Visie", group=policy, hours_per_year=9)
    plain = SchoolTask.objects.create(school=world.school, catalogue_task=entry)
    local = SchoolTask.objects.create(school=world.school, catalogue_task=other, local_hours=4)
    for member in (ann, bert):
        assigning.add_assignment(
            task=plain, school_year=world.year, data=AssignmentInput(kind=R, staff_member=member)
        )
    assigning.add_assignment(
        task=local, school_year=world.year, data=AssignmentInput(kind=R, staff_member=ann)
    )
    recalculate(school_year=world.year, school_ids=[world.school.pk])
    row = StaffWorkload.objects.get(staff_member=ann, school=world.school)
    assert (row.responsible_hours, row.technical_hours, row.policy_hours) == (10, 6, 4)

    # A new catalogue (re-import) changes the hours and the group of the entry.
    Task.objects.filter(pk=entry.pk).update(hours_per_year=Decimal("13"), group=policy)
    recalculate(school_year=world.year, school_ids=[world.school.pk])
    row.refresh_from_db()
    assert (row.responsible_hours, row.technical_hours, row.policy_hours) == (
        Decimal("10.50"),
        0,
        Decimal("10.50"),
    )
    assert StaffWorkload.objects.get(staff_member=bert).responsible_hours == Decimal("6.50")


def test_the_command_recounts_and_recalculates(world):
    ann = world.staff[0]
    Assignment.objects.bulk_create(
        [Assignment(school_task=world.tasks[0], school_year=world.year, kind=R, staff_member=ann)]
    )
    Assignment.objects.update(task_responsibles=7)  # as if changed by hand in the database
    out = StringIO()
    call_command("recalculate_workload", "--recount", "--school", str(world.school.pk), stdout=out)
    assert "Recounted the staffing of 1 assignments." in out.getvalue()
    assert staffing.out_of_step() == []
    assert StaffWorkload.objects.get(staff_member=ann).responsible_hours == 10

    call_command("recalculate_workload", stdout=out)
    assert "Recalculated every school" in out.getvalue()
    with pytest.raises(CommandError, match="No school with id 0"):
        call_command("recalculate_workload", "--school", "0")
