"""Budgets given in the units schools think in, always kept and shown in hours a year."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teams.models import Budget, BudgetUnit, School
from teams.staff import services as staff_services
from teams.workload import services as workload_services
from teams.workload.units import budget_hours

from .test_board import edit_state

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "unit", "minutes", "weeks", "hours"),
    [
        ("100", BudgetUnit.YEAR, 50, 37, "100.00"),
        ("2", BudgetUnit.WEEK, 50, 37, "74.00"),
        ("2", BudgetUnit.WEEK, 50, 36, "72.00"),
        ("0.5", BudgetUnit.FTE, 50, 37, "703.00"),  # 38 h x 37 weeks = 1,406 h full time
        ("4", BudgetUnit.PERIODS, 50, 37, "123.33"),  # 4 x 50 min x 37 weeks
        ("4", BudgetUnit.PERIODS, 45, 36, "108.00"),
        ("1.5", BudgetUnit.PERIODS, 60, 40, "60.00"),
    ],
)
def test_a_budget_becomes_hours_a_year_with_the_schools_figures(
    amount, unit, minutes, weeks, hours
):
    school = School(minutes_per_period=minutes, weeks_per_year=weeks)
    assert budget_hours(Decimal(amount), unit, school) == Decimal(hours)


@pytest.mark.parametrize(
    ("hours", "weeks", "per_week"),
    [("74", 37, "2.0"), ("72", 36, "2.0"), ("72", 37, "1.9"), ("100", 40, "2.5"), ("0", 30, "0.0")],
)
def test_hours_a_week_count_over_the_schools_weeks(hours, weeks, per_week):
    budget = Budget(hours_per_year=Decimal(hours), school=School(weeks_per_year=weeks))
    assert budget.hours_per_week == Decimal(per_week)


def edit(client, w, member, budget, unit):
    return client.post(
        reverse("teams:staff_edit", args=[w.school.pk, member.pk]),
        {
            "first_name": member.first_name,
            "last_name": member.last_name,
            "post": "teacher",
            "budget": budget,
            "budget_unit": unit,
            "state": edit_state(w, member),
        },
    )


class TestTeachingPeriods:
    def test_periods_are_stored_as_hours_with_what_was_typed(self, client, world):
        member = world.staff[0]
        client.force_login(world.director)
        edit(client, world, member, "4", "periods")
        budget = Budget.objects.get(staff_member=member, school=world.school)
        assert budget.hours_per_year == Decimal("123.33")
        assert (budget.entered_amount, budget.entered_unit) == (Decimal(4), "periods")

        page = client.get(reverse("teams:staff", args=[world.school.pk])).content.decode()
        assert "123,3 u" in page and "(4 lestijden per week)" in page
        form = client.get(reverse("teams:staff_edit", args=[world.school.pk, member.pk]))
        assert form.context["form"]["budget"].value() == Decimal(4)
        assert form.context["form"]["budget_unit"].value() == "periods"

    def test_hours_a_year_keep_no_other_unit(self, client, world):
        member = world.staff[0]
        client.force_login(world.director)
        edit(client, world, member, "4", "periods")
        edit(client, world, member, "80", "year")
        budget = Budget.objects.get(staff_member=member, school=world.school)
        assert (budget.hours_per_year, budget.entered_amount, budget.entered_unit) == (
            80,
            None,
            "year",
        )

    def test_too_many_periods_are_refused_in_hours(self, client, world):
        member = world.staff[0]
        client.force_login(world.director)
        response = edit(client, world, member, "70", "periods")
        assert "dat is 2158,33 uur per jaar" in response.content.decode().lower()
        assert not Budget.objects.filter(staff_member=member).exists()

    def test_the_form_explains_the_schools_conversion(self, client, world):
        world.school.minutes_per_period, world.school.weeks_per_year = 45, 36
        world.school.save()
        client.force_login(world.director)
        url = reverse("teams:staff_edit", args=[world.school.pk, world.staff[0].pk])
        page = client.get(url).content.decode()
        assert "36 weken" in page and "45 minuten" in page and "27 uur per jaar" in page


class TestSchoolConversion:
    def test_changing_it_converts_period_and_week_budgets_again(self, world):
        a, b, c = world.staff
        for member, amount, unit in ((a, "4", "periods"), (b, "2", "week"), (c, "100", "year")):
            hours = budget_hours(Decimal(amount), unit, world.school)
            staff_services.set_budget(
                member=member,
                school=world.school,
                school_year=world.year,
                hours_per_year=hours,
                amount=Decimal(amount),
                unit=unit,
            )
        changed = workload_services.set_budget_conversion(
            school=world.school, minutes_per_period=45, weeks_per_year=36
        )
        hours = dict(
            Budget.objects.filter(school=world.school).values_list("staff_member", "hours_per_year")
        )
        assert changed == 2
        assert hours == {a.pk: Decimal(108), b.pk: Decimal(72), c.pk: Decimal(100)}

    @pytest.mark.parametrize(("minutes", "weeks"), [(5, 37), (50, 60), (121, 37), (50, 29)])
    def test_impossible_figures_are_refused_and_nothing_changes(self, world, minutes, weeks):
        with pytest.raises(Exception, match="10 tot 120 minuten"):
            workload_services.set_budget_conversion(
                school=world.school, minutes_per_period=minutes, weeks_per_year=weeks
            )
        world.school.refresh_from_db()
        assert (world.school.minutes_per_period, world.school.weeks_per_year) == (50, 37)

    def test_the_page_saves_it_for_a_director(self, client, world):
        client.force_login(world.director)
        url = reverse("teams:budget_conversion", args=[world.school.pk])
        response = client.post(url, {"minutes_per_period": "45", "weeks_per_year": "36"})
        world.school.refresh_from_db()
        assert response.status_code == 302
        assert (world.school.minutes_per_period, world.school.weeks_per_year) == (45, 36)

    def test_words_instead_of_numbers_are_refused(self, client, world):
        client.force_login(world.director)
        url = reverse("teams:budget_conversion", args=[world.school.pk])
        response = client.post(url, {"minutes_per_period": "vijftig", "weeks_per_year": "36"})
        assert response.status_code == 302
        world.school.refresh_from_db()
        assert world.school.weeks_per_year == 37

    @pytest.mark.parametrize(
        ("who", "status"), [("outsider", 404), ("stranger", 404), ("staff_user", 403)]
    )
    def test_others_cannot_change_it(self, client, world, who, status):
        client.force_login(getattr(world, who))
        url = reverse("teams:budget_conversion", args=[world.school.pk])
        response = client.post(url, {"minutes_per_period": "45", "weeks_per_year": "36"})
        assert response.status_code == status
        world.school.refresh_from_db()
        assert world.school.minutes_per_period == 50


def test_one_period_is_singular_and_a_half_is_plural(client, world):
    client.force_login(world.director)
    for member, amount in ((world.staff[0], "1"), (world.staff[1], "1,5")):
        edit(client, world, member, amount, "periods")
    page = client.get(reverse("teams:staff", args=[world.school.pk])).content.decode()
    assert "1 lestijd per week" in page and "1,5 lestijden per week" in page


class TestHoursAWeekOnTheStaffList:
    def staff_list(self, client, world):
        return client.get(reverse("teams:staff", args=[world.school.pk]))

    def test_they_follow_the_schools_weeks(self, client, world):
        world.school.weeks_per_year = 36
        world.school.save(update_fields=["weeks_per_year"])
        staff_services.set_budget(
            member=world.staff[0],
            school=world.school,
            school_year=world.year,
            hours_per_year=Decimal(72),
        )
        client.force_login(world.director)
        page = self.staff_list(client, world).content.decode()
        assert '72 u <span class="text-muted small">(2 u/week)</span>' in page

    def test_queries_do_not_grow_with_budgets(self, client, world, django_assert_max_num_queries):
        from .factories import StaffMemberFactory, appoint

        client.force_login(world.director)
        with CaptureQueriesContext(connection) as few:
            assert self.staff_list(client, world).status_code == 200
        for hours in range(30, 60):
            member = appoint(StaffMemberFactory(), world.school)
            staff_services.set_budget(
                member=member,
                school=world.school,
                school_year=world.year,
                hours_per_year=Decimal(hours),
            )
        with django_assert_max_num_queries(len(few)):
            page = self.staff_list(client, world).content.decode()
        assert page.count("u/week)") >= 30
