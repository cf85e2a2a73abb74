"""The board by keyboard only: where focus lands after each step, and how many keys it takes.

Every key press counts (Tab, Shift+Tab, Enter, Space, arrows); typing a value
into one field counts as one step. A flow that needs more than 25 fails.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from teams.models import Assignment, SchoolTask

from .conftest import assert_accessible, log_in
from .test_board import school  # noqa: F401  (the fixture: a school, its director and staff)

MAX_KEYS = 25


class Keys:
    """Presses keys on the page and counts them."""

    def __init__(self, page: Page) -> None:
        self.page, self.count = page, 0

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += 1

    def tab_to(self, element_id: str, limit: int = 8) -> None:
        """Tab forward until the element has focus; fails after ``limit`` presses."""
        for _ in range(limit):
            self.press("Tab")
            if focused(self.page) == element_id:
                return
        raise AssertionError(f"{element_id} not reached in {limit} Tabs, at {focused(self.page)}")


def focused(page: Page) -> str:
    return str(page.evaluate("() => document.activeElement.id || document.activeElement.tagName"))


def wait_focus(page: Page, element_id: str) -> None:
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id", arg=element_id
    )


def board_url(live_server, school) -> str:  # noqa: F811
    return live_server.url + reverse("teams:board", args=[school.pk])


def jump_to_task(page: Page, keys: Keys, text: str, task: SchoolTask) -> None:
    """From the top of the board, to the task's button through the skip link and the search."""
    keys.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#main"
    keys.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#jump"
    keys.press("Enter")
    wait_focus(page, "jump")
    keys.type(text)
    keys.press("Enter")
    page.wait_for_load_state()
    wait_focus(page, f"toggle-{task.pk}")


@pytest.mark.parametrize("width", [1280, 390])
def test_assign_a_responsible_with_hours_and_a_backup_by_keyboard(
    page: Page,
    live_server,
    school,  # noqa: F811
    width,
):
    page.set_viewport_size({"width": width, "height": 800})
    task = SchoolTask.objects.get(title="Netwerk en wifi beheren")
    log_in(page, live_server, "directeur")
    page.goto(board_url(live_server, school))
    keys = Keys(page)
    add_person = f"id_t{task.pk}-staff_member"

    jump_to_task(page, keys, "netwerk", task)
    keys.press("Enter")  # "Toewijzen": the editor opens on the person to add
    wait_focus(page, add_person)
    assert_main_fits(page)

    keys.press("ArrowDown")  # — choose — -> Lien Maes
    assert page.locator(f"#{add_person} option:checked").inner_text() == "Lien Maes"
    keys.tab_to(f"id_t{task.pk}-hours")
    keys.type("17,5")
    keys.press("Enter")
    block = page.locator(f"#task-{task.pk}")
    expect(block.get_by_role("status")).to_contain_text("Opgeslagen.")
    wait_focus(page, add_person)  # ready for the backup
    expect(page.locator("#announcer")).to_contain_text("Opgeslagen.")

    keys.press("ArrowDown", 2)  # -> Koen Wouters; the kind is already "back-up"
    assert page.locator(f"#{add_person} option:checked").inner_text() == "Koen Wouters"
    keys.press("Tab")
    keys.press("Enter")
    expect(block.locator("tr.task-row td").nth(4)).to_contain_text("Koen Wouters")
    wait_focus(page, add_person)
    assert_main_fits(page)

    assert keys.count <= MAX_KEYS, keys.count
    assert set(Assignment.objects.values_list("staff_member__first_name", "kind", "hours")) == {
        ("Lien", "responsible", Decimal("17.5")),
        ("Koen", "backup", None),
    }
    assert_accessible(page)


def test_more_hours_than_the_task_takes_are_confirmed_by_keyboard(page: Page, live_server, school):  # noqa: F811
    task = SchoolTask.objects.get(title="Netwerk en wifi beheren")
    log_in(page, live_server, "directeur")
    page.goto(board_url(live_server, school))
    keys = Keys(page)

    jump_to_task(page, keys, "netwerk", task)
    keys.press("Enter")
    wait_focus(page, f"id_t{task.pk}-staff_member")
    keys.press("ArrowDown")
    keys.tab_to(f"id_t{task.pk}-hours")
    keys.type("175")
    keys.press("Enter")
    block = page.locator(f"#task-{task.pk}")
    expect(block).to_contain_text("175 u is meer dan de 20 u die deze taak vraagt.")
    wait_focus(page, f"id_t{task.pk}-confirm_hours")
    assert not Assignment.objects.exists()
    assert_accessible(page)

    keys.press("Space")
    keys.tab_to(f"add-{task.pk}")
    keys.press("Enter")
    expect(block.get_by_role("status")).to_contain_text("Opgeslagen.")
    assert keys.count <= MAX_KEYS, keys.count
    assert Assignment.objects.get().hours == 175


