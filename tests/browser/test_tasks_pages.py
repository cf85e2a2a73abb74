"""The pages that show a person's tasks and a school group's own tasks: by keyboard, on a
phone and a desk, with no axe violation of any impact and nothing cut off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from teams.demo import seed_demo
from teams.models import Role, SchoolGroup, SchoolTask, StaffMember

from .conftest import PASSWORD, assert_no_violations, log_in, tab_to
from .layout import layout_problems


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    Role.objects.ensure_standard()  # migrated rows an earlier live-server test flushed
    seed_demo(password=PASSWORD)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_persons_tasks_load_into_their_page(page: Page, live_server, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "directeur.linde")
    member = StaffMember.objects.filter(
        assignments__isnull=False, appointments__school__name__contains="Linde"
    ).first()
    assert member is not None
    school = member.appointments.first().school
    page.goto(f"{live_server.url}/schools/{school.pk}/staff/{member.pk}/")
    table = page.get_by_role("table", name="Taken in")
    expect(table).to_be_visible()  # loaded by htmx into the person's page
    assert layout_problems(page, scrolling_allowed=width == 390) == []
    assert_no_violations(page)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_group_administrator_adds_a_group_task_by_keyboard(
    page: Page, live_server, demo, width
):
    page.set_viewport_size({"width": width, "height": 900})
    group = SchoolGroup.objects.get()
    log_in(page, live_server, "beheer.scholengroep")
    page.goto(f"{live_server.url}/schools/school-groups/{group.pk}/")
    tab_to(page, page.get_by_role("link", name="Een taak voor de hele groep toevoegen"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Taken van de scholengroep", level=1)).to_be_visible()
    assert layout_problems(page, scrolling_allowed=width == 390) == []
    assert_no_violations(page)
    tab_to(page, page.get_by_label("Taak", exact=False).first)
    page.keyboard.type("Raamcontract printers")
    page.get_by_label("Groep").select_option(index=1)
    tab_to(page, page.get_by_role("button", name="Taak toevoegen"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Raamcontract printers")).to_be_visible()
    assert SchoolTask.objects.filter(school_group=group, title="Raamcontract printers").exists()
    assert_no_violations(page)
