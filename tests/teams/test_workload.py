"""Workload figures: hand-checked cases, coalescing, idempotency, and the broker."""

import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tasks.models import Task, TaskGroup
from teams import assigning, services
from teams.assigning import AssignmentInput
from teams.distribution import task_row
from teams.models import (
    Assignment,
    Budget,
    SchoolTask,
    StaffWorkload,
    WorkloadRequest,
    WorkloadSnapshot,
)
from teams.workload import recalculate, recalculate_all, recalculate_requested
from tests.conftest import celery_broker, redis_url, wait_until

from .factories import OwnTaskFactory, StaffMemberFactory, appoint

pytestmark = pytest.mark.django_db
R, B = Assignment.Kind.RESPONSIBLE, Assignment.Kind.BACKUP
FIGURES = (
    "budget_hours",
    "responsible_hours",
    "backup_hours",
    "task_count",
    "technical_hours",
    "pedagogical_hours",
    "policy_hours",
    "administrative_hours",
    "other_hours",
)
SNAPSHOT = (
    "task_count",
    "needed_hours",
    "team_budget",
    "assigned_hours",
    "outsourced_hours",
    "unassigned_hours",
    "unassigned_count",
    "without_backup_count",
    "single_person_count",
    "overloaded_single_count",
    "overloaded_count",
    "staff_count",
    "technical_hours",
    "pedagogical_hours",
    "policy_hours",
    "administrative_hours",
    "other_hours",
)


def give(w, task, member=None, kind=R, hours=None, partner=""):
    return Assignment.objects.create(
        school_task=task,
        school_year=w.year,
        kind=kind,
        staff_member=member,
        partner=partner,
        hours=hours,
    )


def budget(w, member, school, hours):
    Budget.objects.create(
        staff_member=member, school=school, school_year=w.year, hours_per_year=Decimal(hours)
    )


def person(w, member, school=None):
    row = StaffWorkload.objects.get(
        staff_member=member, school=school or w.school, school_year=w.year
    )
    return {name: getattr(row, name) for name in FIGURES}


def snapshot(w, school=None):
    row = WorkloadSnapshot.objects.get(school=school or w.school, school_year=w.year)
    return {name: getattr(row, name) for name in SNAPSHOT}


@pytest.fixture
def school_case(world):
    """School A: two people sharing three tasks, one task unassigned, one outsourced."""
    ann, bert, _carla = world.staff
    a0, a1, _ = world.tasks  # 10 hours each, technical
    a2 = OwnTaskFactory(
        school=world.school,
        title="Mediawijsheid",
        group=TaskGroup.objects.get(kind="pedagogical"),
        local_hours=10,
    )
    a3 = OwnTaskFactory(
        school=world.school,
        title="Website",
        group=TaskGroup.objects.get(kind="administrative"),
        local_hours=8,
    )
    SchoolTask.objects.filter(pk=world.tasks[2].pk).update(is_hidden=True)
    budget(world, ann, world.school, 20)
    budget(world, bert, world.school, 10)
    give(world, a0, ann)
    give(world, a0, bert, B)
    give(world, a1, ann)
    give(world, a1, bert)
    give(world, a3, partner="WebPartners bv")
    return a2


def test_hand_checked_school(world, school_case):
    ann, bert, _ = world.staff
    recalculate(school_year=world.year, school_ids=[world.school.pk])
    assert person(world, ann) == {
        "budget_hours": 20,
        "responsible_hours": 15,
        "backup_hours": 0,
        "task_count": 2,
        "technical_hours": 15,
        "pedagogical_hours": 0,
        "policy_hours": 0,
        "administrative_hours": 0,
        "other_hours": 0,
    }
    assert person(world, bert)["responsible_hours"] == 5
    assert person(world, bert)["backup_hours"] == 0
    assert person(world, bert)["task_count"] == 2
    assert snapshot(world) == {
        "task_count": 4,
        "needed_hours": 38,
        "team_budget": 30,
        "assigned_hours": 20,
        "outsourced_hours": 8,
        "unassigned_hours": 10,
        "unassigned_count": 1,
        "without_backup_count": 3,
        "single_person_count": 1,
        "overloaded_single_count": 0,
        "overloaded_count": 0,
        "staff_count": 2,
        "technical_hours": 20,
        "pedagogical_hours": 10,
        "policy_hours": 0,
        "administrative_hours": 8,
        "other_hours": 0,
    }


def test_own_hours_and_backup_hours(world, school_case):
    ann, bert, _ = world.staff
    Assignment.objects.filter(staff_member=bert, kind=B).update(hours=Decimal(2))
    Assignment.objects.filter(staff_member=ann, school_task=world.tasks[1]).update(hours=7)
    recalculate(school_year=world.year, school_ids=[world.school.pk])
    assert person(world, ann)["responsible_hours"] == 17  # 10 + 7 of her own
    assert person(world, bert)["responsible_hours"] == 5  # still half of 10
    assert person(world, bert)["backup_hours"] == 2


