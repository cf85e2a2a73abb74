"""Every URL that names an object answers alike for another school's object and for none.

A different answer for "not yours" and "not there" (a redirect for one, a
404 for the other) tells an outsider which ids exist. The walk reads the
URL patterns themselves, so a new URL with an id is covered, or fails here
until its parameter is described in ``objects()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.urls import URLPattern, get_resolver, reverse

from guidelines.definitions import load_file
from guidelines.models import Pilot, SelfCheck
from guidelines.services import start_cycle
from teams.models import (
    Assignment,
    Invitation,
    Membership,
    Occurrence,
    Reminder,
    ReminderSettings,
    Schedule,
    StaffImport,
)

from ..guidelines.conftest import definition, dump
from .factories import SchoolGroupFactory

pytestmark = pytest.mark.django_db

ABSENT = 987_654_321
NAMESPACES = ("teams", "tasks", "guidelines")


@dataclass(frozen=True)
class Ids:
    own: int | str
    # None: the object is shared by every school (the catalogue, a guideline's keys)
    foreign: int | str | None


def id_patterns() -> list[tuple[str, list[str]]]:
    """Every named URL of the apps with its parameters, in declaration order."""
    found = []
    resolver = get_resolver()
    for namespace in NAMESPACES:
        _prefix, sub = resolver.namespace_dict[namespace]
        for pattern in sub.url_patterns:
            assert isinstance(pattern, URLPattern)
            params = list(pattern.pattern.converters)
            if params:
                found.append((f"{namespace}:{pattern.name}", params))
    return found


def objects(world) -> dict[str, Ids]:
    own = Assignment.objects.create(
        school_task=world.tasks[0], school_year=world.year, kind="responsible",
        staff_member=world.staff[0],
    )  # fmt: skip
    foreign = Assignment.objects.create(
        school_task=world.other_task, school_year=world.year, kind="responsible",
        staff_member=world.other_staff,
    )  # fmt: skip
    occurrences = []
    for task in (world.tasks[0], world.other_task):
        schedule = Schedule.objects.create(
            school_task=task, rhythm="once", anchor=date(2026, 10, 1)
        )
        occurrences.append(
            Occurrence.objects.create(
                schedule=schedule, school_task=task, due_on=date(2026, 10, 1),
                remind_on=date(2026, 9, 24),
            )
        )  # fmt: skip
    # A reminder is a person's own: "another's" is a sister-school colleague's.
    reminder = Reminder.objects.create(
        staff_member=world.other_staff, kind="due", key="k", title="t", occurrence=occurrences[1]
    )
    token = ReminderSettings.objects.create(staff_member=world.staff[0]).feed_token
    invitations = [
        Invitation.objects.create(
            kind="staff", school=school, staff_member=member, email=member.email or "x@school.test"
        )
        for school, member in ((world.school, world.staff[0]), (world.other, world.other_staff))
    ]
    imports = [
        StaffImport.objects.create(school=school, file_name="p.csv", status="preview")
        for school in (world.school, world.other)
    ]
    version = load_file(dump(definition()), publish=True).version
    cycles = [
        start_cycle(school=school, school_year=world.year, version=version)
        for school in (world.school, world.other)
    ]
    # A pilot is its schools' group's: "another's" follows schools of another group.
    pilots = []
    for school in (world.school, Membership.objects.get(user=world.stranger).school):
        pilot = Pilot.objects.create(
            name=f"Pilot {school}", starts_on=world.year.starts_on, ends_on=world.year.ends_on,
            version=version,
        )  # fmt: skip
        pilot.schools.add(school)
        pilots.append(pilot)
    return {
        "invitation_id": Ids(invitations[0].pk, invitations[1].pk),
        "import_id": Ids(imports[0].pk, imports[1].pk),
        "occurrence_id": Ids(occurrences[0].pk, occurrences[1].pk),
        "reminder_id": Ids(reminder.pk, reminder.pk),
        # The feed's address is its secret: any valid one is its owner's, so only "not there".
        "token": Ids(token, None),
        "school_id": Ids(world.school.pk, world.other.pk),
        "task_id": Ids(world.tasks[0].pk, world.other_task.pk),
        "assignment_id": Ids(own.pk, foreign.pk),
        "member_id": Ids(world.staff[0].pk, world.other_staff.pk),
        "group_id": Ids(world.group.pk, SchoolGroupFactory().pk),
        "pk": Ids(1, None),  # catalogue tasks and imports: shared, only "not there"
        "cycle_id": Ids(cycles[0].pk, cycles[1].pk),
        # A guideline version's keys are the same in every school's cycle: only "not there".
        "item_key": Ids(version.items.first().key, None),
        "step_key": Ids(version.steps.first().key, None),
        "moment": Ids(SelfCheck.Moment.START, None),
        "pilot_id": Ids(pilots[0].pk, pilots[1].pk),
        # Guideline versions are shared by every school; only platform administrators open
        # them, so only "not there".
        "version_id": Ids(version.pk, None),
    }


def actor(world, params: list[str]) -> User:
    """Someone who may use the URL with the own ids: the director of school A (also a
    catalogue maintainer), for a school group's page or a pilot its administrator, for a
    guideline version a platform administrator."""
    if "group_id" in params or "pilot_id" in params:
        return world.group_admin
    if "version_id" in params:
        return User.objects.create_user("platform", is_staff=True)
    world.director.user_permissions.add(Permission.objects.get(codename="import_catalogue"))
    return User.objects.get(pk=world.director.pk)


def database_state() -> dict[str, list[dict[str, object]]]:
    """Every row of the apps, every field: a write anywhere shows."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for label in ("teams", "tasks", "guidelines")
        for model in apps.get_app_config(label).get_models()
    }


# A guideline version's keys are the same in every school's cycle, so a missing one gives
# nothing away: the cycle's page says the item or step is not in the guideline.
GUIDELINE_KEYS = {"item_key", "step_key"}


def refused_on_the_cycle_page(response, own: dict[str, int | str]) -> None:
    cycle = reverse("guidelines:cycle", args=[own["school_id"], own["cycle_id"]])
    assert response["Location"].startswith(cycle)
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]


def test_every_id_parameter_is_described(world):
    described = objects(world)
    for name, params in id_patterns():
        assert set(params) <= set(described), f"{name}: describe {params} in objects()"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("name", "params"), id_patterns(), ids=[name for name, _ in id_patterns()])
def test_another_schools_id_and_a_missing_id_get_the_same_answer(
    client, world, method, name, params
):
    ids = objects(world)
    client.force_login(actor(world, params))
    before = database_state()
    for param in params:
        own = {p: ids[p].own for p in params}
        answers = {}
        for label, value in (("absent", ABSENT), ("foreign", ids[param].foreign)):
            if value is None:
                continue
            url = reverse(name, kwargs={**own, param: value})
            response = getattr(client, method)(url)
            answers[label] = response.status_code
            if param in GUIDELINE_KEYS and response.status_code == 302:
                refused_on_the_cycle_page(response, own)
                answers[label] = 404
        assert len(set(answers.values())) == 1, f"{method.upper()} {name} {param}: {answers}"
        # 405: a page that only takes POST (or only GET) refuses the other method before it
        # looks anything up.
        assert answers["absent"] in (404, 405), f"{method.upper()} {name} {param}: {answers}"
    assert database_state() == before


def test_removing_a_missing_assignment_is_not_found(client, world):
    client.force_login(world.director)
    url = reverse("teams:assignment_remove", args=[world.school.pk, ABSENT])
    assert client.post(url, {"version": "1"}).status_code == 404
