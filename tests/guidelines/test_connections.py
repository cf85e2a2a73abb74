"""The step plan shows the school's coverage as the dashboard does: one figure, one label."""

from decimal import Decimal

import pytest
from django.urls import reverse

from teams.models import Assignment, Budget
from teams.workload.figures import recalculate

pytestmark = pytest.mark.django_db
SAID = "het budget dekt 83% van de uren die de taken vragen"


def test_the_step_plan_and_the_dashboard_give_the_same_coverage_in_the_same_words(
    client, world, cycle
):
    """School A's own tasks need 3 x 10 h; Ann has 25 h of budget and carries 10 h."""
    Assignment.objects.create(school_task=world.tasks[0], school_year=world.year,
                              kind="responsible", staff_member=world.staff[0])  # fmt: skip
    Budget.objects.create(staff_member=world.staff[0], school=world.school,
                          school_year=world.year, hours_per_year=Decimal(25))  # fmt: skip
    recalculate([world.school.pk], world.year)
    client.force_login(world.director)
    plan = client.get(reverse("guidelines:cycle", args=[world.school.pk, cycle.pk]))
    facts = plan.context["facts"]
    assert (facts.team_budget, facts.needed_hours, facts.team_workload, facts.coverage) == (
        25,
        30,
        10,
        83,
    )
    assert (
        "Het team heeft 25 uur ICT-budget; de taken van de school vragen 30 uur, waarvan 10 "
        f"toegewezen ({SAID})" in " ".join(plan.content.decode().split())
    )
    dashboard = client.get(reverse("teams:workload", args=[world.school.pk]))
    assert dashboard.context["data"].current.coverage == 83
    assert f"uren ICT-budget in het team ({SAID})" in " ".join(dashboard.content.decode().split())
