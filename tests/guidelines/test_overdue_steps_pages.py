"""The step plan's overdue steps on pages of the teams app, which load them from here.

The dashboard and "my tasks" show the same steps as when they built the list
themselves: the school's, or the person's own in the schools they work in now.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guidelines import reminders, services
from teams.models import Appointment, Membership
from teams.reminders.feed import ENTRY_SOURCES
from teams.reminders.sources import SOURCES

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def steps(world, cycle, version):
    """School A: two overdue steps (Carla owns one, nobody the other) and one not yet due;
    school B: one overdue step Carla owns there too."""
    carla = world.staff[2]  # the staff user's own record
    Appointment.objects.create(staff_member=carla, school=world.other)
    Membership.objects.create(user=world.staff_user, kind="staff", school=world.other)
    today = timezone.localdate()
    for key, owner, day in [
        ("ruimte-voor-verandering", carla, today - timedelta(days=3)),
        ("pedagogische-visie", None, today - timedelta(days=1)),
        ("middelen", carla, today + timedelta(days=5)),
    ]:
        services.plan_step(cycle=cycle, step_key=key, owner=owner, target_date=day)
    other = services.start_cycle(school=world.other, school_year=world.year, version=version)
    services.plan_step(
        cycle=other, step_key="middelen", owner=carla, target_date=today - timedelta(days=2)
    )
    return other


def _keys(html: str, keys: list[str]) -> list[str]:
    """The step keys of ``keys`` linked from ``html``, in the order they appear there."""
    return sorted((k for k in keys if f"#step-{k}" in html), key=lambda k: html.index(f"#step-{k}"))


KEYS = ["ruimte-voor-verandering", "pedagogische-visie", "middelen"]


def test_the_dashboard_loads_the_schools_overdue_steps_and_no_others(client, world, steps):
    client.force_login(world.coordinator)
    url = reverse("guidelines:school_steps", args=[world.school.pk])
    part = client.get(url, headers=HTMX).content.decode()
    assert _keys(part, KEYS) == ["ruimte-voor-verandering", "pedagogische-visie"]
    assert world.other.name not in part
    expected = services.overdue_steps(school_ids=[world.school.pk])
    assert [o.step.step.key for o in expected] == _keys(part, KEYS)


def test_my_tasks_loads_the_steps_the_person_owns_where_they_work_now(client, world, steps):
    client.force_login(world.staff_user)
    url = reverse("guidelines:my_steps")
    part = client.get(url, headers=HTMX).content.decode()
    assert _keys(part, KEYS) == ["ruimte-voor-verandering", "middelen"]
    assert f"/cycles/{steps.pk}/#step-middelen" in part  # school B's step
    Appointment.objects.filter(staff_member=world.staff[2], school=world.other).update(
        is_active=False
    )
    part = client.get(url, headers=HTMX).content.decode()
    assert _keys(part, KEYS) == ["ruimte-voor-verandering"]  # nothing of a school she left


def test_nothing_overdue_loads_nothing_and_the_page_says_so(client, world, cycle):
    client.force_login(world.director)
    url = reverse("guidelines:school_steps", args=[world.school.pk])
    assert client.get(url, headers=HTMX).content.decode().strip() == ""
    page = client.get(url).content.decode()
    assert "Geen enkele stap van het stappenplan is voorbij zijn streefdatum." in page


@pytest.mark.parametrize(("who", "status"), [("staff_user", 200), ("outsider", 404),
                                             ("stranger", 404)])  # fmt: skip
def test_a_schools_steps_answer_only_those_who_may_read_its_plan(client, world, steps, who, status):
    client.force_login(getattr(world, who))
    url = reverse("guidelines:school_steps", args=[world.school.pk])
    assert client.get(url, headers=HTMX).status_code == status
    assert client.get(url).status_code == status


def test_an_account_without_a_staff_record_owns_no_steps(client, world, steps):
    client.force_login(world.group_admin)
    response = client.get(reverse("guidelines:my_steps"), headers=HTMX)
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_the_step_plan_hands_its_part_to_the_reminders_once():
    assert SOURCES.count(reminders.overdue_step_reminders) == 1
    assert ENTRY_SOURCES.count(reminders.owned_steps) == 1
