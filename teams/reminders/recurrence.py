"""Due dates of a schedule, with python-dateutil's rrule.

A rhythm anchored on a day a month may not have (the 31st, 29 February)
falls on that month's last day instead: rrule's ``bysetpos=-1`` over the
days from the 28th up to the anchor's day picks the latest that exists.
Due dates are calendar days in the school's time zone (Europe/Brussels), so
daylight-saving changes never move them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from dateutil.rrule import MONTHLY, WEEKLY, YEARLY, rrule

from teams.models.reminders import Rhythm

_STEP = {
    Rhythm.WEEKLY: (WEEKLY, 1),
    Rhythm.MONTHLY: (MONTHLY, 1),
    Rhythm.TRIMESTER: (MONTHLY, 3),
    Rhythm.YEARLY: (YEARLY, 1),
}
# A task's catalogue frequency and the rhythm a schedule proposes for it.
RHYTHM_FOR_FREQUENCY = {
    "weekly": Rhythm.WEEKLY,
    "monthly": Rhythm.MONTHLY,
    "trimester": Rhythm.TRIMESTER,
    "yearly": Rhythm.YEARLY,
    "once": Rhythm.ONCE,
}


def _rule(rhythm: str, anchor: date) -> rrule:
    start = datetime(anchor.year, anchor.month, anchor.day)
    freq, interval = _STEP[Rhythm(rhythm)]
    if freq == WEEKLY:
        return rrule(WEEKLY, interval=interval, dtstart=start, byweekday=anchor.weekday())
    days = list(range(28, anchor.day + 1)) if anchor.day > 28 else [anchor.day]
    month = {"bymonth": anchor.month} if freq == YEARLY else {}
    return rrule(freq, interval=interval, dtstart=start, bymonthday=days, bysetpos=-1, **month)


def due_dates(rhythm: str, anchor: date, *, after: date | None = None) -> Iterator[date]:
    """The due dates from ``anchor`` on (or the first after ``after``), in order, without end.

    A one-off schedule has one due date: the anchor.
    """
    if rhythm == Rhythm.ONCE:
        if after is None or anchor > after:
            yield anchor
        return
    rule = _rule(rhythm, anchor)
    moments = rule.xafter(datetime(after.year, after.month, after.day)) if after else iter(rule)
    for moment in moments:
        yield moment.date()


def first_due_on_or_after(rhythm: str, anchor: date, day: date) -> date | None:
    """The first due date on or after ``day``; None when a one-off date has passed."""
    for due in due_dates(rhythm, anchor, after=date.fromordinal(day.toordinal() - 1)):
        return due
    return None


def due_between(rhythm: str, anchor: date, start: date, end: date) -> list[date]:
    """Every due date from ``start`` to ``end``, both included."""
    found = []
    for due in due_dates(rhythm, anchor, after=date.fromordinal(start.toordinal() - 1)):
        if due > end:
            break
        found.append(due)
    return found
