"""Queries compiled once per shape give exactly what the ORM gives, whatever the values."""

import pytest

from teams.workload import loading
from teams.workload.figures import STORED_PEOPLE, recalculate
from teams.workload.prepared import Prepared

from .test_workload import give, school_case  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("school_case")
def test_the_loaders_queries_match_the_orm_for_every_shape(world):
    give(world, world.group_task, world.staff[0])
    give(world, world.group_task, world.other_staff)
    year, a, b, g = world.year.pk, world.school.pk, world.other.pk, world.group.pk
    staff = sorted(m.pk for m in [*world.staff, world.other_staff])
    for args in ([a], [b], [a, b], [b, a], []):
        assert sorted(loading.SCHOOLS.rows(args)) == sorted(loading._schools(args))
    for ids, groups in (([a], [g]), ([b], [g]), ([a, b], [g]), ([a], []), ([], []), ([], [g])):
        assert list(loading.TASKS.rows(year, ids, groups)) == list(
            loading._tasks(year, ids, groups)
        )
        for people in ([], staff[:1], staff):
            assert sorted(loading.APPOINTMENTS.rows(year, ids, groups, people)) == sorted(
                loading._appointments(year, ids, groups, people)
            )


@pytest.mark.usefixtures("school_case")
def test_decimals_come_back_as_the_orm_converts_them(world):
    recalculate([world.school.pk], world.year)
    rows = list(STORED_PEOPLE.rows(world.year.pk, [world.school.pk]))
    assert rows and rows == [
        tuple(r) for r in STORED_PEOPLE.build(world.year.pk, [world.school.pk])
    ]
    assert any(type(value).__name__ == "Decimal" for value in rows[0])


def test_a_shape_is_compiled_once(world):
    built = []

    def build(ids):  # type: ignore[no-untyped-def]
        built.append(len(ids))
        return loading._schools(ids)

    prepared = Prepared(build)
    for ids in ([world.school.pk], [world.other.pk], [world.school.pk, world.other.pk]):
        list(prepared.rows(ids))
    assert built == [1, 2]
    assert [row[0] for row in prepared.rows([world.other.pk])] == [world.other.pk]


def test_the_upsert_inserts_then_updates_in_batches(world):
    from decimal import Decimal

    from django.utils import timezone

    from teams.models import SchoolWorkload
    from teams.workload.figures import SCHOOL_ROWS

    def rows(hours):  # type: ignore[no-untyped-def]
        return [
            SchoolWorkload(school_id=pk, school_year_id=world.year.pk, computed_at=timezone.now(),
                           needed_hours=Decimal(hours) + pk, task_count=pk)
            for pk in range(1000, 1100)  # more rows than fit in one statement
        ]  # fmt: skip

    SCHOOL_ROWS.run(rows(1))
    SCHOOL_ROWS.run(rows(2))
    stored = dict(
        SchoolWorkload.objects.filter(school_id__gte=1000).values_list("school_id", "needed_hours")
    )
    assert len(stored) == 100
    assert all(hours == Decimal(2) + pk for pk, hours in stored.items())


def test_a_value_the_sql_would_not_use_is_refused(world):
    from teams.models import School

    # An exact match on a small integer column: the ORM drops an out-of-range marker.
    weeks = Prepared(lambda w: School.objects.filter(weeks_per_year=w).values_list("pk"))
    with pytest.raises(TypeError):
        list(weeks.rows(37))
    at_least = Prepared(lambda w: School.objects.filter(weeks_per_year__gte=w).values_list("pk"))
    with pytest.raises(TypeError):
        list(at_least.rows(37))
