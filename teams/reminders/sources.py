"""What people are told: each source is one function from the scan's day to reminders.

A source returns :class:`Draft` rows; the scan writes them all at once under
the unique constraint on person, kind and key, so a source may propose the
same reminder every day and it is still recorded (and sent) once. To add a
source, write a function and put it in :data:`SOURCES`; an app built on teams
(the step plan) adds its own with :func:`add_source` when it is ready, so teams
never imports it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse

from tasks.models import CatalogueImport, Task
from teams.models import (
    Appointment,
    Assignment,
    Membership,
    Occurrence,
    Reminder,
    School,
    SchoolReminderPolicy,
    SchoolTask,
    SchoolYear,
)
from teams.models.reminders import DEFAULT_BACKUP_AFTER_DAYS
from teams.workload.calculator import ONE, hours_here

Kind = Reminder.Kind
# How long after an import its catalogue changes are still worth telling.
CATALOGUE_NEWS_DAYS = 14


@dataclass(frozen=True)
class Draft:
    staff_member_id: int
    kind: str
    key: str
    school_id: int | None
    title: str
    url: str = ""
    due_on: date | None = None
    occurrence_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def as_reminder(self) -> Reminder:
        return Reminder(
            staff_member_id=self.staff_member_id,
            kind=self.kind,
            key=self.key,
            school_id=self.school_id,
            title=self.title[:300],
            url=self.url,
            due_on=self.due_on,
            occurrence_id=self.occurrence_id,
            data=self.data,
        )


class Scan:
    """The scan's day, and what several sources read, loaded once.

    ``only`` narrows the scan to those tasks' occurrences (a scan of one task, see
    :data:`OCCURRENCE_SOURCES`); None is the daily scan of every task.
    """

    def __init__(self, on: date, *, only: frozenset[int] | None = None) -> None:
        self.on = on
        self.only = only
        self._open: list[Occurrence] | None = None
        self._people: dict[tuple[int, int], dict[str, list[int]]] | None = None
        self._left: set[tuple[int, int, str]] = set()
        self._directors: dict[int, list[int]] | None = None
        self._group_schools: dict[int, list[int]] = {}

    def open_occurrences(self) -> list[Occurrence]:
        """Occurrences not done whose reminding has started: due soon or overdue."""
        if self._open is None:
            found = Occurrence.objects.open().filter(remind_on__lte=self.on)
            if self.only is not None:
                found = found.filter(school_task_id__in=self.only)
            self._open = list(
                found.select_related("school_task__catalogue_task").order_by("due_on", "pk")
            )
        return self._open

    @staticmethod
    def _task_year(occurrence: Occurrence) -> tuple[int, int]:
        return occurrence.school_task_id, SchoolYear.start_year_of(occurrence.due_on)

    def people(self, occurrence: Occurrence) -> dict[str, list[int]]:
        """The staff ids by assignment kind for the occurrence's task in its school year,
        of those whose assignment counts (:meth:`AssignmentQuerySet.counting`)."""
        if self._people is None:
            counts = Assignment.objects.counting().filter(pk=OuterRef("pk"))
            rows = (
                Assignment.objects.filter(
                    school_task_id__in={o.school_task_id for o in self.open_occurrences()},
                    school_year__start_year__in={
                        SchoolYear.start_year_of(o.due_on) for o in self.open_occurrences()
                    },
                    staff_member__isnull=False,
                )
                .annotate(counts=Exists(counts))
                .values_list(
                    "school_task_id", "school_year__start_year", "kind", "staff_member_id", "counts"
                )
            )
            people: dict[tuple[int, int], dict[str, list[int]]] = defaultdict(
                lambda: defaultdict(list)
            )
            for task_id, year, kind, member_id, counting in rows:
                if counting:
                    people[(task_id, year)][kind].append(member_id)
                else:
                    self._left.add((task_id, year, kind))
            self._people = people
        return self._people.get(self._task_year(occurrence), {})

    def told(self, occurrence: Occurrence, kind: str) -> tuple[list[int], bool]:
        """Who is told about the occurrence in the part ``kind`` (responsible or backup),
        and whether they stand in for someone who left.

        Those given that part whose assignment counts, as the board shows them.
        When none of the staff given it works there any more, the directors
        where the task belongs stand in: the school's, or for a school group's
        task the directors of the group's schools (they see it on their board
        and can reach the group's administrator, who is often an account without
        a place on any staff and so out of reach of reminders). A part given to
        nobody, or only to an outside partner, tells nobody, as before.
        """
        found = self.people(occurrence).get(kind, [])
        task_id, year = self._task_year(occurrence)
        if found or (task_id, year, kind) not in self._left:
            return found, False
        return self._directors_of(occurrence.school_task), True

    def _directors_of(self, task: SchoolTask) -> list[int]:
        if self._directors is None:
            # Every task that may need them, at once: the cost stays the same however many.
            tasks = [o.school_task for o in self.open_occurrences()]
            self._group_schools = _schools_of_groups(
                {t.school_group_id for t in tasks if t.school_group_id}
            )
            school_ids = {s for t in tasks for s in _schools_of(t, self._group_schools)}
            self._directors = staff_of_accounts(Membership.Kind.DIRECTOR, school_ids)
        return sorted(
            {
                member_id
                for school_id in _schools_of(task, self._group_schools)
                for member_id in self._directors.get(school_id, [])
            }
        )


def occurrence_url(occurrence: Occurrence) -> str:
    return reverse("teams:occurrence", args=[occurrence.pk])


def _about(occurrence: Occurrence, kind: str, part: str, scan: Scan) -> Iterable[Draft]:
    """The reminders of one occurrence for those told in the part ``part``; a stand-in
    for someone who left is told so (``data["stand_in"]`` names the part)."""
    task = occurrence.school_task
    members, stand_in = scan.told(occurrence, part)
    for member_id in members:
        yield Draft(
            staff_member_id=member_id,
            kind=kind,
            key=f"occurrence:{occurrence.pk}",
            school_id=task.school_id,
            title=task.display_title,
            url=occurrence_url(occurrence),
            due_on=occurrence.due_on,
            occurrence_id=occurrence.pk,
            data={"stand_in": part} if stand_in else {},
        )


def due_and_overdue(scan: Scan) -> Iterable[Draft]:
    """The responsibles of every open occurrence: due soon, then once more when overdue."""
    for occurrence in scan.open_occurrences():
        kind = Kind.OVERDUE if occurrence.due_on < scan.on else Kind.DUE
        yield from _about(occurrence, kind, Assignment.Kind.RESPONSIBLE, scan)


def _backup_after_days(occurrences: list[Occurrence]) -> dict[int | None, int]:
    school_ids = {o.school_task.school_id for o in occurrences if o.school_task.school_id}
    days: dict[int | None, int] = dict(
        SchoolReminderPolicy.objects.filter(school_id__in=school_ids).values_list(
            "school_id", "backup_after_days"
        )
    )
    return days


def backups_after_delay(scan: Scan) -> Iterable[Draft]:
    """The backups of occurrences overdue by more than the school's number of days."""
    late = [o for o in scan.open_occurrences() if o.due_on < scan.on - timedelta(days=1)]
    if not late:
        return
    days = _backup_after_days(late)
    for occurrence in late:
        limit = days.get(occurrence.school_task.school_id, DEFAULT_BACKUP_AFTER_DAYS)
        if (scan.on - occurrence.due_on).days <= limit:
            continue
        yield from _about(occurrence, Kind.BACKUP, Assignment.Kind.BACKUP, scan)


