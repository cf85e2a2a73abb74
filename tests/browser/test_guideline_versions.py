"""A platform administrator publishes the step plan in the browser, by keyboard, from the
dead end a fresh install showed; axe finds nothing on any page on the way."""

from __future__ import annotations

import json

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from guidelines.models import GuidelineVersion
from tests.guidelines.conftest import FIXTURES
from tests.teams.factories import SchoolFactory

from .conftest import PASSWORD, assert_no_violations, log_in, tab_to
from .test_guidelines import check_on_a_phone, focused_id


def test_a_platform_administrator_uploads_and_publishes_the_step_plan(
    page: Page, live_server, tmp_path
):
    school = SchoolFactory(name="Basisschool De Linde")
    User.objects.create_superuser("platform", password=PASSWORD)
    broken = tmp_path / "stappenplan-fout.json"
    data = json.loads((FIXTURES / "stappenplan.json").read_text(encoding="utf-8"))
    data["phases"][0]["steps"][0]["items"] = []
    broken.write_text(json.dumps(data), encoding="utf-8")

    log_in(page, live_server, "platform")
    page.goto(f"{live_server.url}/guidelines/schools/{school.pk}/")
    expect(page.get_by_text("Er is nog geen richtlijn gepubliceerd.")).to_be_visible()
    assert_no_violations(page)
    tab_to(page, page.get_by_role("link", name="Het stappenplan opladen en publiceren"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Een versie van een richtlijn opladen")).to_be_visible()
    assert_no_violations(page)
    check_on_a_phone(page)
    # A file with a problem: refused whole, the problem named, focus on the list of problems.
    page.get_by_label("Definitiebestand van de richtlijn (JSON)").set_input_files(broken)
    tab_to(page, page.get_by_role("button", name="Opladen"))
    page.keyboard.press("Enter")
    problems = page.get_by_role("alert")
    expect(problems).to_contain_text("fase 1, stap 1: heeft geen punten")
    expect(problems).to_be_focused()
    assert focused_id(page) == "upload-problems"
    assert_no_violations(page)
    assert not GuidelineVersion.objects.exists()

    # The shipped file, looked over first, then published.
    page.get_by_label("Definitiebestand van de richtlijn (JSON)").set_input_files(
        FIXTURES / "stappenplan.json"
    )
    tab_to(page, page.get_by_role("button", name="Opladen"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(
        "Versie 1 van “Stappenplan ICT-team” is toegevoegd."
    )
    expect(page.get_by_role("heading", name="Nog niet gepubliceerd")).to_be_visible()
    expect(page.get_by_text("Ruimte voor verandering")).to_be_visible()
    assert_no_violations(page)
    check_on_a_phone(page)
    tab_to(page, page.get_by_role("button", name="Versie 1 publiceren"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("gepubliceerd; 0 cycli verplaatst.")
    assert GuidelineVersion.objects.get().is_published
    assert_no_violations(page)

    tab_to(page, page.get_by_role("link", name="Versies van de richtlijnen"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("cell", name="Stappenplan ICT-team")).to_be_visible()
    assert_no_violations(page)
    check_on_a_phone(page)

    # The school's step plan can start now.
    page.goto(f"{live_server.url}/guidelines/schools/{school.pk}/")
    expect(page.get_by_role("button", name="De cyclus starten")).to_be_visible()


def test_the_upload_page_in_english(page: Page, live_server, tmp_path):
    User.objects.create_superuser("platform", password=PASSWORD)
    broken = tmp_path / "plan.json"
    broken.write_text("{", encoding="utf-8")
    log_in(page, live_server, "platform")
    page.goto(f"{live_server.url}/guidelines/versions/upload/")
    page.locator("#language-select").select_option("en")
    page.locator("form:has(#language-select) button[type=submit]").click()
    expect(page.get_by_role("heading", name="Upload a guideline version")).to_be_visible()
    page.get_by_label("Guideline definition file (JSON)").set_input_files(broken)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("The file was refused; nothing changed:")
    assert_no_violations(page)
    assert not GuidelineVersion.objects.exists()
