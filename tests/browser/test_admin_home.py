"""The platform administrator's home on an empty install: it says what to create first,
creates the first school by keyboard, and keeps "new school" and "new school group" at hand
once there is one; no axe violation of any impact, nothing wider than the window, on a
desktop and a 390 px phone, in Dutch and English."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import Page, expect

from teams.models import School

from .conftest import PASSWORD, assert_no_violations, log_in, tab_to


def fits(page: Page) -> None:
    """Nothing scrolls sideways, and no control sticks out of the window."""
    wider = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert wider <= 0, f"the page scrolls sideways by {wider} px"
    cut = page.evaluate(
        """() => [...document.querySelectorAll('main a, main button')]
            .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth)
            .map(el => el.textContent.trim())"""
    )
    assert cut == [], f"cut off at the right: {cut}"


def menu_items(page: Page, width: int) -> list[str]:
    if width < 768:  # the menu folds away on a phone
        page.get_by_role("button", name=re.compile("Toon menu|Show menu")).click()
    menu = page.locator("#main-menu ul.navbar-nav > li > a")
    expect(menu.first).to_be_visible()
    return [text.strip() for text in menu.all_inner_texts()]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_platform_administrator_starts_from_an_empty_install(page: Page, live_server, width):
    User.objects.create_superuser("beheerder", email="beheer@platform.test", password=PASSWORD)
    page.set_viewport_size({"width": width, "height": 900})
    mail.outbox.clear()

    log_in(page, live_server, "beheerder")
    expect(page.get_by_role("heading", name="Scholen en scholengroepen")).to_be_visible()
    expect(page.get_by_text("Nog geen scholengroep.")).to_be_visible()
    expect(page.get_by_text("Nog geen school.")).to_be_visible()
    expect(page.get_by_role("link", name="Maak de eerste school aan")).to_be_visible()
    assert_no_violations(page)
    fits(page)
    assert "Mijn taken" not in menu_items(page, width)

    page.goto(f"{live_server.url}/")
    tab_to(page, page.get_by_role("link", name="Nieuwe school", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Nieuwe school")).to_be_visible()
    tab_to(page, page.get_by_role("textbox", name=re.compile(r"^Naam van de school\*?$")))
    page.keyboard.type("Basisschool De Linde")
    for label, text in (
        ("Voornaam", "Sofie"),
        ("Achternaam", "Peeters"),
        ("E-mail", "sofie.peeters@delinde.test"),
    ):
        tab_to(page, page.get_by_role("textbox", name=re.compile(rf"^{label}\*?$")))
        page.keyboard.type(text)
    tab_to(page, page.get_by_role("button", name="Aanmaken en uitnodigen"))
    page.keyboard.press("Enter")

    # One school: the home still lists it, and the ways to add more stay.
    expect(page.get_by_role("status")).to_contain_text("Basisschool De Linde is aangemaakt")
    expect(page.get_by_role("heading", name="Scholen en scholengroepen")).to_be_visible()
    expect(page.get_by_role("link", name="Basisschool De Linde")).to_be_visible()
    expect(page.get_by_role("link", name="Nieuwe school", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Nieuwe scholengroep", exact=True)).to_be_visible()
    assert School.objects.filter(name="Basisschool De Linde").exists()
    assert [message.to for message in mail.outbox] == [["sofie.peeters@delinde.test"]]
    assert_no_violations(page)
    fits(page)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Scholen en scholengroepen")).to_be_visible()

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.reload()
    expect(page.get_by_role("heading", name="Schools and school groups")).to_be_visible()
    expect(page.get_by_role("link", name="New school", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="New school group", exact=True)).to_be_visible()
    expect(page.get_by_text("No school group yet.")).to_be_visible()
    assert_no_violations(page)
    fits(page)
