"""The reminder scan: occurrences, reminders, digests, exactly once, over a school year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from tasks.models import CatalogueImport, Task, TaskGroup
from teams.models import (
    Assignment,
    Digest,
    Occurrence,
    Reminder,
    ReminderSettings,
    Rhythm,
    Schedule,
    SchoolReminderPolicy,
    SchoolTask,
    SchoolYear,
    StaffMember,
)
from teams.reminders import scan, services
from teams.reminders.scan import run_scan

from .conftest import World
from .factories import OwnTaskFactory, StaffMemberFactory, appoint

BRUSSELS = ZoneInfo("Europe/Brussels")
Kind = Reminder.Kind


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("mail server down")


@dataclass
class Cast:
    world: World
    task: SchoolTask
    responsible: StaffMember  # Carla, with the staff login
    backup: StaffMember  # Ann


@pytest.fixture
def cast(world: World, settings) -> Cast:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    task = world.tasks[0]
    carla, ann = world.staff[2], world.staff[0]
    for start in (2026, 2027):
        year, _ = SchoolYear.objects.get_or_create(start_year=start)
        Assignment.objects.create(
            school_task=task, school_year=year, kind="responsible", staff_member=carla
        )
        Assignment.objects.create(
            school_task=task, school_year=year, kind="backup", staff_member=ann
        )
    return Cast(world, task, carla, ann)


def yearly(task: SchoolTask, anchor: date, lead: int = 14, today: date = date(2026, 9, 1)):  # type: ignore[no-untyped-def]
    return services.set_schedule(
        school_task=task, rhythm=Rhythm.YEARLY, anchor=anchor, lead_days=lead, today=today
    )


def kinds(member: StaffMember) -> list[tuple[str, date | None]]:
    return sorted(
        Reminder.objects.filter(staff_member=member).values_list("kind", "due_on"),
        key=lambda pair: (pair[0], pair[1] or date.min),
    )


# --- Occurrences and lead times ---------------------------------------------------------------


def test_nothing_is_recorded_before_the_lead_time(cast):
    yearly(cast.task, date(2027, 8, 15), lead=14)
    result = run_scan(on=date(2027, 7, 31))
    assert result.occurrences == 0
    assert not Occurrence.objects.exists()
    assert mail.outbox == []


def test_the_lead_time_opens_an_occurrence_and_tells_the_responsible(cast):
    yearly(cast.task, date(2027, 8, 15), lead=14)
    result = run_scan(on=date(2027, 8, 1))
    assert Occurrence.objects.get().due_on == date(2027, 8, 15)
    assert kinds(cast.responsible) == [(Kind.DUE, date(2027, 8, 15))]
    assert kinds(cast.backup) == []
    assert result.sent == 1
    assert mail.outbox[0].to == [cast.responsible.email]
    assert "Taak A0" in mail.outbox[0].body
    assert "http://127.0.0.1:8000/schools/occurrences/" in mail.outbox[0].body


def test_a_second_run_on_the_same_day_sends_nothing_more(cast):
    yearly(cast.task, date(2027, 8, 15), lead=14)
    run_scan(on=date(2027, 8, 1))
    again = run_scan(on=date(2027, 8, 1))
    assert again.sent == 0
    assert len(mail.outbox) == 1
    assert Occurrence.objects.count() == 1
    assert Reminder.objects.count() == 1


def test_overdue_tells_the_responsible_once_more_and_then_stays_quiet(cast):
    yearly(cast.task, date(2027, 8, 15), lead=0)
    for day in range(15, 20):
        run_scan(on=date(2027, 8, day))
    assert kinds(cast.responsible) == [
        (Kind.DUE, date(2027, 8, 15)),
        (Kind.OVERDUE, date(2027, 8, 15)),
    ]
    assert len([m for m in mail.outbox if m.to == [cast.responsible.email]]) == 2


def test_the_backup_is_told_after_the_schools_number_of_days(cast):
    SchoolReminderPolicy.objects.create(school=cast.world.school, backup_after_days=3)
    yearly(cast.task, date(2027, 8, 15), lead=0)
    run_scan(on=date(2027, 8, 15))
    run_scan(on=date(2027, 8, 18))  # three days late: not yet
    assert kinds(cast.backup) == []
    run_scan(on=date(2027, 8, 19))
    assert kinds(cast.backup) == [(Kind.BACKUP, date(2027, 8, 15))]
    assert mail.outbox[-1].to == [cast.backup.email]


def test_marking_done_stops_the_reminders(cast):
    yearly(cast.task, date(2027, 8, 15), lead=3)
    run_scan(on=date(2027, 8, 12))
    occurrence = Occurrence.objects.get()
    services.mark_done(occurrence=occurrence, by=cast.responsible, note="Licenties verlengd")
    for day in range(13, 31):
        run_scan(on=date(2027, 8, day))
    assert kinds(cast.responsible) == [(Kind.DUE, date(2027, 8, 15))]
    assert kinds(cast.backup) == []
    occurrence.refresh_from_db()
    assert occurrence.note == "Licenties verlengd"
    assert Reminder.objects.get().read_at is not None


def test_marking_done_twice_keeps_the_first_mark(cast):
    yearly(cast.task, date(2027, 8, 15), lead=3)
    run_scan(on=date(2027, 8, 12))
    occurrence = Occurrence.objects.get()
    services.mark_done(occurrence=occurrence, by=cast.responsible, note="eerst")
    with pytest.raises(ValidationError, match="al gemarkeerd"):
        services.mark_done(occurrence=occurrence, by=cast.backup, note="tweede")
    occurrence.refresh_from_db()
    assert (occurrence.note, occurrence.done_by) == ("eerst", cast.responsible)


def test_a_reminder_done_before_its_digest_goes_out_is_left_out(cast):
    ReminderSettings.objects.create(staff_member=cast.responsible, digest="weekly")
    yearly(cast.task, date(2027, 8, 19), lead=3)  # reminded from Monday 16 August
    run_scan(on=date(2027, 8, 17))  # Tuesday: recorded, not mailed
    services.mark_done(occurrence=Occurrence.objects.get(), by=cast.responsible)
    run_scan(on=date(2027, 8, 23))  # Monday
    assert mail.outbox == []
    assert Digest.objects.get().skipped


def test_a_hidden_task_gets_no_occurrence_but_its_schedule_moves_on(cast):
    schedule = yearly(cast.task, date(2027, 8, 15), lead=0)
    SchoolTask.objects.filter(pk=cast.task.pk).update(is_hidden=True)
    run_scan(on=date(2027, 8, 15))
    assert not Occurrence.objects.exists()
    schedule.refresh_from_db()
    assert schedule.next_due_on == date(2028, 8, 15)


# --- Choices of the person ----------------------------------------------------------------------


def test_e_mail_off_keeps_the_reminder_in_the_bell_only(cast):
    services.update_settings(member=cast.responsible, digest="off", language="nl")
    yearly(cast.task, date(2027, 8, 15), lead=0)
    run_scan(on=date(2027, 8, 15))
    run_scan(on=date(2027, 8, 16))
    assert mail.outbox == []
    assert Reminder.objects.filter(staff_member=cast.responsible, read_at__isnull=True).count() == 2
    assert not Digest.objects.filter(sent_at__isnull=True, skipped=False).exists()


def test_weekly_readers_get_one_e_mail_on_monday(cast):
    services.update_settings(member=cast.responsible, digest="weekly", language="nl")
    yearly(cast.task, date(2027, 8, 19), lead=2)  # reminded from Tuesday 17 August
    for day in range(17, 24):  # Tuesday 17 to Monday 23
        run_scan(on=date(2027, 8, day))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "ICT-team: 2 herinneringen"
    assert date(2027, 8, 23).weekday() == 0


def test_the_digest_is_in_the_persons_language(cast):
    services.update_settings(member=cast.responsible, digest="daily", language="en")
    yearly(cast.task, date(2027, 8, 15), lead=0)
    run_scan(on=date(2027, 8, 15))
    assert mail.outbox[0].subject == "ICT-team: 1 reminder"
    assert "is due on" in mail.outbox[0].body


def test_the_digest_is_dutch_by_default(cast):
    yearly(cast.task, date(2027, 8, 15), lead=0)
    run_scan(on=date(2027, 8, 15))
    assert mail.outbox[0].subject == "ICT-team: 1 herinnering"
    assert "Hallo Carla" in mail.outbox[0].body


def test_a_person_without_an_address_is_told_in_the_bell_only(cast):
    StaffMember.objects.filter(pk=cast.responsible.pk).update(email="")
    yearly(cast.task, date(2027, 8, 15), lead=0)
    assert run_scan(on=date(2027, 8, 15)).sent == 0
    assert Reminder.objects.filter(staff_member=cast.responsible).count() == 1


# --- Exactly once, with a failing mail server ------------------------------------------------


def test_a_failing_mail_server_delays_the_digest_without_losing_it(cast, settings):
    yearly(cast.task, date(2027, 8, 15), lead=0)
    settings.EMAIL_BACKEND = "tests.teams.test_reminders.FailingBackend"
    assert run_scan(on=date(2027, 8, 15)).sent == 0
    digest = Digest.objects.get()
    assert (digest.sent_at, digest.attempts) == (None, 1)
    assert "mail server down" in digest.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run_scan(on=date(2027, 8, 15)).sent == 1
    assert run_scan(on=date(2027, 8, 15)).sent == 0
    assert len(mail.outbox) == 1
    assert Digest.objects.get().sent_at is not None


def test_a_crash_after_recording_sends_the_recorded_reminders_on_the_next_run(cast):
    """The job died after writing reminders and digests, before sending: nothing is lost."""
    from teams.reminders import scan

    yearly(cast.task, date(2027, 8, 15), lead=0)
    scan.record_occurrences(on=date(2027, 8, 15))
    scan.record_reminders(on=date(2027, 8, 15))
    scan.gather_digests(on=date(2027, 8, 15))  # ... and the process stops here
    assert mail.outbox == []
    result = run_scan(on=date(2027, 8, 15))  # the retry
    assert result.sent == 1
    assert run_scan(on=date(2027, 8, 15)).sent == 0
    assert len(mail.outbox) == 1


def test_a_catch_up_run_for_a_missed_day_still_reminds(cast):
    yearly(cast.task, date(2027, 8, 15), lead=5)
    run_scan(on=date(2027, 8, 20))  # the scan did not run for days
    assert kinds(cast.responsible) == [(Kind.OVERDUE, date(2027, 8, 15))]
    assert len(mail.outbox) == 1


# --- The other sources ---------------------------------------------------------------------------


def test_coordinators_get_a_weekly_summary_of_the_schools_overdue_items(cast):
    coordinator = appoint(
        StaffMemberFactory(first_name="Cor", user=cast.world.coordinator), cast.world.school
    )
    yearly(cast.task, date(2027, 8, 12), lead=0)
    for day in range(12, 18):  # Monday 16 August is the only Monday
        run_scan(on=date(2027, 8, day))
    summaries = Reminder.objects.filter(staff_member=coordinator, kind=Kind.SUMMARY)
    assert [r.key for r in summaries] == [f"summary:{cast.world.school.pk}:2027-W33"]
    assert summaries.get().data["count"] == 1
    coordinator_mail = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert len(coordinator_mail) == 1
    assert "1 taak" in coordinator_mail[0].body


def test_directors_learn_which_catalogue_tasks_changed_their_hours_and_since_when(cast):
    director = appoint(
        StaffMemberFactory(first_name="Dirk", user=cast.world.director), cast.world.school
    )
    group = TaskGroup.objects.get(kind="technical")
    licences = Task.objects.create(
        code="T90", title="Licenties beheren", group=group, hours_per_year=Decimal(14)
    )
    wifi = Task.objects.create(code="T91", title="Wifi", group=group, hours_per_year=Decimal(8))
    SchoolTask.objects.create(school=cast.world.school, catalogue_task=licences)
    SchoolTask.objects.create(school=cast.world.school, catalogue_task=wifi, local_hours=5)
    SchoolTask.objects.create(school=cast.world.other, catalogue_task=licences, is_hidden=True)
    with time_machine.travel(datetime(2027, 3, 2, 10, tzinfo=BRUSSELS), tick=False):
        CatalogueImport.objects.create(
            source="command",
            file_name="t.xlsx",
            file_sha256="0" * 64,
            status=CatalogueImport.Status.APPLIED,
            finished_at=timezone.now(),
            changes=[
                {"kind": "updated", "task_id": licences.pk, "title": licences.title,
                 "fields": {"hours_per_year": ["10", "14"]}},
                {"kind": "updated", "task_id": wifi.pk, "title": "Wifi",
                 "fields": {"hours_per_year": ["6", "8"]}},
            ],
        )  # fmt: skip
    run_scan(on=date(2027, 3, 3))
    reminder = Reminder.objects.get(kind=Kind.CATALOGUE)
    assert reminder.staff_member == director
    assert reminder.data["since"] == "2027-03-02"
    assert [i["title"] for i in reminder.data["items"]] == ["Licenties beheren"]
    body = next(m.body for m in mail.outbox if m.to == [director.email])
    assert "Licenties beheren: 10 → 14 uren" in body
    assert "sinds 2 maart 2027" in body  # the date in the reader's language
    run_scan(on=date(2027, 3, 4))
    assert Reminder.objects.filter(kind=Kind.CATALOGUE).count() == 1


def test_a_school_that_scales_the_catalogue_is_told_its_own_hours(cast):
    director = appoint(
        StaffMemberFactory(first_name="Dirk", user=cast.world.director), cast.world.school
    )
    cast.world.school.hours_factor_by_hand = Decimal("0.5")
    cast.world.school.save()
    group = TaskGroup.objects.get(kind="technical")
    licences = Task.objects.create(
        code="T90", title="Licenties beheren", group=group, hours_per_year=Decimal(14)
    )
    SchoolTask.objects.create(school=cast.world.school, catalogue_task=licences)
    with time_machine.travel(datetime(2027, 3, 2, 10, tzinfo=BRUSSELS), tick=False):
        CatalogueImport.objects.create(
            source="command", file_name="t.xlsx", file_sha256="0" * 64,
            status=CatalogueImport.Status.APPLIED, finished_at=timezone.now(),
            changes=[{"kind": "updated", "task_id": licences.pk, "title": licences.title,
                      "fields": {"hours_per_year": ["10", "14"]}}],
        )  # fmt: skip
    run_scan(on=date(2027, 3, 3))
    reminder = Reminder.objects.get(kind=Kind.CATALOGUE)
    assert reminder.data["items"] == [{"title": "Licenties beheren", "old": "5.00", "new": "7.00"}]
    assert reminder.data["delta"] == "2.00"
    body = next(m.body for m in mail.outbox if m.to == [director.email])
    assert "Licenties beheren: 5 → 7 uren" in body
    assert "(2 uren in totaal)" in body


def test_overdue_guideline_steps_come_through_the_same_digests(cast):
    from guidelines.definitions import load_file
    from guidelines.services import plan_step, start_cycle
    from tests.guidelines.conftest import definition, dump

    version = load_file(dump(definition()), publish=True).version
    year = SchoolYear.objects.get(start_year=2026)
    cycle = start_cycle(school=cast.world.school, school_year=year, version=version)
    step_key = version.steps.order_by("number").first().key
    plan_step(cycle=cycle, step_key=step_key, owner=cast.backup, target_date=date(2027, 1, 31))
    run_scan(on=date(2027, 2, 3))
    step = Reminder.objects.get(kind=Kind.STEP)
    assert step.staff_member == cast.backup
    assert step.title.startswith("Stap 1.")
    assert f"/cycles/{cycle.pk}/#step-{step_key}" in mail.outbox[0].body


def test_a_school_year_of_daily_scans_tells_everyone_once_per_due_date(cast):
    world = cast.world
    monthly = OwnTaskFactory(school=world.school, title="Back-ups controleren")
    weekly = OwnTaskFactory(school=world.school, title="Helpdesk-tickets")
    year = SchoolYear.objects.get(start_year=2026)
    for task in (monthly, weekly):
        Assignment.objects.create(
            school_task=task, school_year=year, kind="responsible", staff_member=cast.responsible
        )
    services.update_settings(member=cast.backup, digest="off", language="nl")
    start = date(2026, 9, 1)
    with time_machine.travel(datetime(2026, 8, 20, 9, tzinfo=BRUSSELS), tick=False):
        yearly(cast.task, date(2026, 8, 15), lead=14, today=timezone.localdate())
        services.set_schedule(school_task=monthly, rhythm=Rhythm.MONTHLY,
                              anchor=date(2026, 9, 30), lead_days=3)  # fmt: skip
        services.set_schedule(school_task=weekly, rhythm=Rhythm.WEEKLY,
                              anchor=date(2026, 9, 7), lead_days=0)  # fmt: skip
    days = 0
    day = start
    while day <= date(2027, 8, 31):
        # 06:30 in Brussels, whatever the daylight-saving time
        with time_machine.travel(datetime(day.year, day.month, day.day, 6, 30,
                                          tzinfo=BRUSSELS), tick=False):  # fmt: skip
            run_scan()
            # Carla does her weekly and monthly tasks on the day they are due.
            for occurrence in Occurrence.objects.open().filter(
                school_task__in=[weekly, monthly], due_on=day
            ):
                services.mark_done(occurrence=occurrence, by=cast.responsible)
        day += timedelta(days=1)
        days += 1
    assert days == 365
    weekly_dates = sorted(
        Occurrence.objects.filter(school_task=weekly).values_list("due_on", flat=True)
    )
    assert len(weekly_dates) == 52 and all(d.weekday() == 0 for d in weekly_dates)
    monthly_dates = sorted(
        Occurrence.objects.filter(school_task=monthly).values_list("due_on", flat=True)
    )
    assert monthly_dates[:6] == [
        date(2026, 9, 30),
        date(2026, 10, 30),
        date(2026, 11, 30),
        date(2026, 12, 30),
        date(2027, 1, 30),
        date(2027, 2, 28),
    ]
    assert len(monthly_dates) == 12  # 30 August 2027 was reminded from the 27th
    assert Occurrence.objects.get(school_task=cast.task).due_on == date(2027, 8, 15)
    # Every due date told once; only the yearly task, never done, went overdue.
    due = Reminder.objects.filter(staff_member=cast.responsible, kind=Kind.DUE)
    assert due.count() == 52 + 12 + 1
    assert list(Reminder.objects.filter(kind=Kind.OVERDUE).values_list("title", flat=True)) == [
        "Taak A0"
    ]
    assert Reminder.objects.filter(kind=Kind.BACKUP, staff_member=cast.backup).count() == 1
    # One e-mail a day at most, and none for the backup who turned e-mail off.
    to_carla = [m for m in mail.outbox if m.to == [cast.responsible.email]]
    assert (
        len(to_carla) == Digest.objects.filter(staff_member=cast.responsible, skipped=False).count()
    )
    assert len(to_carla) <= 365
    assert not [m for m in mail.outbox if m.to == [cast.backup.email]]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # The night the clocks go back (25 October 2026, 03:00 CEST -> 02:00 CET).
        (datetime(2026, 10, 24, 22, 30, tzinfo=ZoneInfo("UTC")), date(2026, 10, 25)),
        (datetime(2026, 10, 25, 22, 30, tzinfo=ZoneInfo("UTC")), date(2026, 10, 25)),
        # The night they go forward (28 March 2027, 02:00 CET -> 03:00 CEST).
        (datetime(2027, 3, 27, 23, 30, tzinfo=ZoneInfo("UTC")), date(2027, 3, 28)),
        (datetime(2027, 3, 28, 22, 30, tzinfo=ZoneInfo("UTC")), date(2027, 3, 29)),
    ],
)
def test_the_scan_uses_the_day_in_brussels_across_daylight_saving_changes(cast, moment, expected):
    services.set_schedule(school_task=cast.task, rhythm=Rhythm.ONCE, anchor=expected,
                          lead_days=0, today=date(2026, 9, 1))  # fmt: skip
    with time_machine.travel(moment, tick=False):
        run_scan()
    assert Occurrence.objects.get().due_on == expected
    assert kinds(cast.responsible) == [(Kind.DUE, expected)]


def test_a_one_off_date_in_the_past_is_refused_and_nothing_is_written(cast):
    with pytest.raises(ValidationError, match="vervaldatum is voorbij"):
        services.set_schedule(
            school_task=cast.task,
            rhythm=Rhythm.ONCE,
            anchor=date(2026, 8, 1),
            lead_days=0,
            today=date(2026, 9, 1),
        )
    assert not Schedule.objects.exists()


# --- A schedule saved within its lead time --------------------------------------------------------


def test_a_schedule_saved_within_its_lead_time_sends_its_scan_after_the_commit(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as later:
        services.set_schedule(school_task=cast.task, rhythm=Rhythm.YEARLY, anchor=date(2027, 9, 30),
                              lead_days=7, today=date(2027, 8, 16))  # fmt: skip
    assert later == []  # reminded from 23 September: the daily scan does it then
    with django_capture_on_commit_callbacks() as later:
        services.set_schedule(school_task=cast.task, rhythm=Rhythm.ONCE, anchor=date(2027, 8, 20),
                              lead_days=7, today=date(2027, 8, 16))  # fmt: skip
    assert len(later) == 1 and not Occurrence.objects.exists()  # nothing before the commit
    later[0]()  # in this process, as without a broker
    assert kinds(cast.responsible) == [(Kind.DUE, date(2027, 8, 20))]
    assert Schedule.objects.get().next_due_on is None  # handed out, as the daily scan does
    assert mail.outbox == []  # the next digest carries it
    result = run_scan(on=date(2027, 8, 17))
    assert (result.occurrences, result.sent) == (0, 1)
    assert Reminder.objects.count() == 1


def test_the_scan_of_one_task_tells_only_about_that_task(cast):
    coordinator = appoint(
        StaffMemberFactory(first_name="Cor", user=cast.world.coordinator), cast.world.school
    )
    other = cast.world.tasks[1]
    Assignment.objects.create(
        school_task=other,
        school_year=SchoolYear.objects.get(start_year=2026),
        kind="responsible",
        staff_member=cast.responsible,
    )
    yearly(cast.task, date(2027, 8, 12), lead=0)
    run_scan(on=date(2027, 8, 12))  # Thursday: due today; overdue from Friday
    monday = date(2027, 8, 16)
    services.set_schedule(school_task=other, rhythm=Rhythm.ONCE, anchor=date(2027, 8, 18),
                          lead_days=7, today=monday)  # fmt: skip
    scan.scan_task(other.pk, on=monday)
    # Only the task's own reminder: not the other task's overdue one, nor the Monday summary,
    # which a part of the school's overdue items would keep out under its key.
    assert kinds(cast.responsible) == [(Kind.DUE, date(2027, 8, 12)), (Kind.DUE, date(2027, 8, 18))]
    assert not Reminder.objects.filter(staff_member=coordinator).exists()
    run_scan(on=monday)
    assert kinds(cast.responsible) == [
        (Kind.DUE, date(2027, 8, 12)),
        (Kind.DUE, date(2027, 8, 18)),
        (Kind.OVERDUE, date(2027, 8, 12)),
    ]
    assert Reminder.objects.get(staff_member=coordinator, kind=Kind.SUMMARY).data["count"] == 1


# --- The command ---------------------------------------------------------------------------------


def test_the_command_prints_the_e_mails_sent_on_its_last_line(cast):
    yearly(cast.task, date(2027, 8, 15), lead=14)
    out = StringIO()
    call_command("send_reminders", "--date", "2027-08-01", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "e-mails sent: 1"
    out = StringIO()
    call_command("send_reminders", "--date", "2027-08-01", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "e-mails sent: 0"


def test_the_command_refuses_a_malformed_date(cast):
    with pytest.raises(CommandError, match="2026-09-01"):
        call_command("send_reminders", "--date", "01/08/2027")


# --- Cost ----------------------------------------------------------------------------------------


def _many_schedules(world: World, count: int) -> None:
    year = SchoolYear.objects.get(start_year=2026)
    for member in world.staff:  # the same three people work in both schools
        appoint(member, world.other)
    for index in range(count):
        school = world.school if index % 2 else world.other
        task = OwnTaskFactory(school=school, title=f"Taak {index}")
        Assignment.objects.create(school_task=task, school_year=year, kind="responsible",
                                  staff_member=world.staff[index % 3])  # fmt: skip
        services.set_schedule(school_task=task, rhythm=Rhythm.YEARLY, anchor=date(2027, 5, 1),
                              lead_days=7, today=date(2026, 9, 1))  # fmt: skip


def test_a_scan_with_nothing_due_costs_a_few_queries_however_many_schedules(
    cast, django_assert_max_num_queries
):
    _many_schedules(cast.world, 40)
    # Schedules, occurrences, catalogue news, the current school year, overdue steps,
    # reminders without a digest, the outbox.
    with django_assert_max_num_queries(7):
        run_scan(on=date(2026, 10, 1))


def test_a_scan_costs_the_same_queries_for_20_or_40_due_occurrences(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _many_schedules(cast.world, 20)  # due 1 May 2027, reminded from 24 April
    with CaptureQueriesContext(connection) as twenty:
        assert run_scan(on=date(2027, 4, 24)).occurrences == 20
    Occurrence.objects.update(done_at=timezone.now())  # all done: nothing overdue later
    year = SchoolYear.objects.get(start_year=2026)
    for index in range(40):
        task = OwnTaskFactory(school=cast.world.school, title=f"Later {index}")
        Assignment.objects.create(school_task=task, school_year=year, kind="responsible",
                                  staff_member=cast.world.staff[index % 3])  # fmt: skip
        services.set_schedule(school_task=task, rhythm=Rhythm.YEARLY, anchor=date(2027, 6, 1),
                              lead_days=7, today=date(2026, 9, 1))  # fmt: skip
    with CaptureQueriesContext(connection) as forty:
        result = run_scan(on=date(2027, 5, 25))
    assert result.occurrences == 40
    assert result.sent == 3  # the same three people
    assert len(forty) == len(twenty)


def test_the_daily_job_records_then_hands_the_digests_to_a_sender(
    cast, django_capture_on_commit_callbacks
):
    from teams.jobs import send_reminders_job

    yearly(cast.task, date(2027, 8, 15), lead=0)
    morning = datetime(2027, 8, 15, 6, 30, tzinfo=BRUSSELS)
    with (
        time_machine.travel(morning, tick=False),
        django_capture_on_commit_callbacks(execute=True) as sent_after_commit,
    ):
        assert send_reminders_job() == 1
    assert len(sent_after_commit) == 1
    assert [m.to for m in mail.outbox] == [[cast.responsible.email]]
    assert not Digest.objects.filter(sent_at__isnull=True).exists()
