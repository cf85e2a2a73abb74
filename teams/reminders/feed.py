"""A person's calendar: their due occurrences, and what other apps add, as iCalendar.

Occurrences already made are listed as they are (done ones marked so); the
due dates the scan has not reached yet are computed from the schedules, a
year ahead, so a calendar shows what is coming. Every event is a whole day.
Only the schools the person works in now are in it (their assignments that
count). Apps built on teams add days of their own with :func:`add_entries`
(the step plan: the steps the person owns there), so teams never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from teams.models import Appointment, Assignment, Occurrence, Schedule, SchoolYear, StaffMember
from teams.reminders.recurrence import due_between
from teams.reminders.sources import occurrence_url

PAST_DAYS = 90
AHEAD_DAYS = 366


@dataclass(frozen=True)
class Entry:
    """A whole day another app puts in a person's calendar."""

    uid: str
    day: date
    summary: str
    description: str = ""
    url: str = ""  # a full address, or a path on the site


EntrySource = Callable[[StaffMember, date], Iterable[Entry]]

# The other apps' entries for a person on a day; only apps' ``AppConfig.ready`` adds to it.
ENTRY_SOURCES: list[EntrySource] = []


def add_entries(source: EntrySource) -> None:
    """Put ``source``'s entries in every calendar too (once, however often it is added)."""
    if source not in ENTRY_SOURCES:
        ENTRY_SOURCES.append(source)


def has_calendar(member: StaffMember) -> bool:
    """Whether the person has a calendar: only while they work in a school.

    The address of someone who works nowhere any more answers 404, as a wrong
    address does; someone who left one school but works in another keeps a
    calendar of that other school only.
    """
    return Appointment.objects.current().filter(staff_member=member).exists()


def _responsible_tasks(member: StaffMember) -> set[tuple[int, int]]:
    return set(
        Assignment.objects.counting()
        .filter(staff_member=member, kind=Assignment.Kind.RESPONSIBLE)
        .values_list("school_task_id", "school_year__start_year")
    )


def _event(uid: str, day: date, summary: str, description: str, url: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    return event


def calendar_for(member: StaffMember, *, today: date | None = None) -> bytes:
    """The person's calendar as iCalendar bytes."""
    day = today or timezone.localdate()
    site = settings.SITE_URL.rstrip("/")
    stamp = timezone.now()
    mine = _responsible_tasks(member)
    task_ids = {task_id for task_id, _year in mine}
    calendar = Calendar()
    calendar.add("prodid", "-//ICT-team//reminders//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("ICT tasks of %(name)s") % {"name": member.full_name})
    made: set[tuple[int, date]] = set()
    occurrences = (
        Occurrence.objects.filter(
            school_task_id__in=task_ids, due_on__gte=day - timedelta(days=PAST_DAYS)
        )
        .select_related("school_task__catalogue_task", "school_task__school")
        .order_by("due_on")
    )
    for occurrence in occurrences:
        if (occurrence.school_task_id, SchoolYear.start_year_of(occurrence.due_on)) not in mine:
            continue
        made.add((occurrence.schedule_id, occurrence.due_on))
        title = occurrence.school_task.display_title
        summary = f"✓ {title}" if occurrence.is_done else title
        calendar.add_component(
            _event(
                f"occurrence-{occurrence.schedule_id}-{occurrence.due_on:%Y%m%d}@ictteam",
                occurrence.due_on,
                summary,
                occurrence.note,
                site + occurrence_url(occurrence),
                stamp,
            )
        )
    schedules = Schedule.objects.filter(
        school_task_id__in=task_ids, next_due_on__isnull=False
    ).select_related("school_task__catalogue_task")
    for schedule in schedules:
        assert schedule.next_due_on is not None
        start = max(schedule.next_due_on, day)
        for due in due_between(
            schedule.rhythm, schedule.anchor, start, day + timedelta(days=AHEAD_DAYS)
        ):
            if (schedule.pk, due) in made:
                continue
            if (schedule.school_task_id, SchoolYear.start_year_of(due)) not in mine and (
                schedule.school_task_id,
                SchoolYear.start_year_of(day),
            ) not in mine:
                continue
            calendar.add_component(
                _event(
                    f"occurrence-{schedule.pk}-{due:%Y%m%d}@ictteam",
                    due,
                    schedule.school_task.display_title,
                    "",
                    "",
                    stamp,
                )
            )
    for source in ENTRY_SOURCES:
        for entry in source(member, day):
            url = entry.url if not entry.url or entry.url.startswith("http") else site + entry.url
            calendar.add_component(
                _event(entry.uid, entry.day, entry.summary, entry.description, url, stamp)
            )
    data: bytes = calendar.to_ical()
    return data
