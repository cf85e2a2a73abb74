"""Staff over a school group's schools, and two managers editing the same person."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from teams.models import Appointment, Budget, Membership, SchoolYear
from tests.teams.factories import SchoolFactory, SchoolGroupFactory, StaffMemberFactory, appoint

from .conftest import PASSWORD, assert_accessible, log_in


@pytest.fixture
def group(transactional_db):
    group = SchoolGroupFactory(name="Scholengroep Rivierenland")
    linde = SchoolFactory(name="Basisschool De Linde", school_group=group)
    zuid = SchoolFactory(name="Campus Zuid", school_group=group)
    for username, kind, school in (
        ("directeur", "director", linde),
        ("ictco", "coordinator", linde),
        ("directeur.zuid", "director", zuid),
    ):
        user = User.objects.create_user(username, password=PASSWORD, first_name=username)
        Membership.objects.create(user=user, kind=kind, school=school)
    admin = User.objects.create_user("beheer", password=PASSWORD, first_name="Bea")
    Membership.objects.create(user=admin, kind="group_admin", school_group=group)
    appoint(StaffMemberFactory(first_name="Bram", last_name="Jacobs", email="bram@zuid.test"), zuid)
    lien = appoint(StaffMemberFactory(first_name="Lien", last_name="Maes"), linde)
    Budget.objects.create(
        staff_member=lien, school=linde, school_year=SchoolYear.current(), hours_per_year=40
    )
    return group


def test_a_director_cannot_use_a_sister_schools_address(page: Page, live_server, group):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "directeur")
    page.get_by_role("link", name="Personeel", exact=True).click()
    page.get_by_label("Voornaam").fill("Iemand")
    page.get_by_label("Achternaam").fill("Anders")
    page.get_by_label("E-mail").fill("bram@zuid.test")
    page.get_by_label("E-mail").press("Enter")
    expect(page.get_by_text("Dit e-mailadres kan hier niet gebruikt worden")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Bram")
    assert_accessible(page)


def test_the_group_administrator_links_a_person_by_keyboard(page: Page, live_server, group):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "beheer")
    page.get_by_role("link", name="Scholengroep Rivierenland").click()
    expect(
        page.get_by_role("heading", name="Een personeelslid in een andere school")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Personeelslid").select_option(label="Bram Jacobs (Campus Zuid)")
    page.get_by_label("Werkt ook in").select_option(label="Basisschool De Linde")
    page.get_by_label("Functie daar").focus()
    page.keyboard.press("Tab")
    submit = page.get_by_role("button", name="Aan die school toevoegen")
    expect(submit).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Bram Jacobs werkt nu ook in Basisschool De Linde.")).to_be_visible()
    assert Appointment.objects.filter(
        staff_member__first_name="Bram", school__name="Basisschool De Linde"
    ).exists()


def test_the_second_of_two_managers_keeps_their_input(
    browser: Browser, page: Page, live_server, group
):
    other = browser.new_context(locale="nl-BE", reduced_motion="reduce").new_page()
    for tab, username in ((page, "directeur"), (other, "ictco")):
        log_in(tab, live_server, username)
        tab.get_by_role("link", name="Personeel", exact=True).click()
        tab.get_by_role("link", name="Lien Maes").click()
        tab.get_by_role("link", name="Bewerken").click()
    other.get_by_label("ICT-budget").fill("60")
    other.get_by_role("button", name="Opslaan").click()
    expect(other.get_by_role("status")).to_contain_text("Opgeslagen.")

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_label("ICT-budget").fill("80")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert").first).to_contain_text("Nu opgeslagen")
    expect(page.get_by_text("Iemand anders heeft Lien Maes intussen gewijzigd")).to_be_visible()
    expect(page.get_by_label("ICT-budget")).to_have_value("80")
    assert Budget.objects.get().hours_per_year == Decimal(60)
    assert_accessible(page)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Opgeslagen.")
    assert Budget.objects.get().hours_per_year == Decimal(80)
    other.context.close()
