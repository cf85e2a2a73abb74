"""The step plan's overdue steps on the dashboard and on "my tasks", with and without JavaScript.

Those pages belong to the teams app, which loads the steps from the step plan's own
address; without JavaScript a link leads to the same list.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from guidelines.definitions import load_file
from guidelines.services import plan_step, start_cycle
from teams.models import Membership, SchoolYear
from tests.guidelines.conftest import FIXTURES
from tests.teams.factories import SchoolFactory, StaffMemberFactory, appoint

from .conftest import PASSWORD, assert_accessible, log_in

TITLE = "Stappen van het stappenplan voorbij hun streefdatum"


@pytest.fixture
def school(transactional_db):
    """Tom, the coordinator, owns a step of his school's plan that is a week overdue."""
    school = SchoolFactory(name="Basisschool De Linde")
    user = User.objects.create_user("ictco", password=PASSWORD, first_name="Tom")
    Membership.objects.create(user=user, kind="coordinator", school=school)
    tom = appoint(StaffMemberFactory(first_name="Tom", last_name="Janssens", user=user), school)
    version = load_file((FIXTURES / "stappenplan.json").read_bytes(), publish=True).version
    cycle = start_cycle(school=school, school_year=SchoolYear.current(), version=version)
    plan_step(cycle=cycle, step_key="middelen", owner=tom,
              target_date=timezone.localdate() - timedelta(days=7))  # fmt: skip
    return school


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dashboard_and_my_tasks_show_the_overdue_step(page: Page, live_server, school, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "ictco")  # a coordinator of one school lands on its dashboard
    steps = page.get_by_role("region", name=TITLE)
    expect(steps).to_contain_text("Welke middelen zijn er?")
    expect(steps).to_contain_text("trekker Tom Janssens")
    assert_accessible(page)
    page.goto(live_server.url + reverse("teams:my_tasks"))
    expect(page.get_by_role("region", name=TITLE)).to_contain_text("Welke middelen zijn er?")
    assert_accessible(page)
    page.get_by_role("link", name="Stap 6. Welke middelen zijn er?").click()
    expect(page).to_have_url(f"{live_server.url}/guidelines/schools/{school.pk}/cycles/"
                             f"{school.cycles.get().pk}/#step-middelen")  # fmt: skip


def test_without_javascript_a_link_leads_to_the_overdue_steps(
    browser: Browser, live_server, school
):
    context = browser.new_context(java_script_enabled=False, locale="nl-BE")
    page = context.new_page()
    log_in(page, live_server, "ictco")
    expect(page.get_by_role("region", name=TITLE)).to_have_count(0)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("region", name=TITLE)).to_contain_text("Welke middelen zijn er?")
    context.close()
