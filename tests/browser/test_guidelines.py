"""A pilot school's coordinator ticks step 1 by keyboard; the department sees it in the pilot."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from guidelines.definitions import load_file
from guidelines.models import Pilot
from guidelines.services import start_cycle
from teams.models import Membership, SchoolYear
from tests.guidelines.conftest import FIXTURES
from tests.teams.factories import SchoolFactory, StaffMemberFactory, appoint

from .conftest import PASSWORD, assert_no_violations, log_in, tab_to


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def check_on_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_violations(page)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def pilot(transactional_db):
    school = SchoolFactory(name="Basisschool De Linde")
    version = load_file((FIXTURES / "stappenplan.json").read_bytes(), publish=True).version
    year = SchoolYear.current()
    start_cycle(school=school, school_year=year, version=version)
    pilot = Pilot.objects.create(
        name="Pilot ICT-team", starts_on=year.starts_on, ends_on=year.ends_on, version=version
    )
    pilot.schools.add(school)
    coordinator = User.objects.create_user("ictco", password=PASSWORD, first_name="Tom")
    Membership.objects.create(user=coordinator, kind="coordinator", school=school)
    appoint(StaffMemberFactory(first_name="Tom", last_name="Janssens", user=coordinator), school)
    department = User.objects.create_user("departement", password=PASSWORD)
    Membership.objects.create(user=department, kind="department")
    return pilot


def test_coordinator_ticks_step_one_by_keyboard_and_the_department_sees_it(
    page: Page, live_server, pilot
):
    log_in(page, live_server, "ictco")
    tab_to(page, page.get_by_role("link", name="Stappenplan", exact=True).first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Stap 1. Ruimte voor verandering")).to_be_visible()
    phase = page.locator("#phase-progress-enthousiasme-en-plan progress")
    expect(phase).to_have_attribute("value", "0")
    assert_no_violations(page)

    # Tick the first item: focus stays on its button, the progress moves.
    tick = page.locator("#tick-directie-steunt-teamaanpak")
    tab_to(page, tick)
    page.keyboard.press("Enter")
    expect(page.locator("#item-directie-steunt-teamaanpak .state-badge")).to_have_text("klaar")
    expect(phase).to_have_attribute("value", "14")
    assert focused_id(page) == "tick-directie-steunt-teamaanpak"

    # The second item with a note, then ticked.
    item = page.locator("#item-huidige-situatie-besproken")
    tab_to(page, item.locator("summary"))
    page.keyboard.press("Enter")
    tab_to(page, item.get_by_label("Opmerking"))
    page.keyboard.type("Besproken op de personeelsvergadering van 3 september.")
    tab_to(page, item.get_by_role("button", name="Opslaan"))
    page.keyboard.press("Enter")
    expect(item).to_contain_text("Besproken op de personeelsvergadering van 3 september.")
    assert focused_id(page) == "save-huidige-situatie-besproken"
    tab_to(page, page.locator("#tick-huidige-situatie-besproken"))
    page.keyboard.press("Enter")
    expect(phase).to_have_attribute("value", "29")
    expect(page.locator("#step-progress-ruimte-voor-verandering progress")).to_have_attribute(
        "value", "67"
    )
    assert focused_id(page) == "tick-huidige-situatie-besproken"
    assert_no_violations(page)
    check_on_a_phone(page)

    page.context.clear_cookies()
    log_in(page, live_server, "departement")
    expect(page.get_by_role("heading", name="Pilot ICT-team")).to_be_visible()
    row = page.get_by_role("row", name="Basisschool De Linde")
    expect(row.locator("td").nth(1)).to_contain_text("bezig")
    expect(page.get_by_text("Tom")).to_have_count(0)
    assert_no_violations(page)
    check_on_a_phone(page)


def test_step_plan_and_pilot_pages_in_english_have_no_violations(page: Page, live_server, pilot):
    school = pilot.schools.get()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    log_in_en(page, live_server, "ictco")
    page.goto(f"{live_server.url}/guidelines/schools/{school.pk}/")
    expect(page.get_by_role("heading", name="Step 1. Room for change")).to_be_visible()
    assert_no_violations(page)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    log_in_en(page, live_server, "departement")
    expect(page.get_by_role("heading", name="Schools and steps")).to_be_visible()
    assert_no_violations(page)


def log_in_en(page: Page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
