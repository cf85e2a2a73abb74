"""Reminder pages: the bell, marking done, schedules, settings and the calendar feed."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from teams.models import (
    Assignment,
    Digest,
    Membership,
    Occurrence,
    Reminder,
    ReminderSettings,
    Rhythm,
    Schedule,
    SchoolReminderPolicy,
    SchoolYear,
)
from teams.reminders import services
from teams.reminders.scan import run_scan

from .factories import OwnTaskFactory, StaffMemberFactory, UserFactory, appoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(world, settings):  # type: ignore[no-untyped-def]
    """Carla (the staff login) is responsible for task A0, overdue since yesterday."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    today = timezone.localdate()
    year = SchoolYear.objects.get(start_year=SchoolYear.start_year_of(today))
    task = world.tasks[0]
    Assignment.objects.create(
        school_task=task, school_year=year, kind="responsible", staff_member=world.staff[2]
    )
    Assignment.objects.create(
        school_task=task, school_year=year, kind="backup", staff_member=world.staff[0]
    )
    yesterday = date.fromordinal(today.toordinal() - 1)
    services.set_schedule(
        school_task=task, rhythm=Rhythm.MONTHLY, anchor=yesterday, lead_days=3, today=yesterday
    )
    run_scan(on=today)
    return Occurrence.objects.get(due_on=yesterday)


def test_the_bell_shows_the_unread_count(client, world, due):
    client.force_login(world.staff_user)
    response = client.get(reverse("teams:my_tasks"))
    assert "Herinneringen, 1 ongelezen" in response.content.decode()


def test_opening_a_reminder_marks_it_read_and_goes_to_the_occurrence(client, world, due):
    client.force_login(world.staff_user)
    reminder = Reminder.objects.get(staff_member=world.staff[2])
    url = reverse("teams:reminder_open", args=[reminder.pk])
    assert client.get(url).status_code == 405  # looking at the link changes nothing
    reminder.refresh_from_db()
    assert reminder.read_at is None
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("teams:occurrence", args=[due.pk])
    reminder.refresh_from_db()
    assert reminder.read_at is not None


def test_someone_elses_reminder_answers_404(client, world, due):
    client.force_login(world.director)
    reminder = Reminder.objects.get(staff_member=world.staff[2])
    assert client.post(reverse("teams:reminder_open", args=[reminder.pk])).status_code == 404
    reminder.refresh_from_db()
    assert reminder.read_at is None


def test_mark_all_read(client, world, due):
    client.force_login(world.staff_user)
    response = client.post(reverse("teams:reminders"))
    assert response.status_code == 302
    assert not Reminder.objects.filter(staff_member=world.staff[2], read_at__isnull=True).exists()


def test_the_responsible_marks_the_occurrence_done_with_a_note(client, world, due):
    client.force_login(world.staff_user)
    url = reverse("teams:occurrence", args=[due.pk])
    response = client.post(url, {"note": "Gedaan, 3 licenties verlengd"}, follow=True)
    assert response.status_code == 200
    due.refresh_from_db()
    assert due.done_by == world.staff[2]
    assert due.note == "Gedaan, 3 licenties verlengd"
    assert [str(m) for m in response.context["messages"]] == ["Gemarkeerd als gedaan. Bedankt!"]


def test_a_note_too_long_is_refused_and_nothing_is_written(client, world, due):
    client.force_login(world.staff_user)
    response = client.post(reverse("teams:occurrence", args=[due.pk]), {"note": "x" * 501})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    due.refresh_from_db()
    assert due.done_at is None


def test_a_colleague_without_the_task_may_look_but_not_mark_done(client, world, due):
    other = UserFactory(username="collega")
    Membership.objects.create(user=other, kind="staff", school=world.school)
    appoint(StaffMemberFactory(user=other), world.school)
    client.force_login(other)
    url = reverse("teams:occurrence", args=[due.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"note": ""}).status_code == 403
    due.refresh_from_db()
    assert due.done_at is None