def staff_of_accounts(kind: str, school_ids: Iterable[int]) -> dict[int, list[int]]:
    """Staff ids, by school, of the accounts holding ``kind`` memberships there, of
    people who work there now."""
    there = Appointment.objects.current().filter(
        staff_member_id=OuterRef("user__staff_member__id"), school_id=OuterRef("school_id")
    )
    rows = (
        Membership.objects.filter(
            kind=kind, school_id__in=set(school_ids), user__staff_member__isnull=False
        )
        .filter(Exists(there))
        .values_list("school_id", "user__staff_member__id")
    )
    found: dict[int, list[int]] = defaultdict(list)
    for school_id, member_id in rows:
        found[school_id].append(member_id)
    return found


def _schools_of_groups(group_ids: set[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    if group_ids:
        for school_id, group_id in School.objects.filter(school_group_id__in=group_ids).values_list(
            "pk", "school_group_id"
        ):
            found[group_id].append(school_id)
    return found


def _schools_of(task: SchoolTask, groups: dict[int, list[int]]) -> list[int]:
    if task.school_id:
        return [task.school_id]
    return groups.get(task.school_group_id or 0, [])


def coordinator_summary(scan: Scan) -> Iterable[Draft]:
    """On Mondays, each school's coordinators get the count of its overdue occurrences."""
    if scan.on.weekday() != 0:
        return
    overdue = [o for o in scan.open_occurrences() if o.due_on < scan.on]
    groups = _schools_of_groups(
        {o.school_task.school_group_id for o in overdue if o.school_task.school_group_id}
    )
    by_school: dict[int, list[Occurrence]] = defaultdict(list)
    for occurrence in overdue:
        for school_id in _schools_of(occurrence.school_task, groups):
            by_school[school_id].append(occurrence)
    if not by_school:
        return
    coordinators = staff_of_accounts(Membership.Kind.COORDINATOR, by_school)
    names = dict(School.objects.filter(pk__in=by_school).values_list("pk", "name"))
    year, week, _day = scan.on.isocalendar()
    for school_id, items in by_school.items():
        data = {
            "count": len(items),
            "items": [
                {"title": o.school_task.display_title, "due_on": o.due_on.isoformat()}
                for o in items[:20]
            ],
        }
        for member_id in coordinators.get(school_id, []):
            yield Draft(
                staff_member_id=member_id,
                kind=Kind.SUMMARY,
                key=f"summary:{school_id}:{year}-W{week:02d}",
                school_id=school_id,
                title=names.get(school_id, ""),
                url=reverse("teams:school_reminders", args=[school_id]),
                data=data,
            )


def _hours(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _hour_changes(record: CatalogueImport) -> dict[int, tuple[str, Decimal, Decimal]]:
    """Catalogue task id -> (title, old hours, new hours) for the changes that move hours.

    A new task adds its hours, a retired one takes them away, an update moves them.
    """
    changes: dict[int, tuple[str, Decimal, Decimal]] = {}
    whole: dict[int, tuple[str, str]] = {}
    for change in record.changes:
        task_id, kind = change.get("task_id"), change.get("kind")
        fields = change.get("fields") or {}
        if not task_id:
            continue
        if kind == "updated" and "hours_per_year" in fields:
            old, new = (_hours(value) for value in fields["hours_per_year"])
            if old != new:
                changes[task_id] = (change.get("title", ""), old, new)
        elif kind in ("created", "retired"):
            whole[task_id] = (change.get("title", ""), kind)
    if whole:
        hours = Task.objects.filter(pk__in=whole).values_list("pk", "hours_per_year")
        for task_id, value in hours:
            title, kind = whole[task_id]
            amount = value or Decimal(0)
            if amount:
                pair = (Decimal(0), amount) if kind == "created" else (amount, Decimal(0))
                changes[task_id] = (title, *pair)
    return changes


def _here(catalogue_hours: Decimal, group_level: bool, factor: Decimal) -> Decimal:
    """Catalogue hours as a school counts them (the calculator's rule)."""
    here = hours_here(None, catalogue_hours, group_level=group_level, school_factor=factor)
    return here.hours or Decimal(0)


def catalogue_changes(scan: Scan) -> Iterable[Draft]:
    """Directors learn which catalogue tasks changed the hours of their school, and since when.

    Only tasks the school takes at the catalogue's hours count: a task with
    hours of its own, or marked not applicable, is not affected.
    """
    since = scan.on - timedelta(days=CATALOGUE_NEWS_DAYS)
    imports = CatalogueImport.objects.filter(
        status=CatalogueImport.Status.APPLIED,
        finished_at__date__gt=since,
        finished_at__date__lte=scan.on,
    ).only("pk", "finished_at", "changes")
    for record in imports:
        changes = _hour_changes(record)
        if not changes:
            continue
        rows = list(
            SchoolTask.objects.filter(
                catalogue_task_id__in=changes, local_hours__isnull=True, is_hidden=False
            ).values_list("school_id", "school_group_id", "catalogue_task_id")
        )
        groups = _schools_of_groups({group for _s, group, _t in rows if group})
        factors = {
            school.pk: school.hours_factor
            for school in School.objects.filter(pk__in={s for s, _g, _t in rows if s}).only(
                "hours_factor_by_hand", "size_measure", "size"
            )
        }
        # School -> task -> whether it is a school group's task and the school's factor: the
        # hours told are the school's, as the calculator has them.
        affected: dict[int, dict[int, tuple[bool, Decimal]]] = defaultdict(dict)
        for school_id, group_id, task_id in rows:
            for target in [school_id] if school_id else groups.get(group_id, []):
                affected[target][task_id] = (not school_id, factors.get(school_id, ONE))
        directors = staff_of_accounts(Membership.Kind.DIRECTOR, affected)
        assert record.finished_at is not None
        for school_id, task_factors in affected.items():
            items = sorted(
                (
                    (title, _here(old, *how), _here(new, *how))
                    for task_id, how in task_factors.items()
                    for title, old, new in [changes[task_id]]
                ),
                key=lambda item: (item[0], item[1], item[2]),
            )
            data = {
                "since": record.finished_at.date().isoformat(),
                "delta": str(sum((new - old for _t, old, new in items), Decimal(0))),
                "items": [
                    {"title": title, "old": str(old), "new": str(new)} for title, old, new in items
                ],
            }
            for member_id in directors.get(school_id, []):
                yield Draft(
                    staff_member_id=member_id,
                    kind=Kind.CATALOGUE,
                    key=f"catalogue:{record.pk}:{school_id}",
                    school_id=school_id,
                    title=str(len(items)),
                    url=reverse("teams:board", args=[school_id]),
                    data=data,
                )


Source = Callable[[Scan], Iterable[Draft]]

# The sources that speak only of the scan's open occurrences. A scan of some tasks (a
# schedule saved within its lead time) asks these alone: the others speak of a whole school
# or week, and a part of that recorded under their key would keep the whole of it out.
OCCURRENCE_SOURCES: tuple[Source, ...] = (due_and_overdue, backups_after_delay)

SOURCES: list[Source] = [
    *OCCURRENCE_SOURCES,
    coordinator_summary,
    catalogue_changes,
]


def add_source(source: Source) -> None:
    """Have the scan ask ``source`` too (once, however often it is added): apps built on
    teams call this from their ``AppConfig.ready``."""
    if source not in SOURCES:
        SOURCES.append(source)
