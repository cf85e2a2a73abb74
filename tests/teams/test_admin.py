"""The Django admin keeps the rules the pages keep."""

import pytest
from django.urls import reverse

from teams.models import Assignment, SchoolWorkload, WorkloadRequest
from teams.workload.figures import recalculate

pytestmark = pytest.mark.django_db
R = Assignment.Kind.RESPONSIBLE


def form(task, member, year, **extra):
    data = {
        "school_task": task.pk,
        "school_year": year.pk,
        "kind": R,
        "staff_member": member.pk,
        "partner": "",
        "hours": "",
        "note": "",
    }
    return data | extra


def test_admin_cannot_give_a_task_to_someone_of_another_school(admin_client, world):
    url = reverse("admin:teams_assignment_add")
    response = admin_client.post(url, form(world.tasks[0], world.other_staff, world.year))
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == ["Omer B werkt niet in een school waar deze taak bij hoort."]
    assert not Assignment.objects.exists()


def test_an_admin_change_raises_the_version_and_marks_the_school(admin_client, world):
    assignment = Assignment.objects.create(
        school_task=world.tasks[0], school_year=world.year, kind=R, staff_member=world.staff[0]
    )
    url = reverse("admin:teams_assignment_change", args=[assignment.pk])
    data = form(world.tasks[0], world.staff[1], world.year, hours="4")
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.staff_member, assignment.version) == (world.staff[1], 2)
    assert WorkloadRequest.objects.filter(school=world.school, school_year=world.year).exists()


def test_an_admin_budget_marks_every_school_of_the_group(admin_client, world):
    url = reverse("admin:teams_budget_add")
    data = {
        "staff_member": world.staff[0].pk,
        "school": world.school.pk,
        "school_year": world.year.pk,
        "hours_per_year": "40",
    }
    assert admin_client.post(url, data).status_code == 302
    marked = set(WorkloadRequest.objects.values_list("school_id", flat=True))
    assert marked == {world.school.pk, world.other.pk}


def test_the_stored_figures_are_read_only_in_the_admin(admin_client, world):
    recalculate([world.school.pk], world.year)
    row = SchoolWorkload.objects.get(school=world.school)
    change = reverse("admin:teams_schoolworkload_change", args=[row.pk])
    assert admin_client.get(reverse("admin:teams_schoolworkload_add")).status_code == 403
    assert admin_client.post(change, {"needed_hours": "1"}).status_code == 403
    row.refresh_from_db()
    assert row.needed_hours != 1


def test_an_admin_change_of_hours_forgets_the_unit_it_was_given_in(admin_client, world):
    from decimal import Decimal

    from teams.models import Budget

    budget = Budget.objects.create(
        staff_member=world.staff[0],
        school=world.school,
        school_year=world.year,
        hours_per_year=Decimal("123.33"),
        entered_amount=Decimal(4),
        entered_unit="periods",
    )
    url = reverse("admin:teams_budget_change", args=[budget.pk])
    data = {
        "staff_member": world.staff[0].pk,
        "school": world.school.pk,
        "school_year": world.year.pk,
        "hours_per_year": "80",
    }
    assert admin_client.post(url, data).status_code == 302
    budget.refresh_from_db()
    assert (budget.hours_per_year, budget.entered_amount, budget.entered_unit) == (80, None, "year")
