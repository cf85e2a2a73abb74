"""Hours typed the way people type them, checked on the server, and asked about first."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from tasks.models import Task, TaskGroup
from teams.assignments.distribution import task_row
from teams.assignments.forms import AssignmentForm
from teams.models import HOURS_PER_YEAR_FULL_TIME, Assignment, SchoolTask, StaffMember
from teams.workload.hours_input import HoursField, display_number, parse_decimal

from .test_board import assign, edit_state

pytestmark = pytest.mark.django_db
R, B = Assignment.Kind.RESPONSIBLE, Assignment.Kind.BACKUP


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("17,5", "17.5"),
        ("17.5", "17.5"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("1.234.567", "1234567"),
        (" 12 uur ", "12"),
        ("2,5u", "2.5"),
        (",5", "0.5"),
        ("20", "20"),
    ],
)
def test_numbers_are_read_with_a_comma_or_a_point(typed, number):
    assert parse_decimal(typed) == Decimal(number)


@pytest.mark.parametrize(
    "typed", ["abc", "", "1,2,3.4.5", "12,34,5", "1.23,5", "1e3", "17,5,", "--5"]
)
def test_what_is_not_a_number_is_refused(typed):
    with pytest.raises(ValueError):
        parse_decimal(typed)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Typ een aantal uren, bijvoorbeeld 17,5."),
        ("-3", "Uren kunnen niet negatief zijn."),
        ("-3,5", "Uren kunnen niet negatief zijn."),
        ("1000000", "1000000 uur is meer dan het maximum van 1000 uur per jaar."),
        ("17,555", "Gebruik hoogstens 2 decimalen."),
    ],
)
def test_the_hours_field_says_in_dutch_what_is_wrong(typed, message):
    field = HoursField(required=False)
    with translation.override("nl"), pytest.raises(Exception) as error:
        field.clean(typed)
    assert error.value.messages == [message]


def test_the_hours_field_shows_hours_in_the_pages_language():
    field = HoursField()
    widget = field.widget
    with translation.override("nl"):
        html = widget.render("hours", Decimal("18.00"))
        assert 'value="18"' in html
        assert display_number(Decimal("14.60")) == "14,6"
        assert 'inputmode="decimal"' in html and 'type="text"' in html
    with translation.override("en"):
        assert display_number(Decimal("17.50")) == "17.5"


def post_add(client, w, task, **fields):
    fields.setdefault("state", task_row(task, w.school, w.year).state)
    data = {f"t{task.pk}-{key}": value for key, value in fields.items()}
    return client.post(reverse("teams:assignment_add", args=[w.school.pk, task.pk]), data)


class TestAddingHours:
    @pytest.mark.parametrize(("typed", "stored"), [("7,5", "7.5"), ("7.5", "7.5"), ("7", "7")])
    def test_a_decimal_comma_or_point_is_stored_as_typed(self, client, world, typed, stored):
        client.force_login(world.director)
        task = world.tasks[0]
        post_add(client, world, task, staff_member=world.staff[0].pk, kind=R, hours=typed)
        assert Assignment.objects.get().hours == Decimal(stored)

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("abc", "Typ een aantal uren, bijvoorbeeld 17,5."),
            ("-2", "Uren kunnen niet negatief zijn."),
            ("99999", "99999 uur is meer dan het maximum van 1000 uur per jaar."),
        ],
    )
    def test_bad_hours_are_refused_and_nothing_is_written(self, client, world, typed, message):
        client.force_login(world.director)
        task = world.tasks[0]
        response = post_add(
            client, world, task, staff_member=world.staff[0].pk, kind=R, hours=typed
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Assignment.objects.exists()

    def test_hours_above_the_tasks_hours_are_asked_about_first(self, client, world):
        task = world.tasks[0]
        task.local_hours = Decimal(20)
        task.save()
        client.force_login(world.director)
        response = post_add(
            client, world, task, staff_member=world.staff[0].pk, kind=R, hours="175"
        )
        page = response.content.decode()
        assert "175 u is meer dan de 20 u die deze taak vraagt." in page
        assert f'name="t{task.pk}-confirm_hours"' in page
        assert 'value="175"' in page  # the typed hours stay for the second try
        assert not Assignment.objects.exists()

        post_add(
            client,
            world,
            task,
            staff_member=world.staff[0].pk,
            kind=R,
            hours="175",
            confirm_hours="on",
        )
        assert Assignment.objects.get().hours == 175

    def test_hours_up_to_the_tasks_hours_need_no_confirmation(self, client, world):
        task = world.tasks[0]
        task.local_hours = Decimal(20)
        task.save()
        client.force_login(world.director)
        post_add(client, world, task, staff_member=world.staff[0].pk, kind=R, hours="20,0")
        assert Assignment.objects.get().hours == 20

    def test_the_form_alone_warns_only_above_the_tasks_hours(self):
        staff = StaffMember.objects.none()
        data = {"partner": "Firma", "kind": R}
        for hours, warned in (("20,01", True), ("20", False), ("", False)):
            form = AssignmentForm({**data, "hours": hours}, staff=staff, task_hours=Decimal(20))
            assert form.is_valid() is not warned
            assert form.hours_warning is warned
        unknown = AssignmentForm({**data, "hours": "900"}, staff=staff, task_hours=None)
        assert unknown.is_valid()


class TestChangingHours:
    def test_a_change_with_a_comma_is_stored(self, client, world):
        a = assign(world, world.tasks[0], world.staff[0])
        client.force_login(world.director)
        client.post(
            reverse("teams:assignment_change", args=[world.school.pk, a.pk]),
            {
                f"a{a.pk}-staff_member": world.staff[0].pk,
                f"a{a.pk}-kind": R,
                f"a{a.pk}-hours": "2,5",
                f"a{a.pk}-version": "1",
            },
        )
        a.refresh_from_db()
        assert a.hours == Decimal("2.5")

    def test_the_editor_shows_stored_hours_the_dutch_way(self, client, world):
        a = assign(world, world.tasks[0], world.staff[0], hours=Decimal("2.50"))
        client.force_login(world.director)
        response = client.get(reverse("teams:task", args=[world.school.pk, world.tasks[0].pk]))
        assert f'name="a{a.pk}-hours" value="2,5"' in response.content.decode()


class TestLackingHours:
    def test_the_board_and_the_task_show_the_hours_nobody_carries(self, client, world):
        task = world.tasks[0]
        task.local_hours = Decimal(12)
        task.save()
        assign(world, task, world.staff[0], hours=Decimal(10))
        client.force_login(world.director)
        board = client.get(reverse("teams:board", args=[world.school.pk])).content.decode()
        page = client.get(reverse("teams:task", args=[world.school.pk, task.pk])).content.decode()
        assert "2 u niet verdeeld" in board
        assert "2 van de 12 u nog aan niemand gegeven" in page

    def test_nothing_is_said_when_the_hours_are_covered(self, client, world):
        task = world.tasks[0]
        task.local_hours = Decimal(12)
        task.save()
        assign(world, task, world.staff[0])
        client.force_login(world.director)
        board = client.get(reverse("teams:board", args=[world.school.pk])).content.decode()
        assert "niet verdeeld" not in board


class TestRemovingAsksFirst:
    @pytest.mark.parametrize("htmx", [False, True])
    def test_remove_asks_and_removes_nothing(self, client, world, htmx):
        a = assign(world, world.tasks[0], world.staff[0])
        client.force_login(world.director)
        response = client.post(
            reverse("teams:assignment_remove", args=[world.school.pk, a.pk]),
            {"version": "1"},
            **({"HTTP_HX_REQUEST": "true"} if htmx else {}),
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Ann A (verantwoordelijke) van deze taak weghalen?" in page
        assert 'name="confirm" value="1"' in page
        assert "HX-Trigger" not in response
        assert Assignment.objects.filter(pk=a.pk).exists()

    def test_confirming_removes(self, client, world):
        a = assign(world, world.tasks[0], world.staff[0])
        client.force_login(world.director)
        client.post(
            reverse("teams:assignment_remove", args=[world.school.pk, a.pk]),
            {"version": "1", "confirm": "1"},
        )
        assert not Assignment.objects.filter(pk=a.pk).exists()

    def test_an_outsider_gets_no_question(self, client, world):
        a = assign(world, world.tasks[0], world.staff[0])
        client.force_login(world.outsider)
        response = client.post(
            reverse("teams:assignment_remove", args=[world.school.pk, a.pk]), {"version": "1"}
        )
        assert response.status_code == 404


class TestBudgetAndTaskHours:
    def test_a_budget_typed_with_a_comma_is_read(self, client, world):
        member = world.staff[0]
        client.force_login(world.director)
        client.post(
            reverse("teams:staff_edit", args=[world.school.pk, member.pk]),
            {
                "first_name": member.first_name,
                "last_name": member.last_name,
                "post": "teacher",
                "budget": "0,5",
                "budget_unit": "fte",
                "state": edit_state(world, member),
            },
        )
        budget = member.budgets.get(school_year=world.year)
        assert budget.hours_per_year > 0
        assert budget.hours_per_year == (Decimal("0.5") * HOURS_PER_YEAR_FULL_TIME).quantize(
            Decimal("0.01")
        )

    def test_a_tasks_local_hours_with_a_comma(self, client, world):
        task = world.tasks[0]
        client.force_login(world.director)
        client.post(
            reverse("teams:task_edit", args=[world.school.pk, task.pk]),
            {"hours": "12,5", "title": task.title, "frequency": task.frequency},
        )
        task.refresh_from_db()
        assert task.local_hours == Decimal("12.5")


class TestKeyboardHelp:
    """What the server tells the page about focus; the browser tests drive the keys."""

    def test_a_search_by_title_shows_its_tasks_and_lands_on_the_first(self, client, world):
        client.force_login(world.director)
        response = client.get(reverse("teams:board", args=[world.school.pk]), {"q": "taak a1"})
        rows = [row for section in response.context["sections"] for row in section.rows]
        assert [row.task for row in rows] == [world.tasks[1]]
        page = response.content.decode()
        assert f'id="toggle-{world.tasks[1].pk}" href' in page
        assert page.count(" autofocus") == 1

    def test_an_exact_code_wins_over_titles_that_contain_it(self, client, world):
        group = TaskGroup.objects.get(kind="technical")
        coded = SchoolTask.objects.create(
            school=world.school,
            catalogue_task=Task.objects.create(code="T1", title="Wifi", group=group),
        )
        world.tasks[0].title = "Taak over T1 en meer"
        world.tasks[0].save()
        client.force_login(world.director)
        response = client.get(reverse("teams:board", args=[world.school.pk]), {"q": "t1"})
        rows = [row for section in response.context["sections"] for row in section.rows]
        assert [row.task for row in rows] == [coded]

    def test_nothing_found_autofocuses_nothing(self, client, world):
        client.force_login(world.director)
        response = client.get(reverse("teams:board", args=[world.school.pk]), {"q": "zzz"})
        assert response.context["shown"] == 0
        assert " autofocus" not in response.content.decode()

    def test_closing_sends_focus_back_to_the_button(self, client, world):
        task = world.tasks[0]
        client.force_login(world.director)
        url = reverse("teams:task", args=[world.school.pk, task.pk])
        closed = client.get(url, {"closed": "1"}, HTTP_HX_REQUEST="true").content.decode()
        assert f'data-focus="toggle-{task.pk}"' in closed

    def test_only_an_editor_button_is_a_focus_target(self, client, world):
        task = world.tasks[0]
        client.force_login(world.director)
        url = reverse("teams:task", args=[world.school.pk, task.pk])
        kept = client.get(url, {"focus": "remove-12"}, HTTP_HX_REQUEST="true").content.decode()
        odd = client.get(url, {"focus": '"><script>'}, HTTP_HX_REQUEST="true").content.decode()
        assert 'data-focus="remove-12"' in kept
        assert 'data-focus=""' in odd

    def test_after_adding_focus_is_on_the_next_person_to_add(self, client, world):
        task = world.tasks[0]
        client.force_login(world.director)
        response = client.post(
            reverse("teams:assignment_add", args=[world.school.pk, task.pk]),
            {
                f"t{task.pk}-staff_member": world.staff[0].pk,
                f"t{task.pk}-kind": R,
                f"t{task.pk}-state": task_row(task, world.school, world.year).state,
            },
            HTTP_HX_REQUEST="true",
        )
        assert f'data-focus="id_t{task.pk}-staff_member"' in response.content.decode()
