"""Access decisions are made in teams/access.py; pages, tabs and template tags only ask it.

Each test holds a page's answer and the link that leads to it to the same decision, for
the whole cast, so a page and its link can no longer disagree.
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from teams import access
from teams.models import Assignment, Membership, Occurrence, Rhythm, SchoolYear
from teams.reminders import services
from teams.reminders.scan import run_scan
from teams.staff import services as staff_services

from .factories import StaffMemberFactory, UserFactory, appoint

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("who", "opens"),
    [("director", True), ("coordinator", True), ("staff_user", False), ("group_admin", True)],
)
def test_the_workload_tab_shows_exactly_where_the_dashboard_opens(client, world, who, opens):
    user = getattr(world, who)
    client.force_login(user)
    dashboard = reverse("teams:workload", args=[world.school.pk])
    board = client.get(reverse("teams:board", args=[world.school.pk])).content.decode()
    assert client.get(dashboard).status_code == (200 if opens else 403)
    assert (f'href="{dashboard}?' in board) is opens
    assert access.access_for(user).can_see_workload(world.school.pk) is opens


@pytest.mark.parametrize(("who", "shown"), [("director", False), ("admin", True)])
def test_the_new_school_buttons_show_exactly_to_who_may_create_schools(client, world, who, shown):
    user = UserFactory(username="platform", is_staff=True) if who == "admin" else world.director
    client.force_login(user)
    page = client.get(reverse("teams:schools"), follow=True).content.decode()
    assert (reverse("teams:school_new") in page) is shown
    assert client.get(reverse("teams:school_new")).status_code == (200 if shown else 403)
    assert access.may_create_schools(user) is shown


def test_a_coordinator_of_one_school_lands_on_its_dashboard_and_a_director_on_the_schools(
    client, world
):
    client.force_login(world.coordinator)
    assert client.get(reverse("home")).url == reverse("teams:workload", args=[world.school.pk])
    client.force_login(world.director)
    assert client.get(reverse("home")).url == reverse("teams:schools")


@pytest.fixture
def occurrence(world) -> Occurrence:
    """Task A0 falls due yesterday. Carla (the staff login) is responsible for it this school
    year, Ann backs her up, Bert was responsible but has left, Dirk was responsible last year."""
    today = timezone.localdate()
    yesterday = date.fromordinal(today.toordinal() - 1)
    year = SchoolYear.objects.get(start_year=SchoolYear.start_year_of(yesterday))
    last_year, _ = SchoolYear.objects.get_or_create(start_year=year.start_year - 1)
    task = world.tasks[0]
    ann, bert, carla = world.staff
    dirk = appoint(StaffMemberFactory(first_name="Dirk", last_name="A"), world.school)
    for member, username in ((ann, "ann.a"), (bert, "bert.a"), (dirk, "dirk.a")):
        member.user = UserFactory(username=username)
        member.save()
        Membership.objects.create(user=member.user, kind="staff", school=world.school)
    for member, kind, when in (
        (carla, "responsible", year),
        (ann, "backup", year),
        (bert, "responsible", year),
        (dirk, "responsible", last_year),
    ):
        Assignment.objects.create(
            school_task=task, school_year=when, kind=kind, staff_member=member
        )
    staff_services.end_appointment(member=bert, school=world.school, school_year=year)
    services.set_schedule(
        school_task=task, rhythm=Rhythm.MONTHLY, anchor=yesterday, lead_days=3, today=yesterday
    )
    run_scan(on=today)
    return Occurrence.objects.get(school_task=task, due_on=yesterday)


# Who may mark the occurrence done, and what a POST answers them (302: marked done).
MARKING = {
    "responsible": (True, 302),
    "backup": (True, 302),
    "coordinator": (True, 302),
    "director": (True, 302),
    "colleague": (False, 403),  # sees the school's occurrence, has no part in the task
    "group_admin": (False, 403),  # sees the school, does not manage its own tasks
    "last_year": (False, 403),  # responsible in the school year before the occurrence's
    "left": (False, 404),  # no longer works in the school: sees nothing of it
    "outsider": (False, 404),
}


def _account(world, who):
    people = {"responsible": 2, "backup": 0, "left": 1}
    if who in people:
        return world.staff[people[who]].user
    if who == "last_year":
        return Membership.objects.get(user__username="dirk.a").user
    if who == "colleague":
        user = UserFactory(username="collega")
        Membership.objects.create(user=user, kind="staff", school=world.school)
        appoint(StaffMemberFactory(user=user), world.school)
        return user
    return getattr(world, who)


@pytest.mark.parametrize("who", MARKING)
def test_marking_an_occurrence_done_is_asked_of_access_and_the_page_follows(
    client, world, occurrence, who
):
    may, status = MARKING[who]
    user = _account(world, who)
    assert access.may_mark_done(user, occurrence) is may
    client.force_login(user)
    url = reverse("teams:occurrence", args=[occurrence.pk])
    if status != 404:
        page = client.get(url)
        assert page.status_code == 200
        assert page.context["may_mark"] is may
    assert client.post(url, {"note": "Gedaan"}).status_code == status
    occurrence.refresh_from_db()
    assert (occurrence.done_at is not None) is may


# The modules that read or write memberships, and why; every access question goes through
# teams/access.py, which reads them once per request.
MEMBERSHIP_READERS = {
    "teams/access.py": "every access decision",
    "teams/admin.py": "the admin edits memberships",
    "teams/staff/rights.py": "gives and takes rights; counts a school's directors under a lock",
    "teams/staff/invitations.py": "an accepted invitation becomes a membership",
    "teams/staff/social.py": "the school groups whose sign-in rules a provider login must meet",
    "teams/reminders/sources.py": "who is told: a school's directors and coordinators",
    "teams/demo.py": "the demo's accounts",
    "guidelines/demo.py": "the demo's progress is ticked by a school's coordinator",
}


def test_memberships_are_read_for_access_only_in_access():
    readers = set()
    for app in ("teams", "guidelines", "tasks", "ictteam"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr == "objects"
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "Membership"
                ):
                    readers.add(path.relative_to(ROOT).as_posix())
    assert readers <= set(MEMBERSHIP_READERS)
    assert "teams/access.py" in readers  # the walk sees what it looks for


def test_a_persons_rights_shown_on_their_page_are_read_through_access(client, world):
    director = appoint(StaffMemberFactory(user=world.director), world.school)
    coordinator = appoint(StaffMemberFactory(user=world.coordinator), world.school)
    ann, _bert, carla = world.staff
    expected = {director: "director", coordinator: "coordinator", carla: "staff", ann: ""}
    for member, rights in expected.items():
        assert access.rights_in(member, world.school) == rights
        assert access.rights_in(member, world.other) == ""
    client.force_login(world.director)
    url = reverse("teams:staff_detail", args=[world.school.pk, coordinator.pk])
    page = client.get(url).content.decode()
    assert '<option value="coordinator" selected>' in page
