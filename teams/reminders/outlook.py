"""When a task's coming reminder reaches people: in the bell, and in which e-mail digest.

What the schedule page tells whoever sets a due date. The daily scan runs at the
time the beat schedule gives it and, in one run, records the reminders whose day
has come and gathers them into digests: a reminder the scan records goes out that
morning, one recorded in between (a schedule saved within its lead time) with the
next run, and a weekly reader's digest waits for a Monday
(:meth:`ReminderSettings.wants_digest_on`). Who is told is the scan's decision,
made on the day; this module only reads what it recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from teams import job_list
from teams.models import Occurrence, Reminder, ReminderSettings, Schedule, SchoolTask


@dataclass(frozen=True)
class Told:
    """One person reminded of the coming due date, and how it reaches them by e-mail.

    ``mail`` is ``sent`` (on ``on``), ``outbox`` (gathered, being sent), ``coming``
    (in the digest of ``on``) or ``none`` (e-mail turned off, or no address).
    """

    name: str
    mail: str
    on: date | None = None


@dataclass(frozen=True)
class Outlook:
    """The task's coming due date and its reminder.

    Before the reminder is recorded, ``scan_on`` is the day of the scan that records it
    (at the latest) and ``daily_on`` and ``weekly_on`` the days its e-mail goes out to a
    daily and a weekly reader; after, ``told`` says who has it.
    """

    due_on: date
    remind_on: date
    recorded: bool
    told: tuple[Told, ...]
    scan_on: date
    daily_on: date
    weekly_on: date
    scan_at: time | None

    @property
    def lead_days(self) -> int:
        return (self.due_on - self.remind_on).days


def scan_time() -> time | None:
    """The time of day of the daily scan, as the beat schedule has it (None without one)."""
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        when = entry.get("schedule")
        if entry.get("task") == job_list.SEND_REMINDERS.name and isinstance(when, crontab):
            return time(min(when.hour), min(when.minute))
    return None


def next_scan_day(now: datetime, at: time | None) -> date:
    """The day of the first daily scan after ``now``: today until it has run, else tomorrow."""
    today = now.date()
    if at is not None and now.time() < at:
        return today
    return today + timedelta(days=1)


def _monday_from(day: date) -> date:
    return day + timedelta(days=-day.weekday() % 7)


def _digest_day(prefs: ReminderSettings, start: date) -> date:
    return start if prefs.wants_digest_on(start) else _monday_from(start)


def _told(occurrence: Occurrence, scan_on: date) -> tuple[Told, ...]:
    reminders = list(
        Reminder.objects.filter(occurrence=occurrence)
        .about_where_they_work()
        .select_related("staff_member", "digest")
        .order_by("staff_member__last_name", "staff_member__first_name", "pk")
    )
    prefs = {
        row.staff_member_id: row
        for row in ReminderSettings.objects.filter(
            staff_member_id__in={r.staff_member_id for r in reminders}
        )
    }
    found: dict[int, Told] = {}
    for reminder in reminders:
        member = reminder.staff_member
        pref = prefs.get(member.pk) or ReminderSettings(staff_member=member)
        digest = reminder.digest
        if digest is not None and digest.sent_at is not None and not digest.skipped:
            told = Told(member.full_name, "sent", timezone.localdate(digest.sent_at))
        elif digest is not None and not digest.skipped:
            told = Told(member.full_name, "outbox")
        elif digest is not None or not member.email or pref.digest == ReminderSettings.Digest.OFF:
            told = Told(member.full_name, "none")
        else:
            told = Told(member.full_name, "coming", _digest_day(pref, scan_on))
        found.setdefault(member.pk, told)
    return tuple(found.values())


def for_task(task: SchoolTask, *, now: datetime | None = None) -> Outlook | None:
    """The task's coming due date (today or later) and its reminder; None without one."""
    moment = timezone.localtime(now)
    today = moment.date()
    at = scan_time()
    scan_on = next_scan_day(moment, at)
    occurrence = task.occurrences.open().filter(due_on__gte=today).order_by("due_on").first()
    if occurrence is not None:
        return Outlook(
            due_on=occurrence.due_on,
            remind_on=occurrence.remind_on,
            recorded=True,
            told=_told(occurrence, scan_on),
            scan_on=scan_on,
            daily_on=scan_on,
            weekly_on=_monday_from(scan_on),
            scan_at=at,
        )
    schedule = Schedule.objects.filter(school_task=task).first()
    if schedule is None or schedule.next_due_on is None or schedule.remind_on is None:
        return None
    # Not recorded yet: on its day, or (its day has come) by the next scan at the latest.
    first = max(schedule.remind_on, scan_on)
    return Outlook(
        due_on=schedule.next_due_on,
        remind_on=schedule.remind_on,
        recorded=False,
        told=(),
        scan_on=first,
        daily_on=first,
        weekly_on=_monday_from(first),
        scan_at=at,
    )
