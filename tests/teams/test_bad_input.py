"""Bad values in a form post or an address: a clear message or no effect, never a 500 and
never half-written data."""

import pytest
from django.apps import apps
from django.urls import reverse

from teams.models import Assignment, StaffImport, StaffMember

from .staff_lists import STAFF, csv_bytes
from .test_staff_import import follow_upload

pytestmark = pytest.mark.django_db

LIMITS = "Geef beide grenzen als gehele percentages."
CONVERSION = "Geef de minuten en de weken als gehele getallen."
BUDGET = "teams:budget_conversion"


def database_state() -> dict[str, list[dict[str, object]]]:
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for label in ("teams", "tasks", "guidelines")
        for model in apps.get_app_config(label).get_models()
    }


def errors_shown(response) -> list[str]:
    messages = list(response.context["messages"])
    assert [m.level_tag for m in messages] == ["error"] * len(messages)
    return [str(m) for m in messages]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("teams:limits", {"busy_from": "veel", "overloaded_above": "120"}, LIMITS),
        ("teams:limits", {"busy_from": "80"}, LIMITS),
        ("teams:limits", {"busy_from": "80,5", "overloaded_above": "120"}, LIMITS),
        ("teams:limits", {"busy_from": "", "overloaded_above": ""}, LIMITS),
        ("teams:limits", {"busy_from": "9" * 30, "overloaded_above": "9" * 30}, None),
        (BUDGET, {"minutes_per_period": "", "weeks_per_year": "37"}, CONVERSION),
        (BUDGET, {"minutes_per_period": "50", "weeks_per_year": "1e2"}, CONVERSION),
        (BUDGET, {"minutes_per_period": "9" * 30, "weeks_per_year": "37"}, None),
    ],
    ids=["word", "missing", "fraction", "empty", "huge", "empty", "exponent", "huge"],
)
def test_a_bad_number_is_refused_with_a_message_and_nothing_changes(
    client, world, name, data, message
):
    client.force_login(world.director)
    before = database_state()
    response = client.post(reverse(name, args=[world.school.pk]), data, follow=True)
    assert response.status_code == 200
    shown = errors_shown(response)
    assert len(shown) == 1
    if message is not None:  # out of range: the limit's own message
        assert shown == [message]
    assert shown[0] in response.content.decode()
    assert database_state() == before


@pytest.mark.parametrize("version", ["twee", "", "-1", "9" * 30])
def test_a_bad_version_removes_no_assignment(client, world, version):
    assignment = Assignment.objects.create(
        school_task=world.tasks[0], school_year=world.year, kind="responsible",
        staff_member=world.staff[0],
    )  # fmt: skip
    client.force_login(world.director)
    before = database_state()
    response = client.post(
        reverse("teams:assignment_remove", args=[world.school.pk, assignment.pk]),
        {"version": version, "confirm": "1"},
    )
    assert response.status_code == 409
    assert "Iemand anders heeft deze toewijzing intussen gewijzigd" in response.content.decode()
    assert database_state() == before


def test_bad_board_filters_are_left_out(client, world):
    client.force_login(world.director)
    url = reverse("teams:board", args=[world.school.pk])
    every_task = shown(client.get(url))
    assert len(every_task) == 4  # school A's three tasks and the group's
    response = client.get(url, {"person": "iemand", "group": "1e3", "year": "twintig"})
    assert response.status_code == 200
    assert shown(response) == every_task


def shown(response):
    return [row.task.pk for s in response.context["sections"] for row in s.rows]


@pytest.mark.parametrize("end", ["iemand", "1.5", "-3", "²"])
def test_a_forged_choice_of_whom_to_end_imports_nothing(client, world, end):
    client.force_login(world.director)
    response = follow_upload(client, world, csv_bytes(STAFF))
    record = response.context["record"]
    fingerprint = response.context["plan"].fingerprint
    before = database_state()
    response = client.post(
        reverse("teams:staff_import_confirm", args=[world.school.pk, record.pk]),
        {"action": "confirm", "fingerprint": fingerprint, "end": [end, str(world.staff[0].pk)]},
        follow=True,
    )
    assert response.status_code == 200
    assert errors_shown(response) == [
        "Wiens aanstelling eindigt, werd niet begrepen: vink ze opnieuw aan."
    ]
    assert database_state() == before
    assert world.staff[0].works_in(world.school)
    assert not StaffMember.objects.filter(email="zoe.vandeputte@school.test").exists()
    assert StaffImport.objects.get(pk=record.pk).status == StaffImport.Status.PREVIEW
