"""The step plan pages: ticking in place and by plain post, notices, connections, overdue steps."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from guidelines import services
from guidelines.definitions import load_file
from guidelines.models import Progress
from guidelines.selfcheck import QUESTIONS
from teams.models import Assignment, Budget

from .conftest import definition, dump

pytestmark = pytest.mark.django_db
State = Progress.State


def cycle_url(cycle):
    return reverse("guidelines:cycle", args=[cycle.school_id, cycle.pk])


def test_plan_redirects_to_the_years_cycle_or_offers_to_start_one(client, world, version):
    client.force_login(world.director)
    page = client.get(reverse("guidelines:plan", args=[world.school.pk]))
    assert page.status_code == 200
    assert "De cyclus starten" in page.content.decode()
    client.post(reverse("guidelines:start", args=[world.school.pk]),
                {"version": version.pk, "year": world.year.start_year})  # fmt: skip
    cycle = world.school.cycles.get()
    response = client.get(reverse("guidelines:plan", args=[world.school.pk]))
    assert response["Location"] == cycle_url(cycle)


def test_a_new_cycle_starts_on_the_newest_published_version_only(client, world, cycle):
    newer = definition()
    newer["version"]["number"] = 2
    load_file(dump(newer), publish=True)
    draft = definition()
    draft["version"]["number"] = 3
    load_file(dump(draft))  # not published
    client.force_login(world.outsider)  # the director of school B, which has no cycle yet
    form = client.get(reverse("guidelines:plan", args=[world.other.pk]))
    offered = form.context["form"].fields["version"].queryset
    assert [v.number for v in offered] == [2]
    # A cycle under way moves on to the newest version too, as publishing it says.
    assert world.school.cycles.get().version.number == 2


def test_the_plan_shows_phases_steps_items_and_the_first_phase_notice(client, world, cycle):
    client.force_login(world.staff_user)
    response = client.get(cycle_url(cycle))
    page = response.content.decode()
    assert page.count('class="card step') == 8
    assert "Ruimte voor verandering" in page
    assert "eerst aan de eerste fase" in page
    assert "print.css" in page
    assert 'id="tick-' not in page  # staff read, they do not tick
    client.force_login(world.coordinator)
    assert 'id="tick-kernteam-samengesteld"' in client.get(cycle_url(cycle)).content.decode()


def test_ticking_in_place_returns_the_item_and_the_new_progress(client, world, cycle):
    client.force_login(world.coordinator)
    url = reverse("guidelines:tick", args=[world.school.pk, cycle.pk, "kernteam-samengesteld"])
    response = client.post(url, {"done": "1"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<li id="item-kernteam-samengesteld"')
    assert (
        'id="step-progress-ruimte-voor-verandering" '
        'class="plan-progress d-flex align-items-center gap-2" hx-swap-oob="true"' in page
    )
    assert 'value="33"' in page  # one of three items in step 1
    assert 'id="phase-progress-enthousiasme-en-plan"' in page and 'value="14"' in page
    assert Progress.objects.get(item_key="kernteam-samengesteld").state == State.DONE


def test_a_plain_post_saves_and_redirects_to_the_item(client, world, cycle):
    client.force_login(world.director)
    url = reverse("guidelines:item", args=[world.school.pk, cycle.pk, "selfie-afgenomen"])
    response = client.post(url, {"state": "done", "reason": "", "note": "Verslag in map",
                                 "link": "intranet.example/selfie"})  # fmt: skip
    assert response["Location"] == cycle_url(cycle) + "#item-selfie-afgenomen"
    progress = Progress.objects.get()
    assert (progress.note, progress.link) == ("Verslag in map", "https://intranet.example/selfie")
    assert progress.changed_by == world.director


def test_not_applicable_without_reason_is_refused_in_dutch(client, world, cycle):
    client.force_login(world.director)
    url = reverse("guidelines:item", args=[world.school.pk, cycle.pk, "selfie-afgenomen"])
    response = client.post(url, {"state": "not_applicable", "reason": " ", "note": "x"},
                           HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="nl")  # fmt: skip
    assert 'role="alert">Zeg waarom dit punt niet van toepassing is.' in response.content.decode()
    assert not Progress.objects.exists()


def test_an_item_of_another_version_is_refused_with_a_message(client, world, cycle):
    client.force_login(world.director)
    url = reverse("guidelines:tick", args=[world.school.pk, cycle.pk, "bestaat-niet"])
    response = client.post(url, {"done": "1"}, follow=True)
    assert not Progress.objects.exists()
    assert "Dit punt staat niet in de versie van de richtlijn" in response.content.decode()


def test_an_invalid_definition_is_reported_in_dutch(tmp_path):
    from django.core.management import CommandError, call_command

    data = definition()
    data["phases"][1]["steps"][0]["items"] = []
    data["phases"][0]["steps"][0]["title"] = {"en": "Only English"}
    path = tmp_path / "fout.json"
    path.write_bytes(dump(data))
    with translation.override("nl"), pytest.raises(CommandError) as refused:
        call_command("load_guidelines", str(path))
    assert "fase 1, stap 1: de Nederlandse titel ontbreekt" in str(refused.value)
    assert "fase 2, stap 1: heeft geen punten" in str(refused.value)


def test_the_school_sees_what_changed_in_a_new_version_until_dismissed(client, world, cycle):
    data = definition()
    data["version"]["number"] = 2
    data["phases"][0]["steps"][0]["items"][0]["title"]["nl"] = "De directie kiest voor een team"
    load_file(dump(data), publish=True)
    client.force_login(world.coordinator)
    page = client.get(cycle_url(cycle)).content.decode()
    assert "De directie kiest voor een team" in page and "change-old" in page
    client.post(reverse("guidelines:changes_seen", args=[world.school.pk, cycle.pk]))
    assert "change-old" not in client.get(cycle_url(cycle)).content.decode()


def test_steps_show_the_schools_workload_figures(client, world, cycle):
    year = world.year
    Assignment.objects.create(school_task=world.tasks[0], school_year=year, kind="responsible",
                              staff_member=world.staff[0])  # fmt: skip
    Assignment.objects.create(school_task=world.tasks[1], school_year=year, kind="responsible",
                              partner="Printbedrijf Noord")  # fmt: skip
    Budget.objects.create(staff_member=world.staff[0], school=world.school, school_year=year,
                          hours_per_year=Decimal(25))  # fmt: skip
    client.force_login(world.director)
    response = client.get(cycle_url(cycle))
    facts = response.context["facts"]
    assert {t.title for t in facts.unassigned} == {"Taak A2", "Groepstaak"}
    # As the board and the dashboard count them: unassigned tasks have no backup either.
    assert {t.title for t in facts.without_backup} == {
        "Taak A0",
        "Taak A1",
        "Taak A2",
        "Groepstaak",
    }
    assert [(o.task.title, o.partner) for o in facts.outsourced] == [
        ("Taak A1", "Printbedrijf Noord")
    ]
    assert facts.team_budget == 25 and facts.team_workload == 10
    page = response.content.decode()
    assert "Printbedrijf Noord" in page
    assert (
        f"{reverse('teams:board', args=[world.school.pk])}?year={year.start_year}&amp;unassigned=1"
        in page
    )


def test_owner_and_target_date_and_overdue_steps_on_the_dashboard_and_my_tasks(
    client, world, cycle
):
    client.force_login(world.coordinator)
    past = timezone.localdate() - timedelta(days=2)
    response = client.post(reverse("guidelines:step", args=[world.school.pk, cycle.pk, "middelen"]),
                           {"owner": world.staff[2].pk,
                            "target_date": past.isoformat()})  # fmt: skip
    assert response.status_code == 302
    steps = reverse("guidelines:school_steps", args=[world.school.pk])
    page = client.get(reverse("teams:workload", args=[world.school.pk])).content.decode()
    assert f'hx-get="{steps}"' in page
    assert f'<noscript><p><a href="{steps}">' in page  # a plain link without JavaScript
    part = client.get(steps, headers={"HX-Request": "true"}).content.decode()
    assert "overdue-steps-title" in part and "Welke middelen zijn er?" in part
    assert "<html" not in part
    client.force_login(world.staff_user)  # staff[2] is the staff user's own record
    mine = reverse("guidelines:my_steps")
    assert f'hx-get="{mine}"' in client.get(reverse("teams:my_tasks")).content.decode()
    part = client.get(mine, headers={"HX-Request": "true"}).content.decode()
    assert "overdue-steps-title" in part and "#step-middelen" in part
    whole = client.get(mine).content.decode()  # without JavaScript: a page of its own
    assert "<html" in whole and "#step-middelen" in whole


def test_self_check_start_and_end_side_by_side(client, world, cycle):
    client.force_login(world.director)
    for moment, value in (("start", "1"), ("end", "3")):
        url = reverse("guidelines:self_check", args=[world.school.pk, cycle.pk, moment])
        assert client.post(url, {q.key: value for q in QUESTIONS}).status_code == 302
    response = client.get(reverse("guidelines:self_check", args=[world.school.pk, cycle.pk, "end"]))
    rows = response.context["rows"]
    assert [(r.start, r.end, r.difference) for r in rows] == [(1, 3, 2)] * len(QUESTIONS)
    incomplete = client.post(url, {QUESTIONS[0].key: "2"})
    assert incomplete.status_code == 200 and incomplete.context["form"].errors
    assert cycle.self_checks.get(moment="end").answers[QUESTIONS[0].key] == 3
    bad = reverse("guidelines:self_check", args=[world.school.pk, cycle.pk, "halfway"])
    assert client.get(bad).status_code == 404


def test_past_cycles_side_by_side(client, world, cycle, version):
    from teams.models import SchoolYear

    services.record_item(cycle=cycle, item_key="kernteam-samengesteld", by=None, state=State.DONE)
    nxt = SchoolYear.objects.create(start_year=world.year.start_year + 1)
    services.start_cycle(school=world.school, school_year=nxt, version=version)
    client.force_login(world.staff_user)
    response = client.get(reverse("guidelines:history", args=[world.school.pk]))
    assert len(response.context["states"]) == 2
    assert len(response.context["rows"]) == 8


def test_plan_page_query_count_does_not_grow_with_progress(client, world, cycle):
    client.force_login(world.coordinator)
    client.get(cycle_url(cycle))
    with CaptureQueriesContext(connection) as empty:
        client.get(cycle_url(cycle))
    structure = services.structure_of(cycle.version)
    for item in structure.items:
        services.record_item(cycle=cycle, item_key=item.key, by=world.coordinator, state=State.DONE,
                             note="n")  # fmt: skip
    for step in structure.steps:
        services.plan_step(cycle=cycle, step_key=step.key, owner=world.staff[0],
                           target_date=timezone.localdate())  # fmt: skip
    with CaptureQueriesContext(connection) as full:
        client.get(cycle_url(cycle))
    assert len(full) == len(empty)
