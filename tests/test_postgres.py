"""Races that only a real PostgreSQL can show: two people acting at the same moment."""

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from tasks import services
from tasks.models import CatalogueImport, Task
from teams.assignments import assigning
from teams.assignments.assigning import AssignmentInput
from teams.assignments.distribution import task_row
from teams.models import Assignment, Conflict

from .tasks.workbooks import simple_rows, workbook_bytes
from .teams.conftest import world  # noqa: F401  (the cast of the teams tests)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(*actions: Callable[[], object]) -> list[object]:
    """Run the actions in threads that start together; return what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = action()
        except Exception as error:  # the outcome under test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_confirming_an_import_twice_at_once_imports_it_once(maintainer, standard_data):
    record = services.start_upload(
        data=workbook_bytes(simple_rows(30)), file_name="t.xlsx", user=maintainer
    )
    assert record.status == CatalogueImport.Status.PREVIEW

    def confirm() -> object:
        with transaction.atomic():
            return services.confirm_upload(record=CatalogueImport.objects.get(pk=record.pk))

    results = at_once(confirm, confirm)
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert Task.objects.count() == 30
    assert CatalogueImport.objects.get(pk=record.pk).status == CatalogueImport.Status.APPLIED


def test_two_directors_assigning_the_same_task_at_once(world):  # noqa: F811
    task = world.tasks[0]
    seen = task_row(task, world.school, world.year).state

    def give(member: object) -> Callable[[], object]:
        def action() -> object:
            return assigning.add_assignment(
                task=task,
                school_year=world.year,
                data=AssignmentInput(kind="responsible", staff_member=member),  # type: ignore[arg-type]
                expected_state=seen,
            )

        return action

    results = at_once(give(world.staff[0]), give(world.staff[1]))
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert Assignment.objects.filter(school_task=task).count() == 1


def test_two_workers_scanning_at_once_recalculate_each_school_once(world):  # noqa: F811
    """Marks are locked while their school is recalculated: the other worker skips them."""
    from django.utils import timezone

    from teams.models import School, SchoolYear, StaffWorkload, WorkloadRequest
    from teams.workload.figures import recalculate_marked, stale_schools

    assigning_done = Assignment.objects.create(
        school_task=world.tasks[0], school_year=world.year, kind="responsible",
        staff_member=world.staff[0],
    )  # fmt: skip
    ids = list(School.objects.values_list("pk", flat=True))
    WorkloadRequest.objects.bulk_create(
        WorkloadRequest(school_id=pk, school_year=world.year, requested_at=timezone.now())
        for pk in ids
    )
    results = at_once(recalculate_marked, recalculate_marked)
    assert sorted(results) in ([0, len(ids)], [1, len(ids) - 1], [1, 2])  # never both
    assert sum(results) == len(ids)  # type: ignore[arg-type]
    assert not WorkloadRequest.objects.exists()
    year = SchoolYear.objects.get(pk=world.year.pk)
    assert stale_schools(year) == []
    row = StaffWorkload.objects.get(staff_member=world.staff[0], school=world.school)
    assert row.carried_hours == assigning_done.school_task.hours


def test_two_managers_saving_the_same_staff_member_at_once(world):  # noqa: F811
    from decimal import Decimal

    from teams.models import Budget
    from teams.staff import services as team_services

    ann = world.staff[0]
    seen = team_services.staff_state(member=ann, school=world.school, school_year=world.year)

    def save(hours: int) -> Callable[[], object]:
        data = team_services.StaffInput(
            first_name="Ann", last_name="A", email=ann.email, post="teacher",
            budget_hours=Decimal(hours), roles=[],
        )  # fmt: skip

        def action() -> object:
            return team_services.save_staff_member(
                member=ann,
                school=world.school,
                school_year=world.year,
                data=data,
                expected_state=seen,
            )

        return action

    results = at_once(save(100), save(200))
    assert sum(isinstance(r, Conflict) for r in results) == 1
    winner = 100 if results[0] is None else 200
    assert Budget.objects.get(staff_member=ann).hours_per_year == winner
