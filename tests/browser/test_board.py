"""A director gives a task a responsible and a backup; the teacher sees it on their page."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from teams.models import Assignment, Budget, Membership, SchoolYear
from tests.teams.factories import OwnTaskFactory, SchoolFactory, StaffMemberFactory, appoint

from .conftest import PASSWORD, assert_accessible, log_in


@pytest.fixture
def school(transactional_db):
    school = SchoolFactory(name="Basisschool De Linde")
    director = User.objects.create_user("directeur", password=PASSWORD, first_name="Sofie")
    teacher = User.objects.create_user("leerkracht", password=PASSWORD, first_name="Lien")
    Membership.objects.create(user=director, kind="director", school=school)
    Membership.objects.create(user=teacher, kind="staff", school=school)
    lien = appoint(StaffMemberFactory(first_name="Lien", last_name="Maes", user=teacher), school)
    koen = appoint(StaffMemberFactory(first_name="Koen", last_name="Wouters"), school)
    year = SchoolYear.current()
    for member, hours in ((lien, 40), (koen, 30)):
        Budget.objects.create(
            staff_member=member, school=school, school_year=year, hours_per_year=Decimal(hours)
        )
    OwnTaskFactory(school=school, title="Netwerk en wifi beheren", local_hours=Decimal(20))
    OwnTaskFactory(school=school, title="Back-ups opvolgen", local_hours=Decimal(12))
    return school


def test_director_assigns_and_teacher_sees_it(page: Page, live_server, school):
    log_in(page, live_server, "directeur")
    expect(page.get_by_role("heading", name="Basisschool De Linde")).to_be_visible()
    assert_accessible(page)

    block = page.locator("tbody.task-block", has_text="Netwerk en wifi beheren")
    expect(block).to_contain_text("niet toegewezen")
    block.get_by_role("link", name="Toewijzen").click()
    editor = block.locator(".task-editor")
    expect(editor).to_be_visible()
    assert_accessible(page)

    editor.get_by_label("Personeelslid").select_option(label="Lien Maes")
    editor.get_by_role("button", name="Toevoegen").click()
    expect(block.get_by_role("status")).to_contain_text("Opgeslagen.")
    expect(block.locator("tr.task-row")).to_contain_text("Lien Maes")

    editor = block.locator(".task-editor")
    add = editor.locator("form").last
    add.get_by_label("Personeelslid").select_option(label="Koen Wouters")
    add.get_by_label("Als").select_option(label="back-up")
    add.get_by_role("button", name="Toevoegen").click()
    expect(block.locator("tr.task-row td").nth(4)).to_contain_text("Koen Wouters")
    expect(page.locator("#load-panel")).to_contain_text("20 / 40")  # the panel followed
    assert_accessible(page)

    page.reload()
    row = page.locator("tbody.task-block", has_text="Netwerk en wifi beheren")
    expect(row).to_contain_text("Lien Maes")
    expect(row).to_contain_text("Koen Wouters")
    assert set(Assignment.objects.values_list("staff_member__first_name", "kind")) == {
        ("Lien", "responsible"),
        ("Koen", "backup"),
    }

    page.get_by_role("button", name="Sofie afmelden").click()
    log_in(page, live_server, "leerkracht")
    expect(page.get_by_role("heading", name="Mijn ICT-taken")).to_be_visible()
    tasks = page.get_by_role("table")
    expect(tasks).to_contain_text("Netwerk en wifi beheren")
    expect(tasks).to_contain_text("verantwoordelijke")
    expect(page.get_by_text("50%")).to_be_visible()
    assert_accessible(page)


def test_board_works_without_javascript(browser, live_server, school):
    context = browser.new_context(java_script_enabled=False, locale="nl-BE")
    page = context.new_page()
    log_in(page, live_server, "directeur")
    page.locator("tbody.task-block", has_text="Back-ups opvolgen").get_by_role(
        "link", name="Toewijzen"
    ).click()
    expect(page.get_by_role("heading", name="Back-ups opvolgen")).to_be_visible()
    page.get_by_label("Personeelslid").select_option(label="Koen Wouters")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_role("status")).to_contain_text("Opgeslagen.")
    page.get_by_role("link", name="Terug naar de taakverdeling").click()
    expect(page.locator("tbody.task-block", has_text="Back-ups opvolgen")).to_contain_text(
        "Koen Wouters"
    )
    context.close()


def test_board_on_a_phone(page: Page, live_server, school):
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, live_server, "directeur")
    expect(page.locator("td.task-title-cell", has_text="Netwerk en wifi beheren")).to_be_visible()
    assert_accessible(page)


def test_a_task_marked_not_applicable_reads_as_such_not_as_disabled(
    page: Page, live_server, school
):
    from axe_playwright_python.sync_playwright import Axe
    from django.urls import reverse

    log_in(page, live_server, "directeur")
    page.goto(live_server.url + reverse("teams:task_list", args=[school.pk]))
    row = page.locator("tr", has_text="Back-ups opvolgen")
    row.get_by_role("button", name="Niet van toepassing").click()
    page.wait_for_load_state()
    row = page.locator("tr", has_text="Back-ups opvolgen")
    expect(row).to_contain_text("niet van toepassing")
    restore = row.get_by_role("button", name="Terugzetten")
    expect(restore).to_have_accessible_name(re.compile(r"^Terugzetten\s?: Back-ups opvolgen$"))
    # The label reads dark on light, not white on grey as a disabled control would.
    label = row.get_by_text("niet van toepassing", exact=True)
    colour = label.evaluate("badge => getComputedStyle(badge).color")
    assert max(int(c) for c in re.findall(r"\d+", colour)[:3]) <= 50, colour
    button = page.locator("tr", has_text="Netwerk en wifi beheren").get_by_role(
        "button", name="Niet van toepassing"
    )
    expect(button).to_have_accessible_name(
        re.compile(r"^Niet van toepassing\s?: Netwerk en wifi beheren$")
    )
    assert button.evaluate("b => getComputedStyle(b).color") == "rgb(10, 88, 202)"
    violations = Axe().run(page, context="table").response["violations"]
    assert not violations, [(v["id"], v["impact"]) for v in violations]


@pytest.mark.parametrize("width", [390, 1280])
def test_who_carries_what_comes_before_the_tasks_on_a_phone(page: Page, live_server, school, width):
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "directeur")
    summary = page.get_by_role("heading", name="Uren per persoon").bounding_box()
    search = page.get_by_label("Naar een taak (code of titel)").bounding_box()
    table = page.locator("#board-table").bounding_box()
    assert summary and search and table
    if width == 390:  # one column: the people first, then the search and the tasks
        assert summary["y"] < search["y"] < table["y"]
    else:  # beside the tasks, on the right
        assert summary["x"] > table["x"] + table["width"] - 1
    assert_accessible(page)
