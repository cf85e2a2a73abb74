"""The board's groups fold and unfold by keyboard, and a jump to a task unfolds its group."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import Page, expect

from tasks.models import TaskGroup
from teams.models import SchoolTask
from tests.teams.factories import OwnTaskFactory

from .conftest import assert_accessible, log_in
from .test_board import school  # noqa: F401  (the fixture: a school, its director and staff)
from .test_keyboard import Keys, board_url, focused, jump_to_task


def _pedagogical_task(school) -> SchoolTask:  # noqa: F811
    return OwnTaskFactory(
        school=school,
        title="Mediawijsheid in de klas",
        group=TaskGroup.objects.get(kind="pedagogical"),
        local_hours=Decimal(8),
    )


def test_a_group_folds_and_unfolds_by_keyboard(page: Page, live_server, school):  # noqa: F811
    _pedagogical_task(school)
    network = SchoolTask.objects.get(title="Netwerk en wifi beheren")
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, live_server, "directeur")
    page.goto(board_url(live_server, school))
    toggle = page.get_by_role("button", name="Technisch")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    controls = (toggle.get_attribute("aria-controls") or "").split()
    assert f"task-{network.pk}" in controls and len(controls) == 2
    keys = Keys(page)

    toggle.focus()
    keys.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator(f"#task-{network.pk}")).to_be_hidden()
    expect(
        page.locator("td.task-title-cell", has_text="Mediawijsheid in de klas")
    ).to_be_visible()  # other groups stay
    assert_accessible(page)

    keys.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator(f"#task-{network.pk}")).to_be_visible()
    assert keys.count == 2


def test_the_focused_group_button_shows_a_focus_ring(page: Page, live_server, school):  # noqa: F811
    log_in(page, live_server, "directeur")
    page.goto(board_url(live_server, school))
    page.locator("#jump").focus()
    keys = Keys(page)
    for _ in range(30):
        keys.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('group-toggle')"):
            break
    else:
        raise AssertionError(f"no group button reached by Tab, at {focused(page)}")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert outline == ["solid", "3px"]


def test_folding_is_kept_and_a_jump_unfolds_the_group_of_its_task(
    page: Page,
    live_server,
    school,  # noqa: F811
):
    OwnTaskFactory(
        school=school,
        title="Netwerkveiligheid in de klas",
        group=TaskGroup.objects.get(kind="pedagogical"),
    )
    network = SchoolTask.objects.get(title="Netwerk en wifi beheren")
    backups = SchoolTask.objects.get(title="Back-ups opvolgen")
    log_in(page, live_server, "directeur")
    page.goto(board_url(live_server, school))
    page.get_by_role("button", name="Alle groepen inklappen").click()
    expect(page.locator("tbody.task-block:visible")).to_have_count(0)

    page.reload()  # the folded state lasts the session
    technical = page.get_by_role("button", name="Technisch")
    expect(technical).to_have_attribute("aria-expanded", "false")
    expect(page.locator(f"#task-{network.pk}")).to_be_hidden()

    # "netwerk" finds a task in each group, both folded: focus lands on the first one,
    # its group unfolded; the other group stays as it was.
    keys = Keys(page)
    jump_to_task(page, keys, "netwerk", network)
    expect(technical).to_have_attribute("aria-expanded", "true")
    expect(page.locator(f"#task-{network.pk}")).to_be_visible()
    pedagogical = page.get_by_role("button", name="Pedagogisch-didactisch")
    expect(pedagogical).to_have_attribute("aria-expanded", "false")

    page.goto(board_url(live_server, school))
    page.get_by_role("button", name="Alle groepen inklappen").click()
    # A link to a task on the board (as "back to the board" gives) unfolds its group.
    page.goto(f"{board_url(live_server, school)}#task-{backups.pk}")
    expect(page.locator(f"#task-{backups.pk}")).to_be_visible()
    expect(pedagogical).to_have_attribute("aria-expanded", "false")
    page.get_by_role("button", name="Alle groepen uitklappen").click()
    expect(pedagogical).to_have_attribute("aria-expanded", "true")
    expect(page.locator("tbody.task-block:visible")).to_have_count(3)


def test_a_redrawn_task_stays_in_its_group_and_a_folded_group_stays_folded(
    page: Page,
    live_server,
    school,  # noqa: F811
):
    _pedagogical_task(school)
    network = SchoolTask.objects.get(title="Netwerk en wifi beheren")
    media = SchoolTask.objects.get(title="Mediawijsheid in de klas")
    log_in(page, live_server, "directeur")
    page.goto(board_url(live_server, school))
    page.get_by_role("button", name="Pedagogisch-didactisch").click()
    block = page.locator(f"#task-{network.pk}")
    block.get_by_role("link", name="Toewijzen").click()
    block.locator(".task-editor").get_by_label("Personeelslid").select_option(label="Lien Maes")
    block.locator(".task-editor").get_by_role("button", name="Toevoegen").click()
    expect(block.get_by_role("status")).to_contain_text("Opgeslagen.")
    expect(block).to_be_visible()
    expect(page.locator(f"#task-{media.pk}")).to_be_hidden()
    # Focus moves when htmx settles the redrawn block, a moment after the status shows.
    expect(page.locator(f"#id_t{network.pk}-staff_member")).to_be_focused()


def test_without_javascript_every_task_shows_and_nothing_folds(browser, live_server, school):  # noqa: F811
    _pedagogical_task(school)
    context = browser.new_context(java_script_enabled=False, locale="nl-BE")
    page = context.new_page()
    log_in(page, live_server, "directeur")
    expect(page.locator("tbody.task-block:visible")).to_have_count(3)
    expect(page.locator("button.group-toggle")).to_have_count(0)
    expect(page.get_by_role("button", name="Alle groepen inklappen")).to_be_hidden()
    context.close()
