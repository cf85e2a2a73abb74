"""Ticking, progress, versions moving by key, the cycle roll-over and overdue steps."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from guidelines import services
from guidelines.definitions import load_file
from guidelines.models import Cycle, Progress, StepPlan
from guidelines.selfcheck import QUESTIONS
from teams.models import SchoolYear

from .conftest import definition, dump

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    # Messages are checked in English here; test_pages checks them in Dutch.
    with translation.override("en"):
        yield


State = Progress.State
STEP1 = ["directie-steunt-teamaanpak", "huidige-situatie-besproken", "kernteam-samengesteld"]


def state(cycle):
    cycle.refresh_from_db()
    return services.state_of(services.structure_of(cycle.version), cycle)


def tick_all(cycle, keys, by=None, state=State.DONE):
    for key in keys:
        services.record_item(cycle=cycle, item_key=key, by=by, state=state)


def test_ticking_records_who_and_when_with_note_and_link(cycle, world):
    progress = services.record_item(
        cycle=cycle, item_key=STEP1[0], by=world.coordinator, state=State.DONE,
        note="Besproken op 3/9", link="https://intranet.example/verslag",
    )  # fmt: skip
    assert progress.changed_by == world.coordinator
    assert abs(progress.changed_at - timezone.now()) < timedelta(seconds=5)
    assert (progress.note, progress.link) == (
        "Besproken op 3/9",
        "https://intranet.example/verslag",
    )
    services.record_item(cycle=cycle, item_key=STEP1[0], by=world.director, state=State.OPEN)
    progress.refresh_from_db()
    assert progress.state == State.OPEN and progress.note == "Besproken op 3/9"
    assert progress.changed_by == world.director


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"state": State.NOT_APPLICABLE, "reason": "  "}, "Say why"),
        ({"state": "finished"}, "valid state"),
        ({"state": State.DONE, "link": "javascript:alert(1)"}, "full web address"),
        ({"state": State.DONE, "note": "x" * 5001}, "under 5000"),
        ({"state": State.DONE, "item_key": "not-in-this-version"}, "not in the cycle"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(cycle, kwargs, message):
    kwargs = {"item_key": STEP1[0], "by": None, **kwargs}
    with pytest.raises(ValidationError, match=message):
        services.record_item(cycle=cycle, **kwargs)
    assert not Progress.objects.exists()


def test_a_step_is_done_when_its_items_are_and_phases_show_progress(cycle):
    tick_all(cycle, STEP1[:2])
    plan = state(cycle)
    first = plan.phases[0]
    assert plan.steps[0].state == State.IN_PROGRESS and not plan.steps[0].is_done
    assert first.percent == round(100 * 2 / 7)
    services.record_item(
        cycle=cycle, item_key=STEP1[2], by=None, state=State.NOT_APPLICABLE, reason="Klein team"
    )
    plan = state(cycle)
    assert plan.steps[0].is_done and plan.steps[0].state == State.DONE
    assert plan.phases[0].percent == round(100 * 3 / 7)
    assert plan.percent == round(100 * 3 / plan.item_count)


def test_later_steps_say_when_a_first_phase_step_is_open(cycle):
    plan = state(cycle)
    assert [s.key for s in plan.steps[4].waits_for] == [
        "ruimte-voor-verandering", "pedagogische-visie", "ict-beleidsplan",
    ]  # fmt: skip
    assert plan.steps[1].waits_for == []  # a first-phase step is never held up
    tick_all(cycle, [i.item.key for s in plan.phases[0].steps for i in s.items])
    assert all(not s.waits_for for s in state(cycle).steps)


def _version_2(publish=True):
    data = definition()
    data["version"]["number"] = 2
    items = data["phases"][0]["steps"][0]["items"]
    items[0]["title"]["nl"] = "De directie kiest voor een ICT-team"
    items.pop(1)  # huidige-situatie-besproken
    items.append({"key": "team-geinformeerd", "title": {"nl": "Het team is geïnformeerd"}})
    return load_file(dump(data), publish=publish).version


def test_publishing_a_version_moves_progress_by_key_and_shows_what_changed(cycle):
    tick_all(cycle, STEP1)
    v2 = _version_2()
    cycle.refresh_from_db()
    assert cycle.version == v2 and cycle.previous_version.number == 1
    changes = services.changes_for(cycle)
    assert [c.key for c in changes.added] == ["team-geinformeerd"]
    assert [c.key for c in changes.reworded] == ["directie-steunt-teamaanpak"]
    assert [c.key for c in changes.removed] == ["huidige-situatie-besproken"]
    plan = state(cycle)
    step1 = plan.steps[0]
    assert [i.state for i in step1.items] == [State.DONE, State.DONE, State.OPEN]
    assert not step1.is_done  # the new item is still open
    # The removed item's progress is kept, not lost.
    assert Progress.objects.filter(cycle=cycle, item_key="huidige-situatie-besproken").exists()
    services.dismiss_changes(cycle=cycle)
    assert not services.changes_for(cycle)


def test_an_unpublished_version_moves_nobody_and_past_years_stay_put(cycle, world, version):
    last_year = SchoolYear.objects.create(start_year=world.year.start_year - 1)
    old = Cycle.objects.create(
        school=world.school, school_year=last_year, guideline=version.guideline, version=version
    )
    v2 = _version_2(publish=False)
    cycle.refresh_from_db()
    assert cycle.version == version
    assert services.publish_version(version=v2) == 1
    old.refresh_from_db()
    assert old.version == version


def test_a_new_cycle_carries_over_what_stays_done_and_reopens_evaluation(cycle, world, version):
    evaluation = ["werklast-geevalueerd", "zelfcheck-herhaald"]
    tick_all(cycle, [STEP1[0], *evaluation])
    services.record_item(cycle=cycle, item_key=STEP1[1], by=None, state=State.IN_PROGRESS)
    services.record_item(
        cycle=cycle, item_key=STEP1[2], by=None, state=State.NOT_APPLICABLE, reason="Klein team"
    )
    services.plan_step(
        cycle=cycle, step_key="pedagogische-visie", owner=world.staff[0],
        target_date=date(world.year.start_year, 12, 1),
    )  # fmt: skip
    next_year = SchoolYear.objects.create(start_year=world.year.start_year + 1)
    new = services.start_cycle(school=world.school, school_year=next_year, version=version)
    carried = {p.item_key: p for p in new.progress.all()}
    assert set(carried) == {STEP1[0], STEP1[2]}
    assert carried[STEP1[2]].reason == "Klein team"
    plan = state(new)
    assert all(i.state == State.OPEN for i in plan.steps[7].items)
    assert plan.step("pedagogische-visie").plan.owner == world.staff[0]
    assert plan.step("pedagogische-visie").plan.target_date is None
    # The past cycle stays as it was, readable beside the new one.
    old = state(cycle)
    assert all(i.state == State.DONE for i in old.steps[7].items[:2])
    assert [c.school_year for c in services.cycles_of(world.school)] == [next_year, world.year]


def test_one_cycle_per_school_year_and_only_published_versions(cycle, world, version):
    with pytest.raises(ValidationError, match="already has a cycle"):
        services.start_cycle(school=world.school, school_year=world.year, version=version)
    draft = _version_2(publish=False)
    with pytest.raises(ValidationError, match="not published"):
        services.start_cycle(school=world.other, school_year=world.year, version=draft)


def test_a_step_owner_must_work_in_the_school(cycle, world):
    with pytest.raises(ValidationError, match="must work in this school"):
        services.plan_step(
            cycle=cycle, step_key="middelen", owner=world.other_staff, target_date=None
        )
    assert not StepPlan.objects.exists()


def test_overdue_steps_by_school_and_by_owner(cycle, world, version):
    today = timezone.localdate()
    for key, owner, day in [
        ("ruimte-voor-verandering", world.staff[0], today - timedelta(days=3)),
        ("pedagogische-visie", world.staff[1], today - timedelta(days=1)),
        ("ict-beleidsplan", world.staff[0], today),  # due today: not overdue yet
        ("middelen", None, today + timedelta(days=10)),
    ]:
        services.plan_step(cycle=cycle, step_key=key, owner=owner, target_date=day)
    other = services.start_cycle(school=world.other, school_year=world.year, version=version)
    services.plan_step(
        cycle=other, step_key="middelen", owner=None, target_date=today - timedelta(days=9)
    )
    found = services.overdue_steps(school_ids=[world.school.pk])
    assert [o.step.step.key for o in found] == ["ruimte-voor-verandering", "pedagogische-visie"]
    assert found[0].owner == world.staff[0] and found[0].school == world.school
    mine = services.overdue_steps(staff_member=world.staff[0])
    assert [o.step.step.key for o in mine] == ["ruimte-voor-verandering"]
    assert [o.school for o in services.overdue_steps()] == [world.other, world.school, world.school]
    tick_all(cycle, STEP1)  # a done step is not overdue
    assert [o.step.step.key for o in services.overdue_steps(school_ids=[world.school.pk])] == [
        "pedagogische-visie"
    ]
    assert services.overdue_steps(school_ids=[world.school.pk], on=today - timedelta(days=5)) == []


def test_overdue_steps_runs_a_fixed_number_of_queries(world, version):
    from tests.teams.factories import SchoolFactory

    past = timezone.localdate() - timedelta(days=2)

    def add_schools(n):
        for _ in range(n):
            school = SchoolFactory(school_group=world.group)
            c = services.start_cycle(school=school, school_year=world.year, version=version)
            for key in ("ruimte-voor-verandering", "middelen", "afspraken-en-uren"):
                services.plan_step(cycle=c, step_key=key, owner=None, target_date=past)

    add_schools(2)
    with CaptureQueriesContext(connection) as few:
        assert len(services.overdue_steps()) == 6
    add_schools(8)
    with CaptureQueriesContext(connection) as many:
        assert len(services.overdue_steps()) == 30
    assert len(many) == len(few)


def test_self_check_needs_every_answer_on_the_scale(cycle, world):
    answers = {q.key: 3 for q in QUESTIONS}
    check = services.save_self_check(cycle=cycle, moment="start", answers=answers, by=None)
    assert check.answers == answers
    with pytest.raises(ValidationError, match="Answer every statement"):
        services.save_self_check(
            cycle=cycle, moment="end", answers={**answers, QUESTIONS[2].key: 7}, by=None
        )
    assert cycle.self_checks.count() == 1