@pytest.mark.parametrize("who", ["outsider", "stranger"])
def test_outsiders_get_404_for_an_occurrence(client, world, due, who):
    client.force_login(getattr(world, who))
    url = reverse("teams:occurrence", args=[due.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": ""}).status_code == 404
    assert client.get(reverse("teams:occurrence", args=[due.pk + 999])).status_code == 404


def test_overdue_occurrences_show_on_my_tasks_the_board_and_the_dashboard(client, world, due):
    client.force_login(world.staff_user)
    assert "Taak A0" in client.get(reverse("teams:my_tasks")).content.decode()
    assert client.get(reverse("teams:my_tasks")).context["overdue"] == [due]
    client.force_login(world.director)
    assert client.get(reverse("teams:board", args=[world.school.pk])).context["overdue"] == [due]
    workload = client.get(reverse("teams:workload", args=[world.school.pk]))
    assert workload.context["overdue"] == [due]
    client.force_login(world.outsider)
    other = client.get(reverse("teams:board", args=[world.other.pk]))
    assert other.status_code == 200 and other.context["overdue"] == []


def test_a_director_sets_a_schedule(client, world):
    client.force_login(world.director)
    task = world.tasks[1]
    url = reverse("teams:schedule", args=[world.school.pk, task.pk])
    response = client.post(url, {"rhythm": "yearly", "anchor": "2030-08-15", "lead_days": "14"})
    assert response.status_code == 302
    schedule = Schedule.objects.get(school_task=task)
    assert (schedule.next_due_on, schedule.remind_on) == (date(2030, 8, 15), date(2030, 8, 1))


BRUSSELS = ZoneInfo("Europe/Brussels")
# A Wednesday morning after the daily scan has run.
WEDNESDAY = datetime(2027, 3, 3, 10, 0, tzinfo=BRUSSELS)


def carla_responsible_for(world, task):  # type: ignore[no-untyped-def]
    year, _ = SchoolYear.objects.get_or_create(start_year=2026)
    Assignment.objects.create(
        school_task=task, school_year=year, kind="responsible", staff_member=world.staff[2]
    )


def test_a_due_date_within_its_lead_time_reminds_at_once_and_once_only(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    task = world.tasks[1]
    carla_responsible_for(world, task)
    url = reverse("teams:schedule", args=[world.school.pk, task.pk])
    with time_machine.travel(WEDNESDAY, tick=False):
        client.force_login(world.director)
        # Due in 5 days, reminded 7 days before: the first reminder date has passed.
        with django_capture_on_commit_callbacks(execute=True) as after_commit:
            response = client.post(
                url, {"rhythm": "once", "anchor": "2027-03-08", "lead_days": "7"}, follow=True
            )
            # Until the scan sent after the commit has run, the page says it is coming.
            assert "De herinnering voor maandag 8 maart 2027 is al aan de beurt" in (
                response.content.decode()
            )
        assert len(after_commit) == 1
        page = client.get(url).content.decode()
        assert "De herinnering voor maandag 8 maart 2027 staat bij het belletje van:" in page
        # Carla reads her e-mail every day: the next morning's digest carries it.
        assert "Carla A, en in hun e-mailoverzicht van donderdag 4 maart 2027" in page
        assert "Elke ochtend om 06:30" in page
        client.force_login(world.staff_user)
        bell = client.get(reverse("teams:my_tasks")).content.decode()
        assert "Herinneringen, 1 ongelezen" in bell
    reminder = Reminder.objects.get()
    assert (reminder.staff_member, reminder.kind, reminder.due_on) == (
        world.staff[2],
        Reminder.Kind.DUE,
        date(2027, 3, 8),
    )
    assert reminder.digest is None  # waiting for the next digest
    with time_machine.travel(datetime(2027, 3, 4, 6, 30, tzinfo=BRUSSELS), tick=False):
        result = run_scan()
        again = run_scan()
    assert (Occurrence.objects.count(), Reminder.objects.count()) == (1, 1)
    assert (result.occurrences, result.sent, again.sent) == (0, 1, 0)
    assert mail.outbox[0].to == [world.staff[2].email] and "Taak A1" in mail.outbox[0].body
    with time_machine.travel(datetime(2027, 3, 4, 9, 0, tzinfo=BRUSSELS), tick=False):
        client.force_login(world.director)
        page = client.get(url).content.decode()
    assert "Carla A, gemaild op donderdag 4 maart 2027" in page


def test_the_due_dates_list_keeps_a_date_recorded_at_once_until_it_is_done(
    client, world, django_capture_on_commit_callbacks
):
    task = world.tasks[1]
    carla_responsible_for(world, task)
    listing = reverse("teams:school_reminders", args=[world.school.pk])
    with time_machine.travel(WEDNESDAY, tick=False):
        client.force_login(world.director)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("teams:schedule", args=[world.school.pk, task.pk]),
                {"rhythm": "once", "anchor": "2027-03-08", "lead_days": "7"},
            )
        # The one date is handed out at once; the list still shows it as the next one.
        assert Schedule.objects.get(school_task=task).next_due_on is None
        shown = client.get(listing)
        assert [s.next_due for s in shown.context["schedules"]] == [date(2027, 3, 8)]
        assert _row_of(shown.content.decode(), "Taak A1").count("2027") == 1
        Occurrence.objects.update(done_at=timezone.now())
        shown = client.get(listing)
        assert [s.next_due for s in shown.context["schedules"]] == [None]
        assert "2027" not in _row_of(shown.content.decode(), "Taak A1")


def _row_of(page: str, text: str) -> str:
    start = page.index(text)
    return page[page.rindex("<tr", 0, start) : page.index("</tr>", start)]


def test_a_due_date_far_ahead_reminds_nobody_now_and_says_when(
    client, world, django_capture_on_commit_callbacks
):
    task = world.tasks[1]
    carla_responsible_for(world, task)
    url = reverse("teams:schedule", args=[world.school.pk, task.pk])
    with time_machine.travel(WEDNESDAY, tick=False):
        client.force_login(world.director)
        with django_capture_on_commit_callbacks(execute=True) as after_commit:
            response = client.post(
                url, {"rhythm": "yearly", "anchor": "2030-08-15", "lead_days": "14"}, follow=True
            )
    assert after_commit == []  # no scan sent
    assert not Occurrence.objects.exists() and not Reminder.objects.exists()
    page = response.content.decode()
    assert (
        "De herinnering voor donderdag 15 augustus 2030 komt op donderdag 1 augustus 2030. "
        "Vanaf die dag staat ze bij het belletje van wie verantwoordelijk is voor de taak, en "
        "in hun e-mailoverzicht van die ochtend als ze er elke dag een krijgen, of van "
        "maandag 5 augustus 2030 als ze er één per week krijgen."
    ) in page


def test_a_due_date_within_its_lead_time_without_a_responsible_says_what_to_do(
    client, world, django_capture_on_commit_callbacks
):
    task = world.tasks[1]
    url = reverse("teams:schedule", args=[world.school.pk, task.pk])
    with time_machine.travel(WEDNESDAY, tick=False):
        client.force_login(world.director)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"rhythm": "once", "anchor": "2027-03-08", "lead_days": "7"})
        page = client.get(url).content.decode()
    assert Occurrence.objects.count() == 1 and not Reminder.objects.exists()
    assert "Niemand kreeg een herinnering voor maandag 8 maart 2027" in page
    assert "krijgt die een herinnering op donderdag 4 maart 2027" in page
    board = reverse("teams:board", args=[world.school.pk])
    assert f'href="{board}#task-{task.pk}">Geef de taak aan iemand op het bord</a>' in page


