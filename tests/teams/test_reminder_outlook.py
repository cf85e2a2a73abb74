"""What the schedule page says about a task's coming reminder and the digest that carries it."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab

from teams.models import Assignment, ReminderSettings, Rhythm, SchoolYear
from teams.reminders import outlook, scan, services

BRUSSELS = ZoneInfo("Europe/Brussels")
WEDNESDAY = date(2027, 3, 3)

pytestmark = pytest.mark.django_db


def test_the_scan_time_is_the_one_the_beat_schedule_gives(settings):
    assert outlook.scan_time() == time(6, 30)
    settings.CELERY_BEAT_SCHEDULE = {
        "send-reminders-daily": {
            "task": "teams.jobs.send_reminders_job",
            "schedule": crontab(hour=7, minute=15),
        }
    }
    assert outlook.scan_time() == time(7, 15)
    settings.CELERY_BEAT_SCHEDULE = {}
    assert outlook.scan_time() is None


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [(0, 5, WEDNESDAY), (6, 29, WEDNESDAY), (6, 30, date(2027, 3, 4)), (23, 59, date(2027, 3, 4))],
)
def test_the_next_scan_is_today_until_it_has_run(hour, minute, expected):
    now = datetime(2027, 3, 3, hour, minute, tzinfo=BRUSSELS)
    assert outlook.next_scan_day(now, time(6, 30)) == expected
    assert outlook.next_scan_day(now, None) == date(2027, 3, 4)


@pytest.mark.parametrize(
    ("digest", "email", "mail", "on"),
    [
        ("daily", "carla@school.test", "coming", date(2027, 3, 4)),
        ("weekly", "carla@school.test", "coming", date(2027, 3, 8)),
        ("off", "carla@school.test", "none", None),
        ("daily", "", "none", None),
    ],
)
def test_each_person_is_told_when_their_digest_carries_it(world, digest, email, mail, on):
    carla = world.staff[2]
    carla.email = email
    carla.save()
    ReminderSettings.objects.create(staff_member=carla, digest=digest)
    task = world.tasks[1]
    Assignment.objects.create(
        school_task=task,
        school_year=SchoolYear.objects.get_or_create(start_year=2026)[0],
        kind="responsible",
        staff_member=carla,
    )
    services.set_schedule(school_task=task, rhythm=Rhythm.ONCE, anchor=date(2027, 3, 8),
                          lead_days=7, today=WEDNESDAY)  # fmt: skip
    now = datetime(2027, 3, 3, 10, tzinfo=BRUSSELS)
    before = outlook.for_task(task, now=now)
    assert before is not None and not before.recorded
    assert (before.due_on, before.remind_on, before.scan_on) == (
        date(2027, 3, 8),
        date(2027, 3, 1),
        date(2027, 3, 4),
    )
    scan.scan_task(task.pk, on=WEDNESDAY)
    after = outlook.for_task(task, now=now)
    assert after is not None and after.recorded and after.lead_days == 7
    assert after.told == (outlook.Told("Carla A", mail, on),)


def test_a_task_without_a_coming_due_date_has_no_outlook(world):
    assert outlook.for_task(world.tasks[1]) is None
    services.set_schedule(school_task=world.tasks[1], rhythm=Rhythm.YEARLY,
                          anchor=date(2030, 8, 15), lead_days=14, today=WEDNESDAY)  # fmt: skip
    services.clear_schedule(school_task=world.tasks[1])
    assert outlook.for_task(world.tasks[1]) is None
