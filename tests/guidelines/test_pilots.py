"""The pilot overview: its matrix, what it leaves out, its query count and its export."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from guidelines import services
from guidelines.definitions import load_file
from guidelines.models import Pilot, Progress
from teams.models import Budget
from tests.teams.factories import SchoolFactory, SchoolGroupFactory

from .conftest import definition, dump

pytestmark = pytest.mark.django_db
State = Progress.State


@pytest.fixture
def pilot(world, version, cycle):
    pilot = Pilot.objects.create(
        name="Pilot 2026", starts_on=world.year.starts_on, ends_on=world.year.ends_on,
        version=version,
    )  # fmt: skip
    pilot.schools.add(world.school, world.other)
    return pilot


def overview(client, user, pilot, **params):
    client.force_login(user)
    return client.get(reverse("guidelines:pilot", args=[pilot.pk]), params)


def test_matrix_shows_state_and_date_per_school_and_step(client, world, department, pilot, cycle):
    services.record_item(cycle=cycle, item_key="directie-steunt-teamaanpak", by=world.coordinator,
                         state=State.DONE)  # fmt: skip
    response = overview(client, department, pilot)
    matrix = response.context["matrix"]
    rows = {row.school.name: row for row in matrix.rows}
    assert set(rows) == {"School A", "School B"}
    assert rows["School A"].cells[0].state == State.IN_PROGRESS
    assert rows["School A"].cells[0].last_change is not None
    assert rows["School A"].cells[1].state == State.OPEN
    assert rows["School B"].cycle is None
    page = response.content.decode()
    assert "niet gestart" in page or "not started" in page


def test_the_department_sees_no_names_budgets_or_workload(client, world, department, pilot, cycle):
    Budget.objects.create(staff_member=world.staff[0], school=world.school,
                          school_year=world.year, hours_per_year=Decimal("1987.65"))  # fmt: skip
    world.coordinator.first_name, world.coordinator.last_name = "Tomas", "Vandersteen"
    world.coordinator.save()
    services.record_item(cycle=cycle, item_key="kernteam-samengesteld", by=world.coordinator,
                         state=State.DONE, note="Gedeelde notitie")  # fmt: skip
    services.plan_step(cycle=cycle, step_key="middelen", owner=world.staff[1], target_date=None)
    services.set_sharing(cycle=cycle, shares_notes=True)
    page = overview(client, department, pilot).content.decode()
    assert "Gedeelde notitie" in page
    # The budget in a form no token or id can hold by chance ("123" sometimes stood in one).
    for secret in ("Vandersteen", "Tomas", "Ann", "Bert", "1987,65", "1987.65", "1.987,65"):
        assert secret not in page, secret
    for url in (reverse("teams:board", args=[world.school.pk]),
                reverse("teams:workload", args=[world.school.pk]),
                reverse("teams:staff", args=[world.school.pk]),
                reverse("guidelines:cycle", args=[world.school.pk, cycle.pk])):  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_notes_show_only_when_the_school_agreed_to_share(client, world, department, pilot, cycle):
    services.record_item(cycle=cycle, item_key="kernteam-samengesteld", by=None,
                         state=State.IN_PROGRESS, note="Interne notitie")  # fmt: skip
    assert "Interne notitie" not in overview(client, department, pilot).content.decode()
    services.set_sharing(cycle=cycle, shares_notes=True)
    assert "Interne notitie" in overview(client, department, pilot).content.decode()


def test_stuck_steps_and_reasons_for_not_applicable(
    client, world, department, pilot, cycle, version
):
    other = services.start_cycle(school=world.other, school_year=world.year, version=version)
    for c in (cycle, other):
        services.record_item(cycle=c, item_key="selfie-afgenomen", by=None,
                             state=State.NOT_APPLICABLE,
                             reason=f"Reden {c.school.name}")  # fmt: skip
        services.set_sharing(cycle=c, shares_notes=True)
    services.plan_step(cycle=cycle, step_key="middelen", owner=None,
                       target_date=timezone.localdate() - timedelta(days=1))  # fmt: skip
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        services.record_item(cycle=other, item_key="ict-uren-in-kaart", by=None,
                             state=State.IN_PROGRESS)  # fmt: skip
    matrix = overview(client, department, pilot).context["matrix"]
    trouble = {s.step.key: s for s in matrix.trouble}
    assert [s.name for s in trouble["middelen"].stuck] == ["School A", "School B"]
    assert trouble["pedagogische-visie"].not_applicable == 2
    assert sorted(r.reason for r in trouble["pedagogische-visie"].reasons) == [
        "Reden School A", "Reden School B",
    ]  # fmt: skip
    assert matrix.trouble[0].step.key in ("middelen", "pedagogische-visie")
    assert "ruimte-voor-verandering" not in trouble


def test_a_school_that_stopped_sharing_shows_how_many_items_do_not_apply_but_not_why(
    client, world, department, pilot, cycle
):
    services.set_sharing(cycle=cycle, shares_notes=True)
    services.record_item(cycle=cycle, item_key="selfie-afgenomen", by=None,
                         state=State.NOT_APPLICABLE, reason="Geheime reden")  # fmt: skip
    services.record_item(cycle=cycle, item_key="kernteam-samengesteld", by=None,
                         state=State.IN_PROGRESS, note="Interne notitie",
                         link="https://intern.example/plan")  # fmt: skip
    assert "Geheime reden" in overview(client, department, pilot).content.decode()
    services.set_sharing(cycle=cycle, shares_notes=False)  # the school stops sharing

    for who in (department, world.group_admin):
        response = overview(client, who, pilot)
        page = response.content.decode()
        for secret in ("Geheime reden", "Interne notitie", "intern.example"):
            assert secret not in page, (who, secret)
        # What the sharing page says stays visible: states, dates, how many do not apply.
        summary = {s.step.key: s for s in response.context["matrix"].trouble}["pedagogische-visie"]
        assert (summary.not_applicable, summary.reasons) == (1, [])
        assert "1 punt niet van toepassing" in page
        assert "De reden voor 1 ervan wordt niet gedeeld." in page
        row = response.context["matrix"].rows[0]
        assert row.school == world.school and row.cells[0].last_change is not None

    client.force_login(department)
    export = client.get(reverse("guidelines:pilot_export", args=[pilot.pk]))
    book = load_workbook(BytesIO(export.content))
    values = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
              for c in row if c is not None]  # fmt: skip
    assert not [v for v in values if "Geheime" in v or "Interne" in v or "intern.example" in v]
    trouble = list(book.worksheets[1].iter_rows(values_only=True))[1:]
    assert [(r[1], r[2]) for r in trouble if r[0].startswith("2. ")] == [(0, 1)]
    assert list(book.worksheets[2].iter_rows(values_only=True))[1:] == []


def test_the_sharing_page_says_what_the_overview_always_shows_and_what_sharing_adds(
    client, world, cycle
):
    client.force_login(world.director)
    page = client.get(reverse("guidelines:cycle", args=[world.school.pk, cycle.pk]))
    text = page.content.decode()
    assert "Onze notities, links en redenen delen met het pilootproject" in text
    assert (
        "het overzicht van het pilootproject voor het departement en de scholengroep toont hoe "
        "ver elke stap staat: de toestand, de datum van de laatste wijziging, of de stap "
        "vastzit, en hoeveel punten je als niet van toepassing aanduidde. Als je deelt, toont "
        "het ook je notities, je links en waarom een punt niet van toepassing is."
    ) in text


def test_filters_by_school_group_and_phase(client, world, department, pilot, version):
    far = SchoolFactory(name="School Ver", school_group=SchoolGroupFactory(name="Groep Ver"))
    pilot.schools.add(far)
    matrix = overview(client, department, pilot, group=far.school_group_id,
                      phase="mensen-en-middelen").context["matrix"]  # fmt: skip
    assert [r.school.name for r in matrix.rows] == ["School Ver"]
    assert [s.key for s in matrix.steps] == ["wie-neemt-welke-taken", "uitbesteden", "middelen"]
    assert len(matrix.rows[0].cells) == 3


def test_a_group_administrator_sees_only_their_own_schools(client, world, pilot):
    far = SchoolFactory(name="School Ver", school_group=SchoolGroupFactory(name="Groep Ver"))
    pilot.schools.add(far)
    names = [
        r.school.name for r in overview(client, world.group_admin, pilot).context["matrix"].rows
    ]
    assert names == ["School A", "School B"]
    # A group the administrator does not run cannot be asked for either.
    matrix = overview(client, world.group_admin, pilot, group=far.school_group_id).context["matrix"]
    assert [r.school.name for r in matrix.rows] == ["School A", "School B"]


def _bigger_version():
    data = definition()
    data["version"]["number"] = 5
    for n in range(6):
        data["phases"][2]["steps"].append({
            "key": f"extra-{n}", "title": {"nl": f"Extra {n}"},
            "items": [{"key": f"extra-{n}-{i}", "title": {"nl": f"Item {i}"}} for i in range(4)],
        })  # fmt: skip
    return load_file(dump(data), publish=True).version


def test_pilot_overview_query_count_is_constant_in_schools_and_steps(
    client, world, department, pilot, version
):
    def count(p):
        client.force_login(department)
        url = reverse("guidelines:pilot", args=[p.pk])
        client.get(url)  # warm up the session and the school years
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count(pilot)
    for n in range(12):
        school = SchoolFactory(school_group=world.group)
        c = services.start_cycle(school=school, school_year=world.year, version=version)
        services.record_item(cycle=c, item_key="kernteam-samengesteld", by=None, state=State.DONE,
                             note=f"Notitie {n}")  # fmt: skip
        services.set_sharing(cycle=c, shares_notes=True)
        pilot.schools.add(school)
    bigger = _bigger_version()  # moves every cycle onto a version with 14 steps
    pilot.version = bigger
    pilot.save()
    assert count(pilot) == small


def test_export_holds_everything_and_is_formula_safe(client, world, department, pilot, cycle):
    services.set_sharing(cycle=cycle, shares_notes=True)
    services.record_item(cycle=cycle, item_key="selfie-afgenomen", by=None,
                         state=State.NOT_APPLICABLE,
                         reason="=HYPERLINK(\"http://evil\")")  # fmt: skip
    services.record_item(cycle=cycle, item_key="kernteam-samengesteld", by=None,
                         state=State.DONE, note="+cmd|' /C calc'!A0")  # fmt: skip
    client.force_login(department)
    response = client.get(reverse("guidelines:pilot_export", args=[pilot.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert len(book.sheetnames) == 4
    steps = list(book.worksheets[0].iter_rows(values_only=True))
    assert steps[0][3].startswith("1. ")
    assert {r[0] for r in steps[1:]} == {"School A", "School B"}
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    dangerous = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in dangerous} >= {'=HYPERLINK("http://evil")', "+cmd|' /C calc'!A0"}
    assert all(c.data_type == "s" and c.quotePrefix for c in dangerous)
