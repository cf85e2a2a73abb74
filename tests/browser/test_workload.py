"""The coordinator follows an overloaded person from the dashboard; a reassignment shows up."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from teams.models import Assignment, Budget, Membership, School, SchoolYear
from teams.workload.figures import recalculate
from tests.teams.factories import OwnTaskFactory, SchoolFactory, StaffMemberFactory, appoint

from .conftest import PASSWORD, assert_accessible, log_in


@pytest.fixture
def school(transactional_db):
    school = SchoolFactory(name="Basisschool De Linde")
    for username, kind, first in (
        ("ictco", "coordinator", "Tom"),
        ("directeur", "director", "Sofie"),
    ):
        user = User.objects.create_user(username, password=PASSWORD, first_name=first)
        Membership.objects.create(user=user, kind=kind, school=school)
    tom = appoint(StaffMemberFactory(first_name="Tom", last_name="Janssens"), school)
    lien = appoint(StaffMemberFactory(first_name="Lien", last_name="Maes"), school)
    year = SchoolYear.current()
    for member, hours in ((tom, 20), (lien, 40)):
        Budget.objects.create(
            staff_member=member, school=school, school_year=year, hours_per_year=Decimal(hours)
        )
    for title in ("Netwerk en wifi beheren", "Back-ups opvolgen", "Helpdesk"):
        task = OwnTaskFactory(school=school, title=title, local_hours=Decimal(10))
        Assignment.objects.create(
            school_task=task, school_year=year, kind="responsible", staff_member=tom
        )
    recalculate(list(School.objects.values_list("pk", flat=True)), year)
    return school


def test_dashboard_flags_overload_and_follows_a_reassignment(page: Page, live_server, school):
    log_in(page, live_server, "ictco")
    expect(page.get_by_role("heading", name="Basisschool De Linde")).to_be_visible()
    risks = page.get_by_role("list").filter(has_text="overbelast")
    expect(risks).to_contain_text("Tom Janssens is overbelast: 150% van het budget")
    expect(page.locator("#chart-people")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Tom Janssens is overbelast").click()
    expect(page.get_by_label("Persoon", exact=True)).to_have_value(
        str(school.appointments.get(staff_member__first_name="Tom").staff_member_id)
    )
    expect(page.locator("tbody.task-block")).to_have_count(3)

    page.get_by_role("button", name="Tom afmelden").click()
    log_in(page, live_server, "directeur")
    page.goto(f"{live_server.url}/schools/{school.pk}/")
    block = page.locator("tbody.task-block", has_text="Helpdesk")
    block.get_by_role("link", name="Bewerken").click()
    editor = block.locator(".task-editor form").first
    editor.get_by_label("Personeelslid").select_option(label="Lien Maes")
    editor.get_by_role("button", name="Opslaan").click()
    expect(block.locator("tr.task-row")).to_contain_text("Lien Maes")

    page.get_by_role("button", name="Sofie afmelden").click()
    log_in(page, live_server, "ictco")
    people = page.get_by_role("table", name="Uren per persoon tegenover hun budget")
    expect(people.get_by_role("row", name="Tom Janssens")).to_contain_text("100%")
    expect(people.get_by_role("row", name="Lien Maes")).to_contain_text("25%")
    expect(page.get_by_text("Tom Janssens is overbelast")).to_have_count(0)


def test_dashboard_on_a_phone(page: Page, live_server, school):
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, live_server, "ictco")
    expect(page.get_by_text("persoon overbelast", exact=True)).to_be_visible()  # one: singular
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_director_sets_the_hours_factor_by_keyboard(page: Page, live_server, school, width):
    from django.urls import reverse

    from .test_keyboard import assert_main_fits

    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "directeur")
    page.goto(live_server.url + reverse("teams:workload", args=[school.pk]))
    assert_main_fits(page)
    for _ in range(80):  # through the dashboard to the first field of the hours factor
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "id_size_measure":
            break
    else:
        raise AssertionError("the hours factor form is not reached by Tab")
    page.keyboard.press("ArrowDown")  # -> leerlingen
    page.keyboard.press("Tab")
    page.keyboard.type("2000")
    expect(page.get_by_role("button", name="Urenfactor bewaren")).to_be_visible()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_text("Nu: factor 2, dus een taak van 20 u")).to_be_visible()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "vermenigvuldigd met 2"
    )
    school.refresh_from_db()
    assert (school.size_measure, school.size) == ("pupils", 2000)
    assert_main_fits(page)
    assert_accessible(page)

    # A factor that makes no sense is explained at the field, with what was typed kept.
    page.get_by_label("Of een eigen factor").fill("9")
    page.get_by_label("Of een eigen factor").press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_text("Een factor ligt tussen 0,25 en 4.")).to_be_visible()
    expect(page.get_by_label("Of een eigen factor")).to_have_value("9")
    assert_accessible(page)