def test_group_task_and_a_person_in_two_schools(world):
    bram = appoint(appoint(StaffMemberFactory(first_name="Bram"), world.school), world.other)
    budget(world, bram, world.school, 10)
    budget(world, bram, world.other, 30)
    group_task = world.group_task
    SchoolTask.objects.filter(pk=group_task.pk).update(local_hours=20)
    give(world, group_task, bram)
    give(world, group_task, world.other_staff, B)
    give(world, world.other_task, bram)  # 10 hours in school B
    recalculate(school_year=world.year)
    in_a, in_b = person(world, bram), person(world, bram, world.other)
    assert (in_a["responsible_hours"], in_b["responsible_hours"]) == (5, 25)
    assert in_a["budget_hours"] + in_b["budget_hours"] == 40
    # The group task counts in no school's list of task hours, only in people's hours.
    assert snapshot(world)["needed_hours"] == 30
    from teams.dashboard import group_dashboard

    people = group_dashboard(world.group, world.year).multi_school_people
    assert [
        (p["staff_member__first_name"], p["hours"], p["budget"], p["percent"]) for p in people
    ] == [("Bram", 30, 40, 75)]


def test_group_task_split_equally_without_budgets(world):
    bram = appoint(appoint(StaffMemberFactory(first_name="Bram"), world.school), world.other)
    SchoolTask.objects.filter(pk=world.group_task.pk).update(local_hours=20)
    give(world, world.group_task, bram)
    recalculate(school_year=world.year)
    assert person(world, bram)["responsible_hours"] == 10
    assert person(world, bram, world.other)["responsible_hours"] == 10


def test_overload_and_the_schools_own_limits(world, school_case):
    carla = world.staff[2]
    budget(world, carla, world.school, 4)
    give(world, school_case, carla)  # 10 hours against 4, alone on the task
    recalculate(school_year=world.year, school_ids=[world.school.pk])
    figures = snapshot(world)
    assert (figures["overloaded_count"], figures["overloaded_single_count"]) == (1, 1)
    services.set_thresholds(school=world.school, busy_from=80, overloaded_above=300)
    recalculate(school_year=world.year, school_ids=[world.school.pk])
    assert snapshot(world)["overloaded_count"] == 0


def test_tasks_without_a_budget_count_as_overload(world):
    give(world, world.tasks[0], world.staff[0])
    recalculate(school_year=world.year, school_ids=[world.school.pk])
    row = StaffWorkload.objects.get(staff_member=world.staff[0])
    assert (row.utilisation, row.state(world.school)) == (None, "over")
    assert snapshot(world)["overloaded_count"] == 1


def test_hidden_and_retired_tasks_count_for_nothing(world):
    technical = TaskGroup.objects.get(kind="technical")
    retired = Task.objects.create(code="X", title="Oud", group=technical, hours_per_year=40)
    task = SchoolTask.objects.create(school=world.school, catalogue_task=retired)
    give(world, task, world.staff[0])
    give(world, world.tasks[0], world.staff[0])
    Task.objects.filter(pk=retired.pk).update(is_active=False, retired_at="2025-01-01T00:00Z")
    SchoolTask.objects.filter(pk=world.tasks[1].pk).update(is_hidden=True)
    recalculate(school_year=world.year, school_ids=[world.school.pk])
    assert person(world, world.staff[0])["responsible_hours"] == 10
    assert snapshot(world)["task_count"] == 2  # A0 and A2


def test_running_twice_gives_the_same_figures(world, school_case):
    recalculate(school_year=world.year)
    first = (person(world, world.staff[0]), snapshot(world))
    recalculate(school_year=world.year)
    recalculate(school_year=world.year, school_ids=[world.school.pk])
    assert (person(world, world.staff[0]), snapshot(world)) == first
    assert WorkloadSnapshot.objects.filter(school=world.school).count() == 1


def test_one_school_leaves_the_others_alone(world, school_case):
    recalculate(school_year=world.year)
    other_before = snapshot(world, world.other)
    give(world, world.other_task, world.other_staff)
    recalculate(school_year=world.year, school_ids=[world.school.pk])
    assert snapshot(world, world.other) == other_before


def test_nightly_run_is_set_wise(world, school_case):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            recalculate_all(world.year)
        return len(captured)

    few = queries()
    for _ in range(30):
        give(world, OwnTaskFactory(school=world.other), appoint(StaffMemberFactory(), world.other))
    assert queries() == few
    assert WorkloadSnapshot.objects.count() == 3  # every school, School C included


def test_a_bulk_change_recalculates_once(world, django_capture_on_commit_callbacks):
    tasks = [OwnTaskFactory(school=world.school) for _ in range(200)]
    with django_capture_on_commit_callbacks() as callbacks:
        assigning.assign_many(tasks=tasks, school_year=world.year, staff_member=world.staff[0])
    assert Assignment.objects.count() == 200
    assert len(callbacks) == 1
    assert WorkloadRequest.objects.count() == 1


