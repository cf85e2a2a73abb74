"""The step plan knows the school year only through SchoolYear: current(), from_current() and
plan_next(), as every other page does.

The attack: on the first days of a new school year, before the nightly job has created
its row, every page still shows the year before as the current one. A step plan that
worked out "this year" from the calendar itself then disagreed with those pages.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from guidelines import services
from guidelines.definitions import load_file
from guidelines.models import Cycle
from teams.models import SchoolYear

from .conftest import definition, dump

pytestmark = pytest.mark.django_db


def _new_year_not_created_yet(world):
    """Travel to 2 September of the next school year, whose row does not exist yet."""
    start = world.year.start_year + 1
    assert not SchoolYear.objects.filter(start_year=start).exists()
    moment = datetime(start, 9, 2, 10, tzinfo=timezone.get_current_timezone())
    return time_machine.travel(moment, tick=False)


def test_a_step_overdue_in_the_year_pages_show_as_current_is_overdue(cycle, world):
    services.plan_step(
        cycle=cycle,
        step_key="ruimte-voor-verandering",
        owner=world.staff[0],
        target_date=date(world.year.start_year + 1, 8, 20),
    )
    with _new_year_not_created_yet(world):
        assert SchoolYear.current() == world.year
        found = services.overdue_steps(school_ids=[world.school.pk])
    assert [o.step.step.key for o in found] == ["ruimte-voor-verandering"]


def test_a_step_of_a_past_school_year_is_no_longer_overdue(cycle, world, version):
    last_year = SchoolYear.objects.create(start_year=world.year.start_year - 1)
    old = services.start_cycle(school=world.school, school_year=last_year, version=version)
    yesterday = timezone.localdate() - timedelta(days=1)
    services.plan_step(cycle=old, step_key="middelen", owner=None, target_date=yesterday)
    assert services.overdue_steps(school_ids=[world.school.pk]) == []


def test_publishing_moves_the_cycles_of_the_year_pages_show_as_current(cycle, world):
    data = definition()
    data["version"]["number"] = 2
    with _new_year_not_created_yet(world):
        v2 = load_file(dump(data), publish=True).version
    cycle.refresh_from_db()
    assert cycle.version == v2


def test_starting_a_cycle_in_the_next_year_plans_that_year(client, world, version):
    nxt = world.year.start_year + 1
    assert not SchoolYear.objects.filter(start_year=nxt).exists()
    client.force_login(world.director)
    url = reverse("guidelines:start", args=[world.school.pk])
    response = client.post(url, {"version": version.pk, "year": nxt})
    cycle = Cycle.objects.get(school=world.school)
    assert response.url == reverse("guidelines:cycle", args=[world.school.pk, cycle.pk])
    assert cycle.school_year == SchoolYear.plan_next()
    assert cycle.school_year.start_year == nxt


def test_a_year_the_form_does_not_offer_creates_no_year_and_no_cycle(client, world, version):
    client.force_login(world.director)
    url = reverse("guidelines:start", args=[world.school.pk])
    far = world.year.start_year + 5
    response = client.post(url, {"version": version.pk, "year": far}, follow=True)
    assert "Kies een richtlijn en een schooljaar." in [str(m) for m in response.context["messages"]]
    assert not SchoolYear.objects.filter(start_year=far).exists()
    assert not Cycle.objects.exists()
