"""Races that only a real PostgreSQL can show: two people acting at the same moment."""

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from tasks import services
from tasks.models import CatalogueImport, Task
from teams import assigning, staffing
from teams.assigning import AssignmentInput, Conflict
from teams.distribution import task_row
from teams.models import Assignment

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
    seen = task_row(task, world.year).state

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


def test_two_assignments_saved_at_once_are_both_counted(world):  # noqa: F811
    """A page and the admin adding to one task together: the last recount sees both."""
    task = world.tasks[0]

    def add(member: object, kind: str) -> Callable[[], object]:
        def action() -> object:
            with transaction.atomic():
                return Assignment.objects.create(
                    school_task=task, school_year=world.year, kind=kind, staff_member=member
                )

        return action

    for _ in range(5):
        Assignment.objects.filter(school_task=task).delete()
        at_once(add(world.staff[0], "responsible"), add(world.staff[1], "responsible"))
        counts = set(
            Assignment.objects.filter(school_task=task).values_list("task_responsibles", flat=True)
        )
        assert counts == {2}
        assert staffing.out_of_step() == []


def test_two_managers_saving_the_same_staff_member_at_once(world):  # noqa: F811
    from decimal import Decimal

    from teams import services as team_services
    from teams.models import Budget

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
