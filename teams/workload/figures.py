"""The stored figures: marking schools out of date, recalculating them, the nightly copy.

Every change that moves hours calls :func:`mark_changed` in its own
transaction: the mark is written there (so it survives a broker that is down)
and a job is sent after the commit. The job loads the marked schools' rows,
runs the calculator and writes their figures; the periodic scan picks up marks
whose job never ran. Work over many schools fans out as one job per school
group or chunk of schools (:func:`fan_out`), so more workers finish it sooner.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ictteam.celery import enqueue_on_commit
from teams import job_list
from teams.models import (
    SCHOOL_FIGURES,
    School,
    SchoolTask,
    SchoolWorkload,
    SchoolYear,
    StaffWorkload,
    WorkloadRequest,
    WorkloadSnapshot,
)
from teams.workload.calculator import GROUP_KINDS, PersonFigures, SchoolCalculation, calculate
from teams.workload.loading import load, load_one
from teams.workload.prepared import Prepared, Upsert

# Standalone schools go into fanned-out jobs this many at a time; a school group
# is always one job, so its group-level tasks are loaded once.
CHUNK = 50
# The figures a person's stored row keeps, as StaffWorkload fields.
STAFF_FIGURES = (
    "budget_hours", "carried_hours", "backup_hours", "task_count", "backup_task_count",
    *(f"{kind}_hours" for kind in GROUP_KINDS),
)  # fmt: skip


SCHOOL_ROWS = Upsert(SchoolWorkload, ["school", "school_year"], SCHOOL_FIGURES)
STORED_PEOPLE = Prepared(
    lambda year_id, ids: StaffWorkload.objects.filter(
        school_year_id=year_id, school_id__in=ids
    ).values_list("pk", "school_id", "staff_member_id", *STAFF_FIGURES)
)


def schools_of(task: SchoolTask) -> list[int]:
    """The schools whose figures a task counts in: its school, or every school of its group."""
    if task.school_id is not None:
        return [task.school_id]
    return list(
        School.objects.filter(school_group_id=task.school_group_id).values_list("pk", flat=True)
    )


def mark_changed(school_ids: Iterable[int], school_year: SchoolYear) -> None:
    """Mark schools' figures out of date; a job recalculates them after the commit.

    Call it once per change, however many rows the change touched: marks
    coalesce per school and year. Many schools at once fan out over jobs.
    """
    ids = sorted(set(school_ids))
    if not ids:
        return
    _mark(ids, school_year.pk)
    if len(ids) > CHUNK:
        fan_out(ids)
        return
    enqueue_on_commit(job_list.RECALCULATE_MARKED, None)


def _mark(ids: Sequence[int], year_id: int) -> None:
    now = timezone.now()
    WorkloadRequest.objects.bulk_create(
        [WorkloadRequest(school_id=pk, school_year_id=year_id, requested_at=now) for pk in ids],
        update_conflicts=True,
        unique_fields=["school", "school_year"],
        update_fields=["requested_at"],
        batch_size=1000,
    )


def mark_everything(school_year: SchoolYear) -> int:
    """Mark every school for a year and fan the work out (a repair, a new year, a catalogue
    change); returns how many schools were marked."""
    ids = list(School.objects.order_by("pk").values_list("pk", flat=True))
    mark_changed(ids, school_year)
    return len(ids)


def chunks(school_ids: Sequence[int]) -> list[list[int]]:
    """The schools in batches for jobs: each school group whole, the others by CHUNK."""
    by_group: dict[int | None, list[int]] = {}
    for pk, group_id in (
        School.objects.filter(pk__in=school_ids).order_by("pk").values_list("pk", "school_group")
    ):
        by_group.setdefault(group_id, []).append(pk)
    alone = by_group.pop(None, [])
    batches = list(by_group.values())
    batches += [alone[i : i + CHUNK] for i in range(0, len(alone), CHUNK)]
    return batches


def fan_out(school_ids: Sequence[int]) -> int:
    """Send one job per batch of marked schools after the commit; returns how many jobs."""
    batches = chunks(school_ids)
    for batch in batches:
        enqueue_on_commit(job_list.RECALCULATE_MARKED, batch)
    return len(batches)


def recalculate_marked(school_ids: Sequence[int] | None = None, limit: int = 500) -> int:
    """Recalculate marked schools (the given ones, or up to ``limit``); returns how many.

    Marks are locked while their schools are recalculated (other workers skip
    them) and removed only if nobody marked the school again meanwhile. Safe to
    run twice: a school without a mark is left alone.
    """
    with transaction.atomic():
        marks = (
            WorkloadRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("school")
            .order_by("pk")
        )
        if school_ids is not None:
            marks = marks.filter(school_id__in=list(school_ids))
        requests = list(marks[:limit] if school_ids is None else marks)
        by_year: dict[int, list[School]] = {}
        for request in requests:
            by_year.setdefault(request.school_year_id, []).append(request.school)
        for year_id, schools in by_year.items():
            rows = load([s.pk for s in schools], year_id, known=schools)
            store(year_id, [calculate(r) for r in rows.values()])
        if requests:  # only marks nobody set again meanwhile
            again = Q()
            for request in requests:
                again |= Q(pk=request.pk, requested_at=request.requested_at)
            WorkloadRequest.objects.filter(again).delete()
    return len(requests)


def recalculate(school_ids: Sequence[int], school_year: SchoolYear) -> list[SchoolCalculation]:
    """Recalculate and store the given schools' figures now, in this process."""
    with transaction.atomic():
        results = [calculate(rows) for rows in load(school_ids, school_year).values()]
        store(school_year.pk, results)
    return results


def calculate_school(school: School, school_year: SchoolYear) -> SchoolCalculation:
    """A school's figures calculated from its rows now, without writing anything."""
    return calculate(load_one(school, school_year))


