"""The coordinator's workload dashboard and the group's side-by-side view."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teams.models import Assignment, Budget, School, SchoolTask, StaffWorkload, WorkloadRequest
from teams.workload.figures import recalculate

from .factories import StaffMemberFactory, appoint

pytestmark = pytest.mark.django_db
R = Assignment.Kind.RESPONSIBLE


def give(w, task, member, hours=None):
    return Assignment.objects.create(
        school_task=task, school_year=w.year, kind=R, staff_member=member, hours=hours
    )


@pytest.fixture
def figures(world):
    Budget.objects.create(
        staff_member=world.staff[0],
        school=world.school,
        school_year=world.year,
        hours_per_year=Decimal(8),
    )
    Budget.objects.create(
        staff_member=world.staff[1],
        school=world.school,
        school_year=world.year,
        hours_per_year=Decimal(100),
    )
    give(world, world.tasks[0], world.staff[0])
    give(world, world.tasks[1], world.staff[0])
    give(world, world.tasks[2], world.staff[1])
    recalculate(every_school(), world.year)
    return world


def every_school():
    return list(School.objects.values_list("pk", flat=True))


def dashboard(client, w):
    return client.get(reverse("teams:workload", args=[w.school.pk]))


def test_flags_the_overloaded_person_and_links_to_their_tasks(client, figures):
    client.force_login(figures.coordinator)
    response = dashboard(client, figures)
    page = response.content.decode()
    assert [p.member for p in response.context["data"].overloaded] == [figures.staff[0]]
    assert "Ann A is overbelast: 250% van het budget" in page
    board = reverse("teams:board", args=[figures.school.pk])
    assert f"{board}?year={figures.year.start_year}&amp;person={figures.staff[0].pk}" in page
    assert f"{board}?year={figures.year.start_year}&amp;unassigned=1" in page


def test_charts_have_their_figures_as_tables_and_json(client, figures):
    client.force_login(figures.director)
    response = dashboard(client, figures)
    page = response.content.decode()
    assert 'id="workload-data"' in page and "chart.umd.min.js" in page
    data = response.context["chart_data"]
    assert data["people"][0] == {"name": "Ann A", "hours": 20.0, "budget": 8.0, "state": "over"}
    assert data["trend"][0]["needed"] == 30.0
    assert page.count("<table") >= 3


def test_without_figures_yet_the_page_says_so_and_asks_for_nothing(client, world):
    client.force_login(world.coordinator)
    response = dashboard(client, world)
    assert "nog geen cijfers" in response.content.decode()
    assert not WorkloadRequest.objects.exists()


def test_a_pending_change_is_said(client, figures):
    WorkloadRequest.objects.create(
        school=figures.school, school_year=figures.year, requested_at="2026-01-01T00:00Z"
    )
    client.force_login(figures.coordinator)
    assert "wordt verwerkt" in dashboard(client, figures).content.decode()


def test_query_count_is_the_same_for_5_50_and_500_staff(client, world):
    client.force_login(world.coordinator)

    def queries(staff: int) -> int:
        members = [appoint(StaffMemberFactory(), world.school) for _ in range(staff)]
        tasks = SchoolTask.objects.bulk_create(
            SchoolTask(
                school=world.school,
                title=f"T{staff}-{i}",
                group_id=world.tasks[0].group_id,
                local_hours=4,
            )
            for i in range(staff)
        )
        Budget.objects.bulk_create(
            Budget(staff_member=m, school=world.school, school_year=world.year, hours_per_year=10)
            for m in members
        )
        Assignment.objects.bulk_create(
            Assignment(school_task=t, school_year=world.year, kind=R, staff_member=m)
            for t, m in zip(tasks, members, strict=True)
        )
        recalculate([world.school.pk], world.year)
        with CaptureQueriesContext(connection) as captured:
            assert dashboard(client, world).status_code == 200
        return len(captured)

    counts = [queries(5), queries(45), queries(450)]
    assert StaffWorkload.objects.filter(school=world.school).count() >= 500
    assert counts[0] == counts[1] == counts[2]


def test_coordinators_land_on_the_dashboard(client, world):
    client.force_login(world.coordinator)
    assert client.get("/")["Location"] == reverse("teams:workload", args=[world.school.pk])


def test_limits_can_be_changed_by_managers_only(client, figures):
    url = reverse("teams:limits", args=[figures.school.pk])
    client.force_login(figures.staff_user)
    assert client.post(url, {"busy_from": "50", "overloaded_above": "400"}).status_code == 403
    client.force_login(figures.director)
    response = client.post(url, {"busy_from": "90", "overloaded_above": "80"}, follow=True)
    assert "Druk vanaf" in response.content.decode()
    client.post(url, {"busy_from": "50", "overloaded_above": "400"})
    figures.school.refresh_from_db()
    assert (figures.school.busy_from_percent, figures.school.overloaded_above_percent) == (50, 400)


def test_group_admin_sees_the_schools_side_by_side(client, figures):
    client.force_login(figures.group_admin)
    response = client.get(reverse("teams:school_group", args=[figures.group.pk]))
    rows = response.context["data"].schools
    assert [column.school.name for column in rows] == ["School A", "School B"]
    assert rows[0].current.overloaded_count == 1


def test_group_view_query_count_does_not_grow_with_schools(client, figures):
    from .factories import SchoolFactory

    client.force_login(figures.group_admin)
    url = reverse("teams:school_group", args=[figures.group.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        SchoolFactory(school_group=figures.group)
    recalculate(every_school(), figures.year)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