def test_removing_asks_first_and_keeps_focus(page: Page, live_server, school):  # noqa: F811
    task = SchoolTask.objects.get(title="Netwerk en wifi beheren")
    lien = school.appointments.get(staff_member__first_name="Lien").staff_member
    from teams.models import SchoolYear

    a = Assignment.objects.create(
        school_task=task, school_year=SchoolYear.current(), kind="responsible", staff_member=lien
    )
    log_in(page, live_server, "directeur")
    page.goto(board_url(live_server, school))
    keys = Keys(page)

    jump_to_task(page, keys, "netwerk", task)
    keys.press("Enter")  # "Bewerken": focus on the first field of the first assignment
    wait_focus(page, f"id_a{a.pk}-staff_member")
    keys.tab_to(f"remove-{a.pk}")
    keys.press("Enter")
    wait_focus(page, f"confirm-remove-{a.pk}")
    expect(page.locator("#announcer")).to_contain_text(
        "Lien Maes (verantwoordelijke) van deze taak weghalen?"
    )
    assert_accessible(page)

    keys.press("Tab")  # "Behouden": nothing removed, back on the remove button
    keys.press("Enter")
    wait_focus(page, f"remove-{a.pk}")
    assert Assignment.objects.filter(pk=a.pk).exists()

    keys.press("Enter")
    wait_focus(page, f"confirm-remove-{a.pk}")
    keys.press("Enter")
    expect(page.locator(f"#task-{task.pk}").get_by_role("status")).to_contain_text("Verwijderd.")
    wait_focus(page, f"id_t{task.pk}-staff_member")
    assert keys.count <= MAX_KEYS, keys.count
    assert not Assignment.objects.exists()


def test_closing_the_editor_returns_focus_to_its_button(page: Page, live_server, school):  # noqa: F811
    task = SchoolTask.objects.get(title="Back-ups opvolgen")
    log_in(page, live_server, "directeur")
    page.goto(board_url(live_server, school))
    keys = Keys(page)
    jump_to_task(page, keys, "back-ups", task)
    keys.press("Enter")
    wait_focus(page, f"id_t{task.pk}-staff_member")
    keys.press("Shift+Tab")  # from the editor's first field back to "Sluiten"
    assert focused(page) == f"toggle-{task.pk}"
    keys.press("Enter")
    wait_focus(page, f"toggle-{task.pk}")
    expect(page.locator(f"#task-{task.pk} .task-editor")).to_have_count(0)


def test_the_menu_shows_where_focus_is(page: Page, live_server, school):  # noqa: F811
    log_in(page, live_server, "directeur")
    page.goto(board_url(live_server, school))
    page.locator(".app-navbar .navbar-brand").focus()
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.closest('.app-navbar') !== null, s.outlineStyle,"
        " s.outlineColor, s.outlineWidth]; }"
    )
    assert style == [True, "solid", "rgb(255, 212, 59)", "3px"]


def assert_main_fits(page: Page) -> None:
    """Nothing in the main content lies outside the viewport; the page never scrolls sideways."""
    outside = page.evaluate(
        """() => {
        const width = document.documentElement.clientWidth;
        return [...document.querySelectorAll('main *')].filter(e => {
          const r = e.getBoundingClientRect();
          const style = getComputedStyle(e);
          if (r.width <= 1 || r.height <= 1 || style.visibility === 'hidden') return false;
          if (e.closest('.visually-hidden, .visually-hidden-focusable')) return false;
          return r.right > width + 1 || r.left < -1;
        }).slice(0, 8).map(e => {
          const r = e.getBoundingClientRect();
          return `${e.tagName}.${e.className} ${Math.round(r.left)}-${Math.round(r.right)}`;
        });
      }"""
    )
    assert outside == []
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