def test_recalculation_is_enqueued_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assigning.add_assignment(
            task=world.tasks[0],
            school_year=world.year,
            data=AssignmentInput(kind=R, staff_member=world.staff[0]),
        )
        assert not StaffWorkload.objects.exists()  # nothing ran inside the transaction
    assert WorkloadRequest.objects.filter(school=world.school).exists()
    for callback in callbacks:
        callback()
    assert person(world, world.staff[0])["responsible_hours"] == 10
    assert not WorkloadRequest.objects.exists()


def test_group_task_change_marks_every_school_of_the_group(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        assigning.add_assignment(
            task=world.group_task,
            school_year=world.year,
            data=AssignmentInput(kind=R, staff_member=world.staff[0]),
        )
    assert set(WorkloadRequest.objects.values_list("school_id", flat=True)) == {
        world.school.pk,
        world.other.pk,
    }


def test_a_mark_set_again_during_a_run_survives_it(world):
    WorkloadRequest.objects.create(
        school=world.school, school_year=world.year, requested_at="2026-01-01T00:00Z"
    )
    assert recalculate_requested() == 1
    assert not WorkloadRequest.objects.exists()


# --- The broker -----------------------------------------------------------------------------


def change_through_a_page(client, w):
    client.force_login(w.director)
    task = w.tasks[0]
    return client.post(
        reverse("teams:assignment_add", args=[w.school.pk, task.pk]),
        {
            f"t{task.pk}-staff_member": w.staff[0].pk,
            f"t{task.pk}-kind": R,
            f"t{task.pk}-state": task_row(task, w.year).state,
            "year": w.year.start_year,
        },
    )


@contextmanager
def hang_guard(seconds: int) -> Iterator[None]:
    """Fail instead of hanging if the block takes longer than ``seconds`` (not a timing)."""

    def expire(*_: object) -> None:
        raise TimeoutError(f"still waiting after {seconds} s: the page waited on the broker")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("kind", ["stopped", "hung"])
def test_with_the_broker_down_pages_answer_and_the_work_waits(
    client, world, kind, django_capture_on_commit_callbacks
):
    listener = None
    if kind == "hung":  # accepts connections and never says a word
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
    else:
        port = _closed_port()
    try:
        with (
            celery_broker(f"redis://127.0.0.1:{port}/0"),
            hang_guard(10),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = change_through_a_page(client, world)
        assert response.status_code == 302
        assert Assignment.objects.count() == 1  # the change is kept
        assert WorkloadRequest.objects.filter(school=world.school).exists()  # and the work
        assert recalculate_requested() == 1  # the periodic scan, once the broker is back
        assert person(world, world.staff[0])["responsible_hours"] == 10
    finally:
        if listener is not None:
            listener.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker", ["memory", pytest.param("redis", marks=pytest.mark.redis)])
def test_a_real_worker_recalculates(world, broker):
    url = "memory://" if broker == "memory" else redis_url()
    with celery_broker(url) as app, start_worker(app, perform_ping_check=False, pool="solo"):
        with transaction.atomic():
            assigning.add_assignment(
                task=world.tasks[0],
                school_year=world.year,
                data=AssignmentInput(kind=R, staff_member=world.staff[0]),
            )
        wait_until(lambda: StaffWorkload.objects.filter(staff_member=world.staff[0]).exists())
        wait_until(lambda: not WorkloadRequest.objects.exists())
    assert person(world, world.staff[0])["responsible_hours"] == 10


def test_budgets_of_people_who_left_do_not_count(world):
    budget(world, world.staff[1], world.school, 50)
    world.staff[1].appointments.update(is_active=False)
    recalculate(school_year=world.year, school_ids=[world.school.pk])
    assert snapshot(world)["team_budget"] == 0


def test_just_over_the_limit_is_over_everywhere(world):
    budget(world, world.staff[0], world.school, Decimal("9.96"))
    give(world, world.tasks[0], world.staff[0])  # 10 hours: 100.4 %
    recalculate(school_year=world.year, school_ids=[world.school.pk])
    row = StaffWorkload.objects.get(staff_member=world.staff[0])
    assert (row.utilisation, row.state(world.school)) == (100, "over")
    assert snapshot(world)["overloaded_count"] == 1


def test_the_nightly_run_keeps_marks_made_after_it_started(world):
    WorkloadRequest.objects.create(
        school=world.school,
        school_year=world.year,
        requested_at=timezone.now() - timedelta(minutes=1),
    )
    WorkloadRequest.objects.create(
        school=world.other,
        school_year=world.year,
        requested_at=timezone.now() + timedelta(minutes=1),
    )
    recalculate_all(world.year)
    assert list(WorkloadRequest.objects.values_list("school", flat=True)) == [world.other.pk]
