"""Playwright on the system Chromium, with axe-core accessibility checks."""

from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Permission, User
from playwright.sync_api import Locator, Page

from tasks.models import TaskGroup
from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in the test thread, beside Django's live server.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "Browser-Pass-2024"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):  # type: ignore[no-untyped-def]
    # Reduced motion turns off CSS transitions, so axe never sees a colour halfway.
    return {**browser_context_args, "locale": "nl-BE", "reduced_motion": "reduce"}


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(10_000)
    return page


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violations on the page as it is now."""
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(
            f"{node['target'][0]} {node.get('failureSummary', '')}" for node in v["nodes"][:5]
        )
        for v in bad
    )


def axe_violations(page: Page) -> list[str]:
    """Every axe-core violation on the page as it is now, whatever its impact, one line each."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(str(node["target"][0]) for node in v["nodes"][:5])
        for v in Axe().run(page).response["violations"]
    ]


def assert_no_violations(page: Page) -> None:
    """No axe-core violation of any impact on the page as it is now."""
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)


def tab_to(page: Page, target: Locator, limit: int = 400) -> None:
    """Press Tab until ``target`` has the focus (the keyboard way there); fail if it never does."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {target}")


def choose_language(page: Page, code: str) -> None:
    """Choose the language the way the language form sends it (a signed-in account keeps it);
    the form may sit in a folded menu, so it is submitted as the form would be."""
    with page.expect_navigation():
        page.evaluate(
            "(code) => { const s = document.getElementById('language-select');"
            " s.value = code; s.form.submit(); }",
            code,
        )
    assert page.evaluate("document.documentElement.lang") == code


def log_in(page: Page, live_server, username: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_load_state()


@pytest.fixture(autouse=True)
def _site_is_the_live_server(live_server, settings) -> None:  # type: ignore[no-untyped-def]
    # Links in e-mails and the calendar address start with SITE_URL, as on a real site.
    settings.SITE_URL = live_server.url + "/"


@pytest.fixture(autouse=True)
def _standard_groups(transactional_db) -> None:  # type: ignore[no-untyped-def]
    # A transactional test database is flushed between tests, migrated data included.
    from teams.models import SchoolYear

    TaskGroup.objects.ensure_standard()
    SchoolYear.ensure_current()


@pytest.fixture
def browser_maintainer(transactional_db) -> User:  # type: ignore[no-untyped-def]
    user = User.objects.create_user("beheerder", password=PASSWORD, first_name="Bea")
    user.user_permissions.add(Permission.objects.get(codename="import_catalogue"))
    return user
