"""Workload figures: hand-checked cases, coalescing, idempotency, and the broker."""

import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tasks.models import Task, TaskGroup
from teams.assignments import assigning
from teams.assignments.assigning import AssignmentInput
from teams.assignments.distribution import task_row
from teams.models import (
    Assignment,
    Budget,
    SchoolTask,
    SchoolWorkload,
    StaffWorkload,
    WorkloadRequest,
    WorkloadSnapshot,
)
from teams.workload import services, states
from teams.workload.calculator import (
    STATES,
    Limits,
    PersonFigures,
    coverage,
    over_schools,
    rank_key,
)
from teams.workload.figures import (
    calculate_school,
    mark_changed,
    nightly,
    recalculate,
    recalculate_marked,
    stale_schools,
    take_snapshot,
)
from teams.workload.ranking import PersonLoad, ranked
from tests.conftest import celery_broker, redis_url, wait_until

from .factories import OwnTaskFactory, StaffMemberFactory, appoint

pytestmark = pytest.mark.django_db
R, B = Assignment.Kind.RESPONSIBLE, Assignment.Kind.BACKUP
FIGURES = (
    "budget_hours",
    "carried_hours",
    "backup_hours",
    "task_count",
    "technical_hours",
    "pedagogical_hours",
    "policy_hours",
    "administrative_hours",
    "other_hours",
)
SCHOOL = (
    "task_count",
    "needed_hours",
    "team_budget",
    "assigned_hours",
    "outsourced_hours",
    "unassigned_hours",
    "group_level_hours",
    "unassigned_count",
    "without_backup_count",
    "group_level_unassigned_count",
    "group_level_without_backup_count",
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


def figures(w, school=None):
    row = SchoolWorkload.objects.get(school=school or w.school, school_year=w.year)
    return {name: getattr(row, name) for name in SCHOOL}


def schools(w):
    return [w.school.pk, w.other.pk]


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
    recalculate([world.school.pk], world.year)
    assert person(world, ann) == {
        "budget_hours": 20,
        "carried_hours": 15,  # all of A0, half of A1
        "backup_hours": 0,
        "task_count": 2,
        "technical_hours": 15,
        "pedagogical_hours": 0,
        "policy_hours": 0,
        "administrative_hours": 0,
        "other_hours": 0,
    }
    assert person(world, bert)["carried_hours"] == 5
    assert person(world, bert)["backup_hours"] == 0
    assert person(world, bert)["task_count"] == 2
    assert figures(world) == {
        "task_count": 4,  # A0, A1, Mediawijsheid, Website; A2 is hidden
        "needed_hours": 38,
        "team_budget": 30,
        "assigned_hours": 20,
        "outsourced_hours": 8,
        "unassigned_hours": 10,
        "group_level_hours": 10,  # the group's task, apart
        "unassigned_count": 2,  # Mediawijsheid and the group's task
        "without_backup_count": 4,  # A1, Mediawijsheid, Website, the group's task
        "group_level_unassigned_count": 1,
        "group_level_without_backup_count": 1,
        "single_person_count": 0,  # the outsourced Website hangs on no staff member
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
    recalculate([world.school.pk], world.year)
    assert person(world, ann)["carried_hours"] == 17  # 10 + 7 of her own
    assert person(world, bert)["carried_hours"] == 5  # still half of 10
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
    recalculate(schools(world), world.year)
    in_a, in_b = person(world, bram), person(world, bram, world.other)
    # 20 h split by budget, 10 : 30; the board used to show all 20 h here (200 %).
    assert (in_a["carried_hours"], in_b["carried_hours"]) == (5, 25)
    assert in_a["budget_hours"] + in_b["budget_hours"] == 40
    assert figures(world)["needed_hours"] == 30  # the group's task is counted apart
    assert figures(world)["group_level_hours"] == 20
    from teams.workload.reading import school_group_dashboard

    people = school_group_dashboard(world.group, world.year).multi_school_people
    assert [
        (p.member.first_name, p.figures.carried_hours, p.figures.budget_hours, p.figures.percent)
        for p in people
    ] == [("Bram", 30, 40, 75)]


def test_group_task_split_equally_without_budgets(world):
    bram = appoint(appoint(StaffMemberFactory(first_name="Bram"), world.school), world.other)
    SchoolTask.objects.filter(pk=world.group_task.pk).update(local_hours=20)
    give(world, world.group_task, bram)
    recalculate(schools(world), world.year)
    assert person(world, bram)["carried_hours"] == 10
    assert person(world, bram, world.other)["carried_hours"] == 10


def test_a_school_without_budget_gets_no_part_when_another_has_one(world):
    bram = appoint(appoint(StaffMemberFactory(first_name="Bram"), world.school), world.other)
    budget(world, bram, world.other, 30)
    SchoolTask.objects.filter(pk=world.group_task.pk).update(local_hours=20)
    give(world, world.group_task, bram)
    recalculate(schools(world), world.year)
    assert not StaffWorkload.objects.filter(staff_member=bram, school=world.school).exists()
    assert person(world, bram, world.other)["carried_hours"] == 20


def test_overload_and_the_schools_own_limits(world, school_case):
    carla = world.staff[2]
    budget(world, carla, world.school, 4)
    give(world, school_case, carla)  # 10 hours against 4, alone on the task
    recalculate([world.school.pk], world.year)
    assert (figures(world)["overloaded_count"], figures(world)["overloaded_single_count"]) == (1, 1)
    services.set_limits(school=world.school, busy_from=80, overloaded_above=300)
    recalculate([world.school.pk], world.year)
    assert figures(world)["overloaded_count"] == 0


def test_tasks_without_a_budget_count_as_overload(world):
    give(world, world.tasks[0], world.staff[0])
    recalculate([world.school.pk], world.year)
    result = calculate_school(world.school, world.year).people[world.staff[0].pk]
    assert (result.percent, result.state) == (None, "over")
    assert figures(world)["overloaded_count"] == 1


def test_hidden_and_retired_tasks_count_for_nothing(world):
    technical = TaskGroup.objects.get(kind="technical")
    retired = Task.objects.create(code="X", title="Oud", group=technical, hours_per_year=40)
    task = SchoolTask.objects.create(school=world.school, catalogue_task=retired)
    give(world, task, world.staff[0])
    give(world, world.tasks[0], world.staff[0])
    Task.objects.filter(pk=retired.pk).update(is_active=False, retired_at="2025-01-01T00:00Z")
    SchoolTask.objects.filter(pk=world.tasks[1].pk).update(is_hidden=True)
    recalculate([world.school.pk], world.year)
    assert person(world, world.staff[0])["carried_hours"] == 10
    assert figures(world)["task_count"] == 2  # A0 and A2


def test_catalogue_hours_unless_the_school_has_its_own(world):
    technical = TaskGroup.objects.get(kind="technical")
    entry = Task.objects.create(code="N1", title="Netwerk", group=technical, hours_per_year=40)
    task = SchoolTask.objects.create(school=world.school, catalogue_task=entry)
    give(world, task, world.staff[0])
    assert calculate_school(world.school, world.year).people[world.staff[0].pk].carried_hours == 40
    SchoolTask.objects.filter(pk=task.pk).update(local_hours=12)
    assert calculate_school(world.school, world.year).people[world.staff[0].pk].carried_hours == 12


def test_people_who_left_carry_nothing_and_their_tasks_need_someone(world):
    give(world, world.tasks[0], world.staff[0])
    give(world, world.tasks[0], world.staff[1], B)
    world.staff[0].appointments.update(is_active=False)
    result = calculate_school(world.school, world.year)
    task = result.tasks[world.tasks[0].pk]
    assert task.is_unassigned and task.has_backup
    assert len(task.needs_new_person) == 1
    assert world.staff[0].pk not in result.people


def test_running_twice_gives_the_same_figures(world, school_case):
    recalculate(schools(world), world.year)
    first = (person(world, world.staff[0]), figures(world))
    recalculate(schools(world), world.year)
    recalculate([world.school.pk], world.year)
    assert (person(world, world.staff[0]), figures(world)) == first
    assert SchoolWorkload.objects.filter(school=world.school).count() == 1


def test_one_school_leaves_the_others_alone(world, school_case):
    recalculate(schools(world), world.year)
    other_before = figures(world, world.other)
    give(world, world.other_task, world.other_staff)
    recalculate([world.school.pk], world.year)
    assert figures(world, world.other) == other_before
    assert stale_schools(world.year, schools(world)) == [world.other.pk]


def test_one_schools_recalculation_takes_a_fixed_number_of_queries(world, school_case):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            recalculate([world.school.pk], world.year)
        return len(captured)

    def add(count: int) -> None:  # new people with tasks, and a change for someone known
        for _ in range(count):
            task = OwnTaskFactory(school=world.school)
            give(world, task, appoint(StaffMemberFactory(), world.school))
        give(world, OwnTaskFactory(school=world.school), world.staff[0])

    queries()
    add(1)
    few = queries()
    add(30)
    give(world, world.group_task, world.staff[1])
    assert queries() == few


def test_the_nightly_snapshot_copies_the_stored_figures(world, school_case):
    recalculate(schools(world), world.year)
    assert take_snapshot(world.year) == 2
    assert take_snapshot(world.year) == 2  # the day's copy is replaced, not added
    copy = WorkloadSnapshot.objects.get(school=world.school, school_year=world.year)
    assert {name: getattr(copy, name) for name in SCHOOL} == figures(world)
    # A copy, not a new calculation: figures not yet recalculated are copied as they are.
    give(world, world.tasks[2], world.staff[0])
    take_snapshot(world.year)
    copy = WorkloadSnapshot.objects.get(school=world.school, school_year=world.year)
    assert {name: getattr(copy, name) for name in SCHOOL} == figures(world)


def test_the_nightly_run_creates_a_new_school_year_and_fans_it_out(
    world, school_case, django_capture_on_commit_callbacks
):
    from teams.models import SchoolYear

    SchoolYear.objects.filter(start_year__gt=world.year.start_year).delete()
    with (
        time_machine.travel(
            world.year.starts_on.replace(year=world.year.start_year + 1), tick=False
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        nightly()
    coming = SchoolYear.objects.get(start_year=world.year.start_year + 1)
    assert SchoolWorkload.objects.filter(school_year=coming).count() == 3  # A, B and C


def test_a_bulk_change_recalculates_once(world, django_capture_on_commit_callbacks):
    tasks = [OwnTaskFactory(school=world.school) for _ in range(200)]
    with django_capture_on_commit_callbacks() as callbacks:
        assigning.assign_many(tasks=tasks, school_year=world.year, staff_member=world.staff[0])
    assert Assignment.objects.count() == 200
    assert len(callbacks) == 1
    assert WorkloadRequest.objects.count() == 1


def test_many_schools_fan_out_one_job_per_group_or_chunk(world, django_capture_on_commit_callbacks):
    from teams.models import School
    from teams.workload.figures import CHUNK

    alone = [School.objects.create(name=f"Losse school {i}") for i in range(CHUNK + 5)]
    ids = [world.school.pk, world.other.pk, *(s.pk for s in alone)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mark_changed(ids, world.year)
    # School group G as one job; the standalone schools (C among them) in two chunks.
    assert len(callbacks) == 3
    assert not WorkloadRequest.objects.exists()
    assert SchoolWorkload.objects.filter(school_year=world.year).count() == len(ids)


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
    assert person(world, world.staff[0])["carried_hours"] == 10
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


def test_a_mark_is_removed_by_the_scan_and_running_it_again_is_harmless(world):
    WorkloadRequest.objects.create(
        school=world.school, school_year=world.year, requested_at="2026-01-01T00:00Z"
    )
    assert recalculate_marked() == 1
    assert not WorkloadRequest.objects.exists()
    assert recalculate_marked() == 0


def test_opening_the_dashboard_writes_nothing(client, world):
    client.force_login(world.director)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("teams:workload", args=[world.school.pk]) + "?year=2099")
    assert response.status_code == 200
    writes = [q["sql"] for q in captured if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert [w for w in writes if "django_session" not in w] == []
    assert not WorkloadRequest.objects.exists()


def test_budgets_of_people_who_left_do_not_count(world):
    budget(world, world.staff[1], world.school, 50)
    world.staff[1].appointments.update(is_active=False)
    recalculate([world.school.pk], world.year)
    assert figures(world)["team_budget"] == 0


def test_just_over_the_limit_is_over_everywhere(world):
    budget(world, world.staff[0], world.school, Decimal("9.96"))
    give(world, world.tasks[0], world.staff[0])  # 10 hours: 100.4 %
    recalculate([world.school.pk], world.year)
    result = calculate_school(world.school, world.year).people[world.staff[0].pk]
    assert (result.percent, result.state) == (100, "over")
    assert figures(world)["overloaded_count"] == 1


# --- The broker -----------------------------------------------------------------------------


def change_through_a_page(client, w):
    client.force_login(w.director)
    task = w.tasks[0]
    return client.post(
        reverse("teams:assignment_add", args=[w.school.pk, task.pk]),
        {
            f"t{task.pk}-staff_member": w.staff[0].pk,
            f"t{task.pk}-kind": R,
            f"t{task.pk}-state": task_row(task, w.school, w.year).state,
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
        assert recalculate_marked() == 1  # the periodic scan, once the broker is back
        assert person(world, world.staff[0])["carried_hours"] == 10
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
    assert person(world, world.staff[0])["carried_hours"] == 10


def test_the_command_prints_the_calculators_result_and_writes_nothing(world, school_case):
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("recalculate_workload", "--school", str(world.school.pk), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert not SchoolWorkload.objects.exists() and not StaffWorkload.objects.exists()
    ann = next(p for p in data["people"] if p["name"] == "Ann A")
    assert ann == {
        "staff_id": world.staff[0].pk,
        "name": "Ann A",
        "budget_hours": 20.0,
        "carried_hours": 15.0,
        "backup_hours": 0.0,
        "percent": 75,
        "state": "ok",
        "by_group": {
            "technical": 15.0, "pedagogical": 0.0, "policy": 0.0, "administrative": 0.0,
            "other": 0.0,
        },
    }  # fmt: skip
    assert (data["school"], data["year"]) == (world.school.pk, world.year.start_year)
    assert (data["unassigned_tasks"], data["tasks_without_backup"]) == (2, 4)


def test_the_command_checks_and_repairs_stale_figures(
    world, school_case, django_capture_on_commit_callbacks
):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with django_capture_on_commit_callbacks(execute=True):
        call_command("recalculate_workload", "--all")  # in this process: no broker
    call_command("recalculate_workload", "--check")
    StaffWorkload.objects.filter(staff_member=world.staff[0]).update(carried_hours=99)
    with pytest.raises(CommandError) as refused:
        call_command("recalculate_workload", "--check")
    assert refused.value.returncode == 1
    call_command("recalculate_workload", "--school", str(world.school.pk))
    assert person(world, world.staff[0])["carried_hours"] == 15


# --- The rules of ranking, totals over schools and coverage, checked by hand ----------------


def figures_of(staff_id, carried, budget, busy=80, over=100, **extra):  # type: ignore[no-untyped-def]
    return PersonFigures(
        staff_id, budget and Decimal(budget), Limits(busy, over), Decimal(carried), **extra
    )


def test_people_rank_most_loaded_first_by_state_then_share_then_hours():
    people = {
        "hours, no budget": figures_of(1, 10, None),
        "150 %": figures_of(2, 15, 10),
        "120 % of more hours": figures_of(3, 24, 20),
        "120 %": figures_of(4, 12, 10),
        "busy, 90 %": figures_of(5, 9, 10),
        "fine, 50 %": figures_of(6, 5, 10),
        "fine, nothing yet": figures_of(7, 0, 10),
        "a task of no hours, no budget": figures_of(8, 0, None, task_count=1),
        "nothing at all": figures_of(9, 0, None),
    }
    order = sorted(people, key=lambda name: rank_key(people[name]))
    assert order[:7] == [
        "hours, no budget",
        "150 %",
        "120 % of more hours",
        "120 %",
        "busy, 90 %",
        "fine, 50 %",
        "fine, nothing yet",
    ]
    assert set(order[7:]) == {"a task of no hours, no budget", "nothing at all"}  # by name


def test_ties_are_broken_by_name_on_every_page(world):
    ann, bert, carla = world.staff  # Ann A, Bert A, Carla A
    rows = [PersonLoad(m, figures_of(m.pk, 5, 10)) for m in (carla, ann, bert)]
    assert [row.member for row in ranked(rows)] == [ann, bert, carla]


def test_a_person_over_several_schools_adds_up_and_keeps_the_most_serious_state():
    # 30 h of 20 h in one school (150 %, overloaded), 10 h of 100 h in the other (fine).
    total = over_schools(
        [figures_of(1, 30, 20, task_count=3), figures_of(1, 10, 100, task_count=1)]
    )
    assert (total.carried_hours, total.budget_hours, total.percent) == (40, 120, 33)
    assert (total.state, total.schools, total.task_count) == ("over", 2, 4)
    # A school without a budget for them adds none; without one anywhere there is none.
    assert over_schools([figures_of(1, 5, None), figures_of(1, 5, 40)]).budget_hours == 40
    nowhere = over_schools([figures_of(1, 5, None), figures_of(1, 0, None)])
    assert (nowhere.budget_hours, nowhere.percent, nowhere.state) == (None, None, "over")
    # Each school's own limits: 90 % is busy from 80 %, fine where busy starts at 95 %.
    busy_here = over_schools([figures_of(1, 9, 10, busy=95), figures_of(1, 9, 10)])
    assert busy_here.state == "busy"


def test_coverage_is_the_budget_against_the_hours_needed_live_and_stored(world, school_case):
    """School A's tasks need 10 + 10 + 10 + 8 = 38 h; Ann and Bert have 20 + 10 = 30 h."""
    recalculate([world.school.pk], world.year)
    live = calculate_school(world.school, world.year)
    stored = SchoolWorkload.objects.get(school=world.school, school_year=world.year)
    assert (live.needed_hours, live.team_budget) == (38, 30)
    assert live.coverage == stored.coverage == 79
    assert calculate_school(world.other, world.year).coverage == 0  # no budget for 10 h
    assert coverage(Decimal(30), Decimal(0)) is None  # nothing needed


def test_the_state_words_and_looks_cover_every_state_in_order():
    assert tuple(states.LOOKS) == STATES
    assert [s["key"] for s in states.for_charts()] == list(STATES)
    assert states.look("no such state") == states.LOOKS["unknown"]


def test_a_load_reads_in_the_state_words():
    with translation.override("nl"):
        assert states.badge_text(120, "over") == "120% · overbelast"
        assert states.badge_text(85, "busy") == "85%"
        assert states.badge_text(None, "over") == "geen budget · overbelast"
        assert states.badge_text(None, "unknown") == "geen budget"