def test_the_schedule_page_speaks_english_too(client, world, django_capture_on_commit_callbacks):
    task = world.tasks[1]
    carla_responsible_for(world, task)
    ReminderSettings.objects.create(staff_member=world.staff[2], digest="weekly")
    url = reverse("teams:schedule", args=[world.school.pk, task.pk])
    with time_machine.travel(WEDNESDAY, tick=False):
        client.force_login(world.director)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"rhythm": "once", "anchor": "2027-03-08", "lead_days": "7"})
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The reminder for Monday 8 March 2027 is in the bell of:" in page
    # A weekly reader gets it in Monday's digest.
    assert "Carla A, and in their e-mail digest of Monday 8 March 2027" in page
    assert "Every morning at 06:30" in page


def test_a_bad_schedule_is_refused_with_a_message_and_nothing_written(client, world):
    client.force_login(world.director)
    task = world.tasks[1]
    url = reverse("teams:schedule", args=[world.school.pk, task.pk])
    response = client.post(url, {"rhythm": "once", "anchor": "2001-01-01", "lead_days": "3"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    response = client.post(url, {"rhythm": "yearly", "anchor": "2030-01-01", "lead_days": "400"})
    assert response.context["form"].errors["lead_days"]
    assert not Schedule.objects.exists()


def test_staff_may_see_a_schedule_but_not_change_it(client, world):
    client.force_login(world.staff_user)
    url = reverse("teams:schedule", args=[world.school.pk, world.tasks[1].pk])
    assert client.get(url).status_code == 200
    assert (
        client.post(url, {"rhythm": "yearly", "anchor": "2030-08-15", "lead_days": "1"}).status_code
        == 403
    )
    assert not Schedule.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "stranger"])
def test_outsiders_get_404_for_schedules_and_the_schools_reminders(client, world, who):
    client.force_login(getattr(world, who))
    url = reverse("teams:schedule", args=[world.school.pk, world.tasks[1].pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"rhythm": "yearly", "anchor": "2030-08-15", "lead_days": "1"}).status_code
        == 404
    )
    assert client.get(reverse("teams:school_reminders", args=[world.school.pk])).status_code == 404
    assert not Schedule.objects.exists()


def test_a_coordinator_sets_when_the_backup_is_told(client, world):
    client.force_login(world.coordinator)
    url = reverse("teams:school_reminders", args=[world.school.pk])
    assert client.post(url, {"backup_after_days": "0"}).status_code == 200
    assert not SchoolReminderPolicy.objects.exists()
    assert client.post(url, {"backup_after_days": "5"}).status_code == 302
    assert SchoolReminderPolicy.objects.get(school=world.school).backup_after_days == 5


