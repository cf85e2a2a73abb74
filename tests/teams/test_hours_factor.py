"""Catalogue hours that fit the school: a factor by hand or from its size; own hours win."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse

from tasks.models import Task, TaskGroup
from teams.assignments.distribution import build_board
from teams.models import SchoolTask, WorkloadRequest
from teams.workload import services
from teams.workload.calculator import (
    CATALOGUE,
    LOCAL,
    SCALED,
    hours_factor,
    hours_here,
    hours_source,
    task_hours,
)
from teams.workload.figures import calculate_school, recalculate, stale_schools

from .test_workload import give, person

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.mark.parametrize(
    ("by_hand", "measure", "size", "factor"),
    [
        (None, "", None, "1"),  # nothing given: the catalogue as it is
        (None, "pupils", 500, "1"),  # the catalogue's own size
        (None, "pupils", 2000, "2"),  # four times the pupils, twice the hours
        (None, "pupils", 125, "0.5"),
        (None, "pupils", 1000, "1.41"),
        (None, "devices", 300, "1"),
        (None, "devices", 75, "0.5"),
        (None, "pupils", 10, "0.25"),  # never below a quarter
        (None, "pupils", 20000, "4"),  # never above four times
        (D("0.8"), "pupils", 2000, "0.8"),  # a factor by hand wins over the size
        (D("1.25"), "", None, "1.25"),
        (None, "pupils", None, "1"),  # a measure without a number changes nothing
    ],
)
def test_the_factor_from_a_size_or_by_hand(by_hand, measure, size, factor):
    assert hours_factor(by_hand, measure, size) == D(factor)


def test_task_hours_follow_the_factor_of_the_catalogue_and_keep_the_schools_own():
    assert task_hours(None, D(20), D("0.75")) == D("15.00")
    assert task_hours(None, D("12.5"), D("1.41")) == D("17.63")  # in cents, half up
    assert task_hours(D(30), D(20), D("0.75")) == D(30)  # local hours win
    assert task_hours(None, None, D(2)) is None
    assert task_hours(None, D(20)) == D(20)
    assert hours_source(D(30), D(20), D("0.75")) == LOCAL
    assert hours_source(None, D(20), D("0.75")) == SCALED
    assert hours_source(None, D(20), D(1)) == CATALOGUE
    assert hours_source(None, None, D(2)) is None


@pytest.fixture
def catalogue(world):
    """Two catalogue tasks on school A's list (20 h and 40 h) and one on the group's (10 h)."""
    technical = TaskGroup.objects.get(kind="technical")
    entries = [
        Task.objects.create(code=code, title=title, group=technical, hours_per_year=hours)
        for code, title, hours in (
            ("S1", "Netwerk", 20),
            ("S2", "Printers", 40),
            ("S3", "Wifi", 10),
        )
    ]
    mine = [SchoolTask.objects.create(school=world.school, catalogue_task=t) for t in entries[:2]]
    shared = SchoolTask.objects.create(school_group=world.group, catalogue_task=entries[2])
    return mine, shared


def test_the_calculator_counts_scaled_hours_and_own_hours_win(world, catalogue):
    (network, printers), shared = catalogue
    ann = world.staff[0]
    for task in (network, printers, shared):
        give(world, task, ann)
    SchoolTask.objects.filter(pk=printers.pk).update(local_hours=12)
    world.school.hours_factor_by_hand = D("0.5")
    world.school.save()

    result = calculate_school(world.school, world.year)
    assert result.tasks[network.pk].hours == D("10.00")
    assert result.tasks[network.pk].source == SCALED
    assert result.tasks[printers.pk].hours == D(12)
    assert result.tasks[printers.pk].source == LOCAL
    # A school group has no size: its tasks keep the catalogue's hours.
    assert result.tasks[shared.pk].hours == D(10)
    assert result.tasks[shared.pk].source == CATALOGUE
    # Ann works only in school A: 10 + 12 + the whole group task.
    assert result.people[ann.pk].carried_hours == D(32)
    assert result.needed_by_group["technical"] >= D(22)

    # The school task's own hours say the same as the calculator.
    assert SchoolTask.objects.get(pk=network.pk).hours == D("10.00")
    assert SchoolTask.objects.get(pk=network.pk).hours_source == SCALED


def test_setting_the_factor_recalculates_the_stored_figures(world, catalogue):
    (network, _printers), _shared = catalogue
    ann = world.staff[0]
    give(world, network, ann)
    recalculate([world.school.pk], world.year)
    assert person(world, ann)["carried_hours"] == 20

    factor = services.set_hours_factor(
        school=world.school, size_measure="pupils", size=2000, factor_by_hand=None
    )
    assert factor == 2
    assert WorkloadRequest.objects.filter(school=world.school, school_year=world.year).exists()
    assert stale_schools(world.year, [world.school.pk]) == [world.school.pk]
    recalculate([world.school.pk], world.year)
    assert person(world, ann)["carried_hours"] == 40
    assert stale_schools(world.year, [world.school.pk]) == []


@pytest.mark.parametrize(
    ("measure", "size", "by_hand"),
    [
        ("pupils", None, None),  # a measure without its number
        ("", 400, None),  # a number without what it counts
        ("pupils", 0, None),
        ("pupils", 20001, None),
        ("chairs", 400, None),
        ("", None, D("0.1")),
        ("", None, D("4.5")),
    ],
)
def test_the_service_refuses_what_makes_no_sense_and_writes_nothing(world, measure, size, by_hand):
    with pytest.raises(ValidationError):
        services.set_hours_factor(
            school=world.school, size_measure=measure, size=size, factor_by_hand=by_hand
        )
    world.school.refresh_from_db()
    assert (world.school.size_measure, world.school.size, world.school.hours_factor_by_hand) == (
        "",
        None,
        None,
    )
    assert not WorkloadRequest.objects.exists()


def factor_url(w):
    return reverse("teams:hours_factor", args=[w.school.pk])


class TestThePage:
    def test_a_director_sets_a_factor_with_a_decimal_comma(self, client, world):
        client.force_login(world.director)
        response = client.post(
            factor_url(world), {"size_measure": "", "size": "", "hours_factor_by_hand": "0,8"}
        )
        assert response.status_code == 302
        world.school.refresh_from_db()
        assert world.school.hours_factor_by_hand == D("0.8")
        page = client.get(response["Location"]).content.decode()
        assert "vermenigvuldigd met 0,8" in page
        assert "Nu: factor 0,8, dus een taak van 20 u in de catalogus telt hier voor 16 u." in page

    def test_a_size_in_pupils(self, client, world):
        client.force_login(world.director)
        client.post(factor_url(world), {"size_measure": "pupils", "size": "2000"})
        world.school.refresh_from_db()
        assert (world.school.size_measure, world.school.size) == ("pupils", 2000)
        assert world.school.hours_factor == 2

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"size_measure": "pupils", "size": ""}, "Geef het aantal leerlingen of toestellen."),
            ({"size_measure": "", "size": "400"}, "Kies wat het getal telt"),
            ({"hours_factor_by_hand": "abc"}, "Typ een getal"),
            ({"hours_factor_by_hand": "-1"}, "negatief"),
            ({"hours_factor_by_hand": "0,1"}, "Een factor ligt tussen 0,25 en 4"),
            ({"hours_factor_by_hand": "12"}, "Een factor ligt tussen 0,25 en 4"),
        ],
    )
    def test_bad_input_is_explained_and_kept(self, client, world, data, message):
        client.force_login(world.director)
        response = client.post(factor_url(world), data)
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page
        typed = data.get("hours_factor_by_hand") or data.get("size")
        assert f'value="{typed}"' in page
        world.school.refresh_from_db()
        assert world.school.hours_factor == 1

    def test_only_those_who_manage_the_school_may_set_it(self, client, world):
        client.force_login(world.staff_user)  # works there, may look, not manage
        assert client.post(factor_url(world), {"hours_factor_by_hand": "2"}).status_code == 403
        missing = reverse("teams:hours_factor", args=[99999])
        for user in (world.outsider, world.stranger):  # not theirs answers as not there
            client.force_login(user)
            response = client.post(factor_url(world), {"hours_factor_by_hand": "2"})
            assert response.status_code == 404
            assert client.post(missing, {"hours_factor_by_hand": "2"}).status_code == 404
        world.school.refresh_from_db()
        assert world.school.hours_factor_by_hand is None

    def test_the_board_and_the_task_list_say_where_hours_come_from(self, client, world, catalogue):
        (network, printers), _shared = catalogue
        SchoolTask.objects.filter(pk=printers.pk).update(local_hours=12)
        services.set_hours_factor(
            school=world.school, size_measure="", size=None, factor_by_hand=D("0.5")
        )
        client.force_login(world.director)
        board = build_board(world.school, world.year)
        assert {row.task.pk: row.figures.source for row in board.rows}[network.pk] == SCALED
        page = client.get(reverse("teams:board", args=[world.school.pk])).content.decode()
        assert "catalogus × 0,5" in page
        assert "eigen uren" in page
        assert ">catalogus</span>" in page  # the group task follows the catalogue
        tasks = client.get(reverse("teams:task_list", args=[world.school.pk])).content.decode()
        assert "catalogus × 0,5" in tasks
        detail = client.get(reverse("teams:task", args=[world.school.pk, network.pk]))
        assert "10 uren per jaar (catalogus × 0,5)" in detail.content.decode()


def test_the_admin_keeps_a_size_with_its_measure(client, world):
    admin = User.objects.create_superuser("beheerder", "b@example.org", "x")
    client.force_login(admin)
    url = reverse("admin:teams_school_change", args=[world.school.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "school_group"}
    data |= {"school_group": world.group.pk, "size_measure": "", "size": "400"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "samen met wat het telt" in response.content.decode()
    world.school.refresh_from_db()
    assert world.school.size is None


@pytest.mark.parametrize("factor", ["0.2", "4.01", "9"])
def test_the_service_the_form_and_the_admin_say_the_same_about_a_factor(client, world, factor):
    """One range, one message: the factor's range is written once (FACTOR_RANGE)."""
    said = "Een factor ligt tussen 0,25 en 4."
    with pytest.raises(ValidationError) as refused:
        services.set_hours_factor(
            school=world.school, size_measure="", size=None, factor_by_hand=D(factor)
        )
    assert refused.value.messages == [said]
    client.force_login(world.director)
    page = client.post(factor_url(world), {"hours_factor_by_hand": factor.replace(".", ",")})
    assert said in page.content.decode()
    client.force_login(User.objects.create_superuser("beheerder", "b@example.org", "x"))
    url = reverse("admin:teams_school_change", args=[world.school.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "school_group"}
    data |= {"school_group": world.group.pk, "hours_factor_by_hand": factor}
    assert said in client.post(url, data).content.decode()
    world.school.refresh_from_db()
    assert world.school.hours_factor_by_hand is None


def test_a_task_takes_its_hours_by_one_route_and_reads_the_school_only_when_it_counts():
    def school_factor() -> Decimal:
        raise AssertionError("the school's factor was read where it does not count")

    # Its own hours win; a school group's task keeps the catalogue's; no hours, no source.
    assert hours_here(D(7), D(20), group_level=False, school_factor=school_factor) == (D(7), LOCAL)
    assert hours_here(None, D(20), group_level=True, school_factor=school_factor) == (
        D(20),
        CATALOGUE,
    )
    assert hours_here(None, None, group_level=False, school_factor=school_factor) == (None, None)
    assert hours_here(None, D(20), group_level=False, school_factor=lambda: D("0.5")) == (
        D(10),
        SCALED,
    )
