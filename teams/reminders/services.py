"""Changing schedules, marking occurrences done, and a person's reminder settings."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ictteam.celery import enqueue_on_commit
from teams import job_list
from teams.models import (
    Occurrence,
    Reminder,
    ReminderSettings,
    Rhythm,
    Schedule,
    School,
    SchoolReminderPolicy,
    SchoolTask,
    StaffMember,
)
from teams.models.reminders import MAX_LEAD_DAYS, new_feed_token
from teams.reminders.recurrence import first_due_on_or_after


@transaction.atomic
def set_schedule(
    *, school_task: SchoolTask, rhythm: str, anchor: date, lead_days: int, today: date | None = None
) -> Schedule:
    """Give a task a schedule, or change it; occurrences already made stay as they are.

    The next due date is the first one from today on (after the last
    occurrence already made), so a changed schedule neither repeats nor
    back-fills. When its first reminder date (the due date less the lead
    time) is today or has passed, the scan of this task is sent after the
    commit, so the reminders are in the bell at once rather than after the
    next daily scan. Raises ValidationError for a one-off date in the past.
    """
    day = today or timezone.localdate()
    if rhythm not in Rhythm.values:
        raise ValidationError(_("Choose how often the task comes back."))
    if not 0 <= lead_days <= MAX_LEAD_DAYS:
        raise ValidationError(
            _("Remind between 0 and %(days)s days before.") % {"days": MAX_LEAD_DAYS}
        )
    if rhythm == Rhythm.ONCE and anchor < day:
        raise ValidationError(_("The due date has passed: choose today or a later date."))
    schedule = Schedule.objects.select_for_update().filter(school_task=school_task).first()
    schedule = schedule or Schedule(school_task=school_task)
    last = (
        schedule.occurrences.order_by("-due_on").values_list("due_on", flat=True).first()
        if schedule.pk
        else None
    )
    start = max(day, last + timedelta(days=1)) if last else day
    schedule.rhythm, schedule.anchor, schedule.lead_days = rhythm, anchor, lead_days
    schedule.next_due_on = first_due_on_or_after(rhythm, anchor, start)
    schedule.remind_on = (
        schedule.next_due_on - timedelta(days=lead_days) if schedule.next_due_on else None
    )
    schedule.full_clean(exclude=["school_task"])
    schedule.save()
    if schedule.remind_on is not None and schedule.remind_on <= day:
        enqueue_on_commit(job_list.SCAN_TASK, school_task.pk, day.isoformat())
    return schedule


def clear_schedule(*, school_task: SchoolTask) -> None:
    """Stop the task's reminders; the occurrences already made, and their history, stay."""
    Schedule.objects.filter(school_task=school_task).update(next_due_on=None, remind_on=None)


@transaction.atomic
def mark_done(*, occurrence: Occurrence, by: StaffMember | None, note: str = "") -> Occurrence:
    """Mark an occurrence done with an optional note, and its reminders read.

    Raises ValidationError when it was already done (the first mark stands).
    """
    note = note.strip()
    if len(note) > 500:
        raise ValidationError(_("Keep the note under 500 characters."))
    locked = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    if locked.done_at is not None:
        raise ValidationError(_("This was already marked done."))
    locked.done_at, locked.done_by, locked.note = timezone.now(), by, note
    locked.save(update_fields=["done_at", "done_by", "note"])
    Reminder.objects.filter(occurrence=locked, read_at__isnull=True).update(read_at=locked.done_at)
    return locked


def settings_for(member: StaffMember) -> ReminderSettings:
    """The person's reminder settings, created with the defaults on first use."""
    found, _created = ReminderSettings.objects.get_or_create(staff_member=member)
    return found


def settings_shown(member: StaffMember) -> ReminderSettings | None:
    """The person's saved reminder settings, for reading: None until they save or ask for a
    calendar address (the defaults hold meanwhile)."""
    return ReminderSettings.objects.filter(staff_member=member).first()


def update_settings(*, member: StaffMember, digest: str, language: str) -> ReminderSettings:
    prefs = settings_for(member)
    prefs.digest, prefs.language = digest, language
    prefs.full_clean()
    prefs.save(update_fields=["digest", "language"])
    return prefs


def reset_feed(*, member: StaffMember) -> ReminderSettings:
    """Give the person a new calendar address; the old one answers 404 from now on."""
    prefs = settings_for(member)
    prefs.feed_token = new_feed_token()
    prefs.save(update_fields=["feed_token"])
    return prefs


def set_backup_after_days(*, school: School, days: int) -> SchoolReminderPolicy:
    if not 1 <= days <= 365:
        raise ValidationError(_("Give a number of days from 1 to 365."))
    policy, _created = SchoolReminderPolicy.objects.update_or_create(
        school=school, defaults={"backup_after_days": days}
    )
    return policy


def mark_read(*, member: StaffMember, reminder_ids: list[int] | None = None) -> int:
    """Mark the person's reminders read (all of them, or the ones given); returns how many."""
    unread = Reminder.objects.filter(staff_member=member, read_at__isnull=True)
    if reminder_ids is not None:
        unread = unread.filter(pk__in=reminder_ids)
    return unread.update(read_at=timezone.now())