def test_settings_choose_the_rhythm_and_language(client, world):
    client.force_login(world.staff_user)
    url = reverse("teams:reminder_settings")
    assert client.post(url, {"digest": "weekly", "language": "en"}).status_code == 302
    prefs = ReminderSettings.objects.get(staff_member=world.staff[2])
    assert (prefs.digest, prefs.language) == ("weekly", "en")
    assert client.post(url, {"digest": "hourly", "language": "en"}).status_code == 200
    prefs.refresh_from_db()
    assert prefs.digest == "weekly"


def _feed(client, token):  # type: ignore[no-untyped-def]
    client.logout()
    return client.get(reverse("teams:feed", args=[token]))


def test_the_feed_holds_only_its_owners_items(client, world, due):
    year = SchoolYear.objects.get(start_year=SchoolYear.start_year_of(timezone.localdate()))
    theirs = OwnTaskFactory(school=world.school, title="Taak van Ann")
    Assignment.objects.create(
        school_task=theirs, school_year=year, kind="responsible", staff_member=world.staff[0]
    )
    services.set_schedule(
        school_task=theirs, rhythm=Rhythm.WEEKLY, anchor=timezone.localdate(), lead_days=0
    )
    prefs = services.settings_for(world.staff[2])
    response = _feed(client, prefs.feed_token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    titles = {str(event["SUMMARY"]) for event in events}
    assert titles == {"Taak A0"}
    dates = sorted(event.decoded("DTSTART") for event in events)
    assert dates[0] == due.due_on
    assert len(dates) >= 12  # a year of monthly due dates ahead
    assert all(str(event["UID"]).endswith("@ictteam") for event in events)


def test_a_wrong_or_reset_feed_address_answers_404(client, world, due):
    prefs = services.settings_for(world.staff[2])
    old = prefs.feed_token
    assert _feed(client, "x" * 43).status_code == 404
    client.force_login(world.staff_user)
    assert client.post(reverse("teams:reset_feed")).status_code == 302
    assert _feed(client, old).status_code == 404
    new = ReminderSettings.objects.get(pk=prefs.pk).feed_token
    assert new != old
    assert _feed(client, new).status_code == 200


@pytest.mark.parametrize("token", ["abc%00", "x" * 43 + "%00", "%00" * 40, "x" * 40 + "%0A"])
def test_a_feed_address_with_a_nul_byte_or_junk_answers_404(client, token):
    url = reverse("teams:feed", args=["TOKEN"]).replace("TOKEN", token)
    assert client.get(url).status_code == 404


def test_the_reminder_list_costs_the_same_queries_with_many_rows(
    client, world, due, django_assert_max_num_queries
):
    for index in range(60):
        Reminder.objects.create(
            staff_member=world.staff[2], kind="due", key=f"k{index}", school=world.school,
            title=f"T{index}", due_on=due.due_on,
        )  # fmt: skip
    client.force_login(world.staff_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("teams:reminders"))
    assert response.status_code == 200
    assert len(response.context["page"]) == 50


def test_unread_reminders_come_first(client, world, due):
    older = Reminder.objects.get(staff_member=world.staff[2])
    read = Reminder.objects.create(
        staff_member=world.staff[2], kind="due", key="read", school=world.school, title="Gelezen",
        read_at=timezone.now(),
    )  # fmt: skip
    client.force_login(world.staff_user)
    shown = list(client.get(reverse("teams:reminders")).context["page"])
    assert shown == [older, read]


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (Schedule, "lead_days", 9),
        (Occurrence, "note", "Gewijzigd in het beheer"),
        (Reminder, "title", "Gewijzigd in het beheer"),
        (Digest, "last_error", "Gewijzigd in het beheer"),
    ],
    ids=["schedule", "occurrence", "reminder", "digest"],
)
def test_the_admin_shows_reminder_records_but_refuses_every_change(
    client, world, due, model, field, value
):
    if model is Digest:
        Digest.objects.create(staff_member=world.staff[2])
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    obj = model.objects.first()
    rows = list(model.objects.order_by("pk").values())
    name = f"admin:teams_{model._meta.model_name}"
    listing = client.get(reverse(f"{name}_changelist"))
    assert listing.status_code == 200
    assert obj in listing.context["cl"].result_list
    change_url = reverse(f"{name}_change", args=[obj.pk])
    page = client.get(change_url)
    assert page.status_code == 200  # shown, read only...
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse(f"{name}_add")).status_code == 403
    # ...and a change posted all the same is refused, as is a new row.
    data = {k: v for k, v in model_to_dict(obj).items() if v is not None} | {field: value}
    assert client.post(change_url, data).status_code == 403
    assert client.post(reverse(f"{name}_add"), data).status_code == 403
    assert list(model.objects.order_by("pk").values()) == rows
