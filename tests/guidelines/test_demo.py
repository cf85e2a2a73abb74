"""The demo pilot: both demo schools are enrolled with some progress."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from guidelines.models import Cycle, Pilot, Progress

pytestmark = pytest.mark.django_db


def test_seed_demo_enrols_both_schools_in_a_pilot_with_progress(client):
    call_command("seed_demo", "--password", "Demo-Pass-1")
    call_command("seed_demo", "--password", "Demo-Pass-1")  # idempotent
    pilot = Pilot.objects.get()
    assert sorted(s.name for s in pilot.schools.all()) == ["Atheneum Zuid", "Basisschool De Linde"]
    assert Cycle.objects.filter(guideline__key="stappenplan").count() == 2
    assert Progress.objects.filter(state=Progress.State.DONE).count() == 10
    where = {
        "departement": reverse("guidelines:pilot", args=[pilot.pk]),
        "beheer.scholengroep": reverse("guidelines:pilot", args=[pilot.pk]),
        "ictco.linde": None,
        "leerkracht.linde": None,
        "directeur.zuid": None,
    }
    for username, pilot_url in where.items():
        client.force_login(User.objects.get(username=username))
        page = client.get(pilot_url or reverse("guidelines:mine"), follow=True)
        assert page.status_code == 200, username
        if pilot_url:
            assert len(page.context["matrix"].rows) == 2
        else:
            assert page.context["state"].percent > 0, username
    client.force_login(User.objects.get(username="ictco.linde"))
    dashboard = client.get("/", follow=True)
    steps = reverse("guidelines:school_steps", args=[dashboard.context["school"].pk])
    assert f'hx-get="{steps}"' in dashboard.content.decode()
    part = client.get(steps, headers={"HX-Request": "true"}).content.decode()
    assert "overdue-steps-title" in part
