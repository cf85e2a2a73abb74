"""Staff imports at the same moment on a real PostgreSQL: every person added once."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from teams.models import StaffImport, StaffMember
from teams.staff import services
from teams.staff import staff_import as importing
from teams.staff.staff_file import read_staff
from tests.test_postgres import at_once

from .conftest import world  # noqa: F401  (the cast of the teams tests)
from .staff_lists import many

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def people() -> int:
    return StaffMember.objects.filter(email__startswith="persoon.").count()


def test_a_double_click_on_confirm_imports_the_list_once(world):  # noqa: F811
    """The attack: a double click on confirm gave 59 people for 30 rows."""
    record = importing.start_import(
        school=world.school, data=many(50), file_name="p.csv", user=world.director
    )
    fingerprint = importing.preview(record).fingerprint
    url = reverse("teams:staff_import_confirm", args=[world.school.pk, record.pk])
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(world.director)

    def click(client: Client) -> object:
        return client.post(url, {"action": "confirm", "fingerprint": fingerprint})

    results = at_once(*[lambda c=c: click(c) for c in clients])
    assert [r.status_code for r in results] == [302, 302], results  # type: ignore[union-attr]
    assert people() == 50
    targets = sorted(r["Location"] for r in results)  # type: ignore[index]
    assert targets == sorted(
        [reverse("teams:staff", args=[world.school.pk]), record.get_absolute_url()]
    )
    assert StaffImport.objects.get(pk=record.pk).status == StaffImport.Status.APPLIED


def test_two_previews_of_one_list_confirmed_at_once_import_it_once(world):  # noqa: F811
    """The attack: two previews confirmed at once gave 85 people for 50 rows."""
    records = [
        importing.start_import(school=world.school, data=many(50), file_name="p.csv", user=None)
        for _ in range(2)
    ]
    fingerprints = [importing.preview(record).fingerprint for record in records]

    def confirm(index: int) -> object:
        return importing.confirm_import(record=records[index], fingerprint=fingerprints[index])

    results = at_once(lambda: confirm(0), lambda: confirm(1))
    assert sum(isinstance(r, importing.PlanChanged) for r in results) == 1, results
    assert people() == 50


def test_two_imports_applied_at_once_add_each_person_once(world):  # noqa: F811
    parsed = read_staff(many(50), "p.csv")

    def apply() -> object:
        return importing.apply_import(school=world.school, parsed=parsed)

    results = at_once(apply, apply)
    assert sorted(len(plan.new) for plan in results) == [0, 50], results  # type: ignore[union-attr]
    assert people() == 50


def test_two_import_commands_at_once_add_each_person_once(world, tmp_path):  # noqa: F811
    """The attack: two import_staff runs at once gave 93 people for 50 rows."""
    path = tmp_path / "personeel.csv"
    path.write_bytes(many(50))

    def run() -> object:
        out = io.StringIO()
        call_command(
            "import_staff", "--school", str(world.school.pk), str(path), "--json", stdout=out
        )
        return out.getvalue()

    results = at_once(run, run)
    assert not [r for r in results if isinstance(r, BaseException)], results
    created = sorted(int(str(r).split('"created": ')[1].split(",")[0]) for r in results)
    assert created == [0, 50]
    assert people() == 50


def test_one_address_added_in_two_sister_schools_at_once_is_one_person(world):  # noqa: F811
    def add(school: object) -> object:
        return services.add_staff_member(
            school=school,
            first_name="Nieuw",
            last_name="Persoon",
            email="nieuw@g.test",  # type: ignore[arg-type]
        )

    results = at_once(lambda: add(world.school), lambda: add(world.other))
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert StaffMember.objects.filter(email="nieuw@g.test").count() == 1
