"""The self-check asks about a school group only of a school that is in one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guidelines.selfcheck import QUESTIONS
from guidelines.services import start_cycle
from teams.models import Membership
from tests.teams.conftest import member
from tests.teams.factories import SchoolFactory

pytestmark = pytest.mark.django_db

GROUP_STATEMENT = "De scholengroep bundelt"  # "The school group pools ICT hours, ..."


def self_check_url(cycle, moment="start"):
    return reverse("guidelines:self_check", args=[cycle.school_id, cycle.pk, moment])


def test_a_stand_alone_school_is_asked_nothing_about_a_school_group(client, world, version):
    alone = SchoolFactory(name="Losse school", school_group=None)
    cycle = start_cycle(school=alone, school_year=world.year, version=version)
    client.force_login(member(Membership.Kind.DIRECTOR, "directeur.los", alone))
    page = client.get(self_check_url(cycle)).content.decode()
    assert GROUP_STATEMENT not in page and 'name="school_group"' not in page
    assert "Het team overlegt regelmatig." in page and "experten van de scholengroep" not in page

    answers = {q.key: "3" for q in QUESTIONS if q.key != "school_group"}
    assert client.post(self_check_url(cycle), answers).status_code == 302
    saved = cycle.self_checks.get(moment="start").answers
    assert set(saved) == set(answers) and "school_group" not in saved
    rows = client.get(self_check_url(cycle, "end")).context["rows"]
    assert [row.question.key for row in rows] == list(answers)


def test_a_school_in_a_school_group_must_answer_about_it(client, world, cycle):
    client.force_login(world.director)
    page = client.get(self_check_url(cycle)).content.decode()
    assert GROUP_STATEMENT in page and "ook met de experten van de scholengroep" in page

    without = {q.key: "3" for q in QUESTIONS if q.key != "school_group"}
    response = client.post(self_check_url(cycle), without)
    assert response.status_code == 200 and "school_group" in response.context["form"].errors
    assert not cycle.self_checks.exists()
    assert client.post(self_check_url(cycle), {**without, "school_group": "2"}).status_code == 302
    assert cycle.self_checks.get().answers["school_group"] == 2
