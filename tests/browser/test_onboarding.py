"""A director imports the staff list and invites one person, who sets a password and lands
on "my tasks": by keyboard only, with no axe violations of any impact, on a desktop and a
390 px phone."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import Page, expect

from teams.models import Membership, Role, StaffMember
from tests.teams.factories import SchoolFactory, StaffMemberFactory, appoint

from .conftest import PASSWORD, assert_no_violations, tab_to

STAFF_CSV = (
    "Voornaam;Familienaam;E-mailadres;Ambt\r\n"
    "Zoë;Vandeputte;zoe.vandeputte@delinde.test;Leraar lager onderwijs\r\n"
    "Jonas;Peeters;jonas.peeters@delinde.test;Leraar lager onderwijs\r\n"
).encode("cp1252")


@pytest.fixture
def school(transactional_db):
    Role.objects.ensure_standard()
    school = SchoolFactory(name="Basisschool De Linde", school_group=None)
    director = User.objects.create_user("directeur", password=PASSWORD, first_name="Sofie")
    Membership.objects.create(user=director, kind="director", school=school)
    appoint(StaffMemberFactory(first_name="Sofie", last_name="Peeters", user=director), school)
    return school


def focus_starts_at_the_top(page: Page) -> None:
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text(re.compile("inhoud"))
    page.keyboard.press("Shift+Tab")


@pytest.mark.parametrize("width", [1280, 390])
def test_import_invite_and_first_login_by_keyboard(page: Page, live_server, school, width):
    page.set_viewport_size({"width": width, "height": 900})
    mail.outbox.clear()

    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_label("Gebruikersnaam")).to_be_focused()  # autofocus
    page.keyboard.type("directeur")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Basisschool De Linde")).to_be_visible()

    tab_to(page, page.get_by_role("link", name="Personeel", exact=True))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Een personeelslijst importeren"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="De personeelslijst importeren")).to_be_visible()
    focus_starts_at_the_top(page)
    assert_no_violations(page)

    tab_to(page, page.get_by_label("Personeelslijst"))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(
        files=[{"name": "personeel.csv", "mimeType": "text/csv", "buffer": STAFF_CSV}]
    )
    tab_to(page, page.get_by_role("button", name="Toon het voorbeeld"))
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="Voorbeeld: er is nog niets opgeslagen")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Wat de import wijzigt")).to_contain_text(
        "zoe.vandeputte@delinde.test"
    )
    assert not StaffMember.objects.filter(email="zoe.vandeputte@delinde.test").exists()
    assert_no_violations(page)

    tab_to(page, page.get_by_role("button", name="Import bevestigen"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("2 toegevoegd")
    expect(page.get_by_role("table")).to_contain_text("Zoë Vandeputte")
    assert_no_violations(page)

    tab_to(page, page.get_by_role("link", name="Zoë Vandeputte"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Zoë Vandeputte")).to_be_visible()
    assert_no_violations(page)
    tab_to(page, page.get_by_role("button", name="zoe.vandeputte@delinde.test uitnodigen"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("uitnodiging verstuurd")
    expect(page.get_by_role("button", name="Uitnodiging intrekken")).to_be_visible()
    assert_no_violations(page)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zoe.vandeputte@delinde.test"]
    link = re.search(r"https?://\S+/welcome/\S+/", message.body).group(0)
    page.context.clear_cookies()

    page.goto(link)
    expect(page.get_by_role("heading", name="Welkom bij ICT-team")).to_be_visible()
    assert_no_violations(page)
    expect(
        page.get_by_role("textbox", name=re.compile(r"^Nieuw wachtwoord\*?$"))
    ).to_be_focused()  # autofocus
    page.keyboard.type("Zonnige-Speelplaats-42")
    tab_to(page, page.get_by_role("textbox", name=re.compile("^Nieuw wachtwoord bevestigen")))
    page.keyboard.type("Zonnige-Speelplaats-42")
    tab_to(page, page.get_by_role("button", name="Mijn account aanmaken"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Mijn ICT-taken")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Welkom")
    assert_no_violations(page)

    zoe = StaffMember.objects.get(email="zoe.vandeputte@delinde.test")
    assert zoe.user is not None and zoe.user.check_password("Zonnige-Speelplaats-42")
    page.goto(link)
    expect(page.get_by_text("al gebruikt")).to_be_visible()