def store(year_id: int, results: Sequence[SchoolCalculation]) -> None:
    """Write the schools' current figures: the school rows, and the people's rows that changed."""
    now = timezone.now()
    ids = [r.school_id for r in results]
    SCHOOL_ROWS.run([_school_row(r, year_id, now) for r in results])
    # Compared as plain tuples: on most runs nothing or one person changed.
    stored = {
        (school_id, staff_id): (pk, tuple(figures))
        for pk, school_id, staff_id, *figures in STORED_PEOPLE.rows(year_id, ids)
    }
    new, changed = [], []
    for result in results:
        for person in result.people.values():
            if not person.is_involved:
                continue
            values = _staff_values(person)
            found = stored.pop((result.school_id, person.staff_id), None)
            if found is None:
                new.append(StaffWorkload(school_id=result.school_id, school_year_id=year_id,
                                         staff_member_id=person.staff_id, computed_at=now,
                                         **values))  # fmt: skip
            elif found[1] != tuple(values.values()):
                changed.append(StaffWorkload(pk=found[0], computed_at=now, **values))
    if stored:
        StaffWorkload.objects.filter(pk__in=[pk for pk, _figures in stored.values()]).delete()
    StaffWorkload.objects.bulk_update(changed, [*STAFF_FIGURES, "computed_at"], batch_size=500)
    StaffWorkload.objects.bulk_create(new, batch_size=1000)


def _staff_values(person: PersonFigures) -> dict[str, object]:
    """A person's stored figures, in the order of STAFF_FIGURES."""
    values: dict[str, object] = {
        "budget_hours": person.budget_hours,
        "carried_hours": person.carried_hours,
        "backup_hours": person.backup_hours,
        "task_count": person.task_count,
        "backup_task_count": person.backup_task_count,
    }
    for kind, hours in person.by_group.items():
        values[f"{kind}_hours"] = hours
    return values


def _school_row(r: SchoolCalculation, year_id: int, now: datetime) -> SchoolWorkload:
    return SchoolWorkload(
        school_id=r.school_id, school_year_id=year_id, computed_at=now,
        task_count=r.task_count, needed_hours=r.needed_hours, team_budget=r.team_budget,
        assigned_hours=r.assigned_hours, outsourced_hours=r.outsourced_hours,
        unassigned_hours=r.unassigned_hours, group_level_hours=r.group_level_hours,
        unassigned_count=r.risks.unassigned, without_backup_count=r.risks.without_backup,
        single_person_count=r.risks.single_person,
        overloaded_single_count=r.risks.overloaded_single,
        group_level_unassigned_count=r.group_level_risks.unassigned,
        group_level_without_backup_count=r.group_level_risks.without_backup,
        overloaded_count=r.overloaded_count, staff_count=r.staff_count,
        **{f"{kind}_hours": hours for kind, hours in r.needed_by_group.items()},
    )  # fmt: skip


def take_snapshot(school_year: SchoolYear, day: date | None = None) -> int:
    """Copy every school's current figures into the trend for ``day`` (today), set-wise.

    One ``INSERT … SELECT``, after removing a copy already taken that day (normally
    there is none), so running it twice gives the same trend. Returns how many
    rows were copied.
    """
    day = day or timezone.localdate()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ("school_id", "school_year_id", *SCHOOL_FIGURES))
    target, source = WorkloadSnapshot._meta.db_table, SchoolWorkload._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        WorkloadSnapshot.objects.filter(school_year=school_year, day=day)._raw_delete(
            WorkloadSnapshot.objects.db
        )  # derived rows, nothing cascades: one DELETE
        cursor.execute(
            f"INSERT INTO {quote(target)} ({columns}, {quote('day')}) "  # noqa: S608
            f"SELECT {columns}, %s FROM {quote(source)} WHERE school_year_id = %s",
            [WorkloadSnapshot._meta.get_field("day").get_db_prep_save(day, connection),
             school_year.pk],
        )  # fmt: skip
        copied: int = cursor.rowcount
        return copied


def stale_schools(school_year: SchoolYear, school_ids: Sequence[int] | None = None) -> list[int]:
    """Schools whose stored figures differ from a fresh calculation (for a check run)."""
    ids = list(
        School.objects.filter(Q(pk__in=school_ids) if school_ids is not None else Q()).values_list(
            "pk", flat=True
        )
    )
    stored_schools = {
        row.school_id: row
        for row in SchoolWorkload.objects.filter(school_year=school_year, school_id__in=ids)
    }
    stored_people: dict[int, dict[int, dict[str, object]]] = {}
    for row in StaffWorkload.objects.filter(school_year=school_year, school_id__in=ids):
        stored_people.setdefault(row.school_id, {})[row.staff_member_id] = {
            name: getattr(row, name) for name in STAFF_FIGURES
        }
    stale = []
    for school_id, rows in load(ids, school_year).items():
        result = calculate(rows)
        fresh_school = _school_row(result, school_year.pk, timezone.now())
        old = stored_schools.get(school_id)
        fresh_people = {
            p.staff_id: _staff_values(p) for p in result.people.values() if p.is_involved
        }
        if (
            old is None
            or any(getattr(old, f) != getattr(fresh_school, f) for f in SCHOOL_FIGURES[1:])
            or fresh_people != stored_people.get(school_id, {})
        ):
            stale.append(school_id)
    return stale


def nightly() -> int:
    """The nightly run: create the new school year when one starts (its figures fan out),
    then copy every current figure into the trend; returns the rows copied."""
    for year in SchoolYear.ensure_current():
        mark_everything(year)
    return sum(take_snapshot(year) for year in SchoolYear.from_current())
