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
from django.urls import URLPattern, get_resolver, reverse

from teams.models import (
    Assignment,
    Invitation,
    Occurrence,
    Reminder,
    ReminderSettings,
    Schedule,
    StaffImport,
)

from .factories import SchoolGroupFactory

pytestmark = pytest.mark.django_db

ABSENT = 987_654_321
NAMESPACES = ("teams", "tasks")


@dataclass(frozen=True)
class Ids:
    own: int
    foreign: int | None  # None: the object is shared by every school (the catalogue)


def id_patterns() -> list[tuple[str, list[str]]]:
    """Every named URL of the apps with its integer parameters, in declaration order."""
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
    return {
        "invitation_id": Ids(invitations[0].pk, invitations[1].pk),
        "import_id": Ids(imports[0].pk, imports[1].pk),
        "occurrence_id": Ids(occurrences[0].pk, occurrences[1].pk),
        "reminder_id": Ids(reminder.pk, reminder.pk),
        # The feed's address is its secret: any valid one is its owner's, so only "not there".
        "token": Ids(token, None),  # type: ignore[arg-type]
        "school_id": Ids(world.school.pk, world.other.pk),
        "task_id": Ids(world.tasks[0].pk, world.other_task.pk),
        "assignment_id": Ids(own.pk, foreign.pk),
        "member_id": Ids(world.staff[0].pk, world.other_staff.pk),
        "group_id": Ids(world.group.pk, SchoolGroupFactory().pk),
        "pk": Ids(1, None),  # catalogue tasks and imports: shared, only "not there"
    }


def actor(world, params: list[str]) -> User:
    """Someone who may use the URL with the own ids: the director of school A (also a
    catalogue maintainer), or for a school group's page its administrator."""
    if "group_id" in params:
        return world.group_admin
    world.director.user_permissions.add(Permission.objects.get(codename="import_catalogue"))
    return User.objects.get(pk=world.director.pk)


def database_state() -> dict[str, int]:
    state = {}
    for label in ("teams", "tasks", "guidelines"):
        for model in apps.get_app_config(label).get_models():
            state[model._meta.label] = model._default_manager.count()
    state["assignment versions"] = sum(Assignment.objects.values_list("version", flat=True))
    return state


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
        assert len(set(answers.values())) == 1, f"{method.upper()} {name} {param}: {answers}"
        # 405: a page that only takes POST (or only GET) refuses the other method before it
        # looks anything up.
        assert answers["absent"] in (404, 405), f"{method.upper()} {name} {param}: {answers}"
    assert database_state() == before


def test_removing_a_missing_assignment_is_not_found(client, world):
    client.force_login(world.director)
    url = reverse("teams:assignment_remove", args=[world.school.pk, ABSENT])
    assert client.post(url, {"version": "1"}).status_code == 404
