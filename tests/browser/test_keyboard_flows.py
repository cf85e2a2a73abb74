"""Reading the dashboard and importing the catalogue by keyboard only, on a desk and a phone.

Counting as in test_keyboard: every key press, and one step per value typed or
file chosen. Focus is asserted after each step; more than 25 keys fails.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tasks.models import Task
from tests.tasks.workbooks import workbook_bytes

from .conftest import log_in
from .test_catalogue_import import ROWS
from .test_keyboard import MAX_KEYS, Keys, assert_main_fits
from .test_workload import school  # noqa: F401  (an overloaded coordinator's school)


def active_text(page: Page) -> str:
    return str(
        page.evaluate(
            "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"
        )
    )


def tab_to_text(keys: Keys, text: str, limit: int = 20) -> None:
    for _ in range(limit):
        keys.press("Tab")
        if text in active_text(keys.page):
            return
    raise AssertionError(f"{text!r} not reached in {limit} Tabs")


def skip_to_content(page: Page, keys: Keys) -> None:
    keys.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#main"
    keys.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'main'")


@pytest.mark.parametrize("width", [1280, 390])
def test_read_the_dashboard_and_follow_an_overload(
    page: Page,
    live_server,
    school,  # noqa: F811
    width,
):
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "ictco")
    expect(page.get_by_role("heading", name="Basisschool De Linde")).to_be_visible()
    assert_main_fits(page)
    keys = Keys(page)

    skip_to_content(page, keys)
    tab_to_text(keys, "Tom Janssens is overbelast")
    keys.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("tbody.task-block")).to_have_count(3)
    assert keys.count <= MAX_KEYS, keys.count
    assert_main_fits(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_import_the_catalogue_by_keyboard(
    page: Page, live_server, browser_maintainer, tmp_path, width
):
    page.set_viewport_size({"width": width, "height": 800})
    path = tmp_path / "takenoverzicht.xlsx"
    path.write_bytes(workbook_bytes(ROWS, merge_headings=True))
    log_in(page, live_server, "beheerder")
    expect(page.get_by_role("heading", name="Takencatalogus")).to_be_visible()
    assert_main_fits(page)
    keys = Keys(page)

    skip_to_content(page, keys)
    tab_to_text(keys, "Werkmap importeren")
    keys.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_main_fits(page)

    skip_to_content(page, keys)
    for _ in range(10):
        keys.press("Tab")
        if page.evaluate("() => document.activeElement.type") == "file":
            break
    page.locator("input[type=file]:focus").set_input_files(path)  # the file dialog's step
    keys.count += 1
    tab_to_text(keys, "Toon de wijzigingen", limit=5)
    keys.press("Enter")
    expect(page.get_by_text("Er is nog niets geïmporteerd.")).to_be_visible()
    assert_main_fits(page)

    skip_to_content(page, keys)
    tab_to_text(keys, "Bevestigen en importeren")
    keys.press("Enter")
    expect(
        page.get_by_role("status").filter(has_text="De catalogus is geïmporteerd.")
    ).to_be_visible()
    assert keys.count <= MAX_KEYS, keys.count
    assert sorted(Task.objects.values_list("code", flat=True)) == ["P1", "T1"]
    assert_main_fits(page)
