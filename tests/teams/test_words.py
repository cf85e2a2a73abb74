"""Words on the pages: plurals, dates at the end of a sentence, nothing internal shown."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from tasks.models import TaskGroup
from teams.models import Assignment, Budget
from teams.workload.figures import recalculate

pytestmark = pytest.mark.django_db


def overload(world, count):
    """Give ``count`` people of school A a 10 h task on a 1 h budget, and store the figures."""
    for member, task in zip(world.staff[:count], world.tasks, strict=False):
        Budget.objects.create(
            staff_member=member, school=world.school, school_year=world.year,
            hours_per_year=Decimal(1),
        )  # fmt: skip
        Assignment.objects.create(
            school_task=task, school_year=world.year, kind="responsible", staff_member=member
        )
    recalculate([world.school.pk], world.year)


def dashboard(client, world, language):
    client.force_login(world.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("teams:workload", args=[world.school.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "count", "words"),
    [
        ("nl", 1, "persoon overbelast"),
        ("nl", 2, "personen overbelast"),
        ("en", 1, "person overloaded"),
        ("en", 3, "people overloaded"),
    ],
)
def test_the_dashboard_counts_overloaded_people_in_a_plural_form(
    client, world, language, count, words
):
    overload(world, count)
    page = dashboard(client, world, language)
    figure = f'<span class="figure-value">{count}</span><span class="figure-label">{words}</span>'
    assert figure in page


def test_an_english_time_ends_without_a_full_stop(client, world):
    moment = datetime(2026, 11, 30, 2, 42, tzinfo=ZoneInfo("Europe/Brussels"))
    with time_machine.travel(moment, tick=False):
        overload(world, 1)  # the figures are stored at that moment
    page = dashboard(client, world, "en")
    assert "Figures of 30 November 2026, 02:42." in page
    assert "02:42.." not in page


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [("nl", "7 dec 2026", "7 december 2026"), ("en", "7 Dec 2026", "7 December 2026")],
)
def test_dates_name_their_month_in_the_pages_language(language, short, long):
    with translation.override(language):
        assert date_format(date(2026, 12, 7), "SHORT_DATE_FORMAT") == short
        assert date_format(date(2026, 12, 7), "DATE_FORMAT") == long


def test_the_dashboard_writes_its_dates_day_first_in_both_languages(client, world):
    moment = datetime(2026, 12, 7, 14, 5, tzinfo=ZoneInfo("Europe/Brussels"))
    with time_machine.travel(moment, tick=False):
        overload(world, 1)
    dutch = dashboard(client, world, "nl")
    assert "Cijfers van 7 december 2026 14:05." in dutch
    assert '<td data-label="Dag">7 dec 2026</td>' in dutch
    english = dashboard(client, world, "en")
    assert "Figures of 7 December 2026, 14:05." in english
    assert '<td data-label="Day">7 Dec 2026</td>' in english
    assert "12/07/2026" not in english and "7-12-2026" not in dutch


def test_task_group_names_follow_the_pages_language(client, world):
    client.force_login(world.director)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    board = client.get(reverse("teams:board", args=[world.school.pk])).content.decode()
    assert 'colspan="8">Technical <span' in board and "Technisch" not in board
    overload(world, 1)
    english = dashboard(client, world, "en")
    assert ">Technical</a>" in english and ">Pedagogical-didactical</a>" in english
    assert "Technisch" not in english and "Beleid en visie" not in english
    assert ">Technisch</a>" in dashboard(client, world, "nl")


def test_a_renamed_group_keeps_the_name_it_was_given(client, world):
    TaskGroup.objects.filter(kind="technical").update(name="ICT-infrastructuur")
    for language in ("nl", "en"):
        client.force_login(world.director)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        board = client.get(reverse("teams:board", args=[world.school.pk])).content.decode()
        assert 'colspan="8">ICT-infrastructuur <span' in board
