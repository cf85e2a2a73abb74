"""The main pages fit a desk at 1280 and 1440 px with nothing cut off, and a phone shows
that a wide table scrolls, keeps its first column in view and lists the board compactly.

Runs on the demo data, where names, roles and figures have realistic lengths.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from guidelines.demo import PILOT
from guidelines.models import Pilot
from teams.demo import GROUP, LINDE
from teams.models import School, SchoolGroup

from .conftest import choose_language, log_in
from .layout import layout_problems
from .test_every_page import demo  # noqa: F401  (the fixture: the demo data)


def new_page(browser: Browser, width: int, height: int = 900) -> Page:
    context = browser.new_context(
        locale="nl-BE", reduced_motion="reduce", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def check(page: Page, url: str) -> list[str]:
    page.goto(url)
    found = [f"{url}: {problem}" for problem in layout_problems(page)]
    toggle = page.locator("tbody.task-block a[aria-expanded]").first
    if page.locator("#board-table").count() and toggle.count():
        toggle.click()
        page.locator(".task-editor").first.wait_for()
        found += [f"{url} (editor open): {problem}" for problem in layout_problems(page)]
    return found


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_main_pages_fit_a_desk_with_nothing_cut_off(browser: Browser, live_server, demo, width):  # noqa: F811
    linde = School.objects.get(name=LINDE)
    pages = {
        "directeur.linde": [
            reverse("teams:board", args=[linde.pk]),
            reverse("teams:staff", args=[linde.pk]),
            reverse("teams:workload", args=[linde.pk]),
        ],
        "beheer.scholengroep": [
            reverse("teams:school_group", args=[SchoolGroup.objects.get(name=GROUP).pk]),
        ],
        "departement": [reverse("guidelines:pilot", args=[Pilot.objects.get(name=PILOT).pk])],
    }
    found = []
    for username, paths in pages.items():
        page = new_page(browser, width)
        log_in(page, live_server, username)
        for language in ("nl", "en"):
            choose_language(page, language)
            for path in paths:
                found += [f"[{language}] {p}" for p in check(page, live_server.url + path)]
        page.context.close()
    assert not found, "\n".join(found)


def test_a_wide_table_on_a_phone_says_it_scrolls_and_keeps_its_first_column(
    browser: Browser,
    live_server,
    demo,  # noqa: F811
):
    page = new_page(browser, 390)
    log_in(page, live_server, "departement")
    pilot = Pilot.objects.get(name=PILOT)
    page.goto(live_server.url + reverse("guidelines:pilot", args=[pilot.pk]))
    box = page.get_by_role("region", name="De toestand van elke stap per school")
    expect(page.locator("#matrix-hint")).to_be_visible()
    assert box.get_attribute("aria-describedby") == "matrix-hint"
    assert box.evaluate("b => b.scrollWidth - b.clientWidth") > 300  # 8 steps do not fit
    school = page.get_by_role("rowheader").first
    before = school.bounding_box()

    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    page.wait_for_function(
        "() => { const b = document.querySelector('.table-scroll');"
        " return b.scrollLeft > 0 && b.scrollLeft + b.clientWidth >= b.scrollWidth - 1; }"
    )
    after = school.bounding_box()
    assert before and after and abs(after["x"] - before["x"]) < 1  # the school column stays
    last_step = page.get_by_role("columnheader", name="Stap 8")
    assert last_step.bounding_box()["x"] > after["x"] + after["width"] - 1  # type: ignore[index]
    # The step columns slide under the first column, never over it.
    covering = page.evaluate(
        "() => { const th = document.querySelector('.pilot-matrix tbody th');"
        " const c = th.getBoundingClientRect();"
        " return th.contains(document.elementFromPoint(c.left + 5, c.top + 5)); }"
    )
    assert covering
    assert not layout_problems(page, scrolling_allowed=True)
    page.context.close()


def test_the_board_on_a_phone_is_compact_and_keeps_every_task_and_its_button(
    browser: Browser,
    live_server,
    demo,  # noqa: F811
):
    page = new_page(browser, 390)
    log_in(page, live_server, "directeur.linde")
    page.goto(live_server.url + reverse("teams:board", args=[School.objects.get(name=LINDE).pk]))
    rows = page.locator("#board-table tr.task-row")
    tasks = rows.count()
    assert tasks > 40
    table_height = page.locator("#board-table").evaluate("t => t.getBoundingClientRect().height")
    assert table_height / tasks < 180, f"{table_height / tasks:.0f} px a task"
    first = rows.first
    code, title, button = (first.locator(cell) for cell in (".code-cell", ".task-title-cell", "a"))
    # Code, title and button share the first line; who does it and the hours follow.
    assert code.bounding_box()["y"] == title.bounding_box()["y"]  # type: ignore[index]
    expect(button).to_be_visible()
    labels = first.locator("td").evaluate_all(
        "tds => tds.map(td => getComputedStyle(td, '::before').content)"
    )
    assert '"Verantwoordelijke: "' in labels and '"Uren per jaar: "' in labels
    assert not layout_problems(page, scrolling_allowed=True)
    page.context.close()
