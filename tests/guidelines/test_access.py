"""Every step plan page and write against the cast; the department sees pilot data only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guidelines.models import Cycle, Pilot, Progress, SelfCheck, StepPlan
from guidelines.selfcheck import QUESTIONS

pytestmark = pytest.mark.django_db

CAST = [
    "director",
    "coordinator",
    "staff_user",
    "group_admin",
    "department",
    "outsider",
    "stranger",
]


def read_urls(w, cycle):
    s, c = w.school.pk, cycle.pk
    return {
        "plan": reverse("guidelines:plan", args=[s]),
        "cycle": reverse("guidelines:cycle", args=[s, c]),
        "history": reverse("guidelines:history", args=[s]),
        "self_check": reverse("guidelines:self_check", args=[s, c, "start"]),
    }


READ = {
    "plan":       [302, 302, 302, 302, 404, 404, 404],
    "cycle":      [200, 200, 200, 200, 404, 404, 404],
    "history":    [200, 200, 200, 200, 404, 404, 404],
    "self_check": [200, 200, 200, 200, 404, 404, 404],
}  # fmt: skip


@pytest.mark.parametrize("view", READ)
@pytest.mark.parametrize("who", range(len(CAST)))
def test_reading(client, world, department, cycle, view, who):
    users = {**{n: getattr(world, n) for n in CAST if n != "department"}, "department": department}
    client.force_login(users[CAST[who]])
    assert client.get(read_urls(world, cycle)[view]).status_code == READ[view][who]


def write_posts(w, cycle):
    s, c = w.school.pk, cycle.pk
    answers = {q.key: "2" for q in QUESTIONS}
    return [
        (reverse("guidelines:tick", args=[s, c, "kernteam-samengesteld"]), {"done": "1"}),
        (
            reverse("guidelines:item", args=[s, c, "selfie-afgenomen"]),
            {"state": "not_applicable", "reason": "Al gedaan", "note": "", "link": ""},
        ),
        (
            reverse("guidelines:step", args=[s, c, "middelen"]),
            {"owner": w.staff[0].pk, "target_date": "2030-01-31"},
        ),
        (reverse("guidelines:sharing", args=[s, c]), {"shares_notes": "on"}),
        (reverse("guidelines:self_check", args=[s, c, "start"]), answers),
        (
            reverse("guidelines:start", args=[s]),
            {"version": cycle.version_id, "year": w.year.start_year + 1},
        ),
    ]


WRITE = [302, 302, 403, 403, 404, 404, 404]


@pytest.mark.parametrize("who", range(len(CAST)))
def test_writing(client, world, department, cycle, who):
    users = {**{n: getattr(world, n) for n in CAST if n != "department"}, "department": department}
    client.force_login(users[CAST[who]])
    for url, data in write_posts(world, cycle):
        assert client.post(url, data).status_code == WRITE[who], url
    wrote = WRITE[who] == 302
    assert Progress.objects.filter(cycle=cycle).count() == (2 if wrote else 0)
    assert StepPlan.objects.filter(cycle=cycle).exists() == wrote
    assert SelfCheck.objects.filter(cycle=cycle).exists() == wrote
    assert Cycle.objects.count() == (2 if wrote else 1)
    cycle.refresh_from_db()
    assert cycle.shares_notes == wrote


def test_a_cycle_of_another_school_is_not_found_through_ones_own_school(
    client, world, version, cycle
):
    from guidelines.services import start_cycle

    theirs = start_cycle(school=world.other, school_year=world.year, version=version)
    client.force_login(world.outsider)
    # Their own cycle, but asked for through school A's address.
    url = reverse("guidelines:cycle", args=[world.school.pk, theirs.pk])
    assert client.get(url).status_code == 404
    client.force_login(world.director)
    assert (
        client.get(reverse("guidelines:cycle", args=[world.school.pk, theirs.pk])).status_code
        == 404
    )
    tick = reverse("guidelines:tick", args=[world.school.pk, theirs.pk, "kernteam-samengesteld"])
    assert client.post(tick, {"done": "1"}).status_code == 404
    assert not Progress.objects.exists()


def test_pilot_pages(client, world, department, cycle, version):
    from tests.teams.factories import SchoolFactory

    pilot = Pilot.objects.create(
        name="Pilot", starts_on=world.year.starts_on, ends_on=world.year.ends_on, version=version
    )
    elsewhere = SchoolFactory(name="School D")
    pilot.schools.add(world.school, elsewhere)
    urls = [
        reverse("guidelines:pilot", args=[pilot.pk]),
        reverse("guidelines:pilot_export", args=[pilot.pk]),
    ]
    expected = {"department": 200, "group_admin": 200, "director": 404, "coordinator": 404,
                "staff_user": 404, "outsider": 404, "stranger": 404}  # fmt: skip
    users = {**{n: getattr(world, n) for n in CAST if n != "department"}, "department": department}
    for name, status in expected.items():
        client.force_login(users[name])
        for url in urls:
            assert client.get(url).status_code == status, (name, url)
    assert client.get(reverse("guidelines:pilot", args=[pilot.pk + 1])).status_code == 404


def test_home_sends_the_department_to_the_pilot_overview(client, world, department, version):
    pilot = Pilot.objects.create(
        name="Pilot", starts_on=world.year.starts_on, ends_on=world.year.ends_on, version=version
    )
    client.force_login(department)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("guidelines:pilot", args=[pilot.pk])
    assert response.status_code == 200
