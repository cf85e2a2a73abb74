"""Schedules for the demo schools' tasks, so that reminders come up all school year.

Yearly tasks fall on the dates Flemish schools know them by (licences in
mid-August, accounts before 1 September, the policy plan in June);
other tasks follow their frequency. Ad hoc tasks get no schedule.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q

from teams.models import Assignment, Rhythm, Schedule, SchoolTask, SchoolYear
from teams.reminders.services import set_schedule

# Catalogue code -> (month, day) of a yearly task's due date.
YEARLY_ON = {
    "T08": (8, 25), "T09": (8, 15), "T11": (8, 20), "T14": (8, 28), "P02": (10, 1),
    "P03": (8, 25), "P06": (3, 15), "P11": (2, 1), "P13": (2, 10), "B01": (11, 15),
    "B02": (6, 30), "B03": (10, 15), "B06": (3, 15), "B08": (6, 15), "B10": (5, 1),
    "B11": (8, 31), "B12": (4, 1), "A01": (1, 31), "A03": (9, 30), "A07": (10, 15),
    "A08": (9, 15), "A11": (2, 28), "A12": (7, 31),
}  # fmt: skip
MONTHLY_ON = {"B05": 15, "B07": 20, "B13": 5}
LEAD_DAYS: dict[str, int] = {
    Rhythm.YEARLY: 14, Rhythm.TRIMESTER: 7, Rhythm.MONTHLY: 3, Rhythm.WEEKLY: 0,
}  # fmt: skip


def _in_year(year: SchoolYear, month: int, day: int) -> date:
    return date(year.start_year if month >= 9 else year.start_year + 1, month, day)


def _plan(task: SchoolTask, year: SchoolYear) -> tuple[str, date] | None:
    code, frequency = task.code, task.frequency
    if frequency == "yearly":
        return Rhythm.YEARLY, _in_year(year, *YEARLY_ON.get(code, (10, 1)))
    if frequency == "monthly":
        return Rhythm.MONTHLY, _in_year(year, 9, MONTHLY_ON.get(code, 1))
    if frequency == "trimester":
        return Rhythm.TRIMESTER, year.starts_on
    if frequency in ("weekly", "daily"):
        # Weekly work is checked on Monday; daily work (the helpdesk) reviewed on Friday.
        weekday = 0 if frequency == "weekly" else 4
        start = year.starts_on
        return Rhythm.WEEKLY, start + timedelta(days=(weekday - start.weekday()) % 7)
    return None


def seed_schedules(*, school_ids: list[int], group_ids: list[int], year: SchoolYear,
                   today: date) -> int:  # fmt: skip
    """Give every assigned task of these schools and groups a schedule it has not got yet."""
    assigned = Assignment.objects.filter(school_year=year).values("school_task_id")
    tasks = (
        SchoolTask.objects.filter(Q(school_id__in=school_ids) | Q(school_group_id__in=group_ids))
        .filter(pk__in=assigned)
        .exclude(pk__in=Schedule.objects.values("school_task_id"))
        .select_related("catalogue_task")
    )
    made = 0
    for task in tasks:
        plan = _plan(task, year)
        if plan is None:
            continue
        rhythm, anchor = plan
        set_schedule(
            school_task=task, rhythm=rhythm, anchor=anchor, lead_days=LEAD_DAYS[rhythm],
            today=today,
        )  # fmt: skip
        made += 1
    return made
