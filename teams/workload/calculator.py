"""The workload rule: what each assignment and each person carries, and what is at risk.

This module is the only definition of the rule. Pages, exports, jobs, commands
and the stored figures all take their numbers from :func:`calculate`, which
works on rows its caller loaded (:mod:`teams.workload.loading`) and runs no
queries of its own.

The rule:

- A task counts when it applies (not hidden, still in the catalogue if it comes
  from it); the loader hands over only such tasks. Its hours are the school's own
  figure, else the catalogue's scaled by the school's hours factor
  (:func:`task_hours`, :func:`hours_factor`), else none. A group-level task's
  catalogue hours are not scaled: a school group has no size of its own.
- An assignment counts when its person works where the task belongs (an active
  appointment in the task's school, or in a school of the task's group), or when
  it is outsourced to a partner. An assignment of someone who left *needs a new
  person*: it carries nothing and covers nothing, and the board says so.
- A responsible with hours of their own carries those; without, the task's hours
  shared equally over its counting responsibles. A backup carries only hours
  given to them.
- A group-level task counts for a person in the schools of the group they work
  in, split by their budget there; equally when they have no budget in any of
  them. The parts add up to what the assignment carries (nothing lost or counted
  twice), and a school without budget for the person gets no part when another
  school has one.
- A person's *carried hours* in a school are their responsible hours there,
  rounded to cents; the percentage and the state (fine, busy, overloaded) come
  from those rounded hours and the person's budget there, by the school's limits.
  Hours without any budget are overload; no hours and no budget is *unknown*. A
  budget of 0 h counts as no budget. Their tasks count once each, as responsible
  or as backup (:attr:`PersonFigures.backup_task_count` says how many as backup).
- People are ranked most loaded first (:func:`rank_key`): by state (overloaded,
  busy, fine, unknown), then by hours against budget (hours without a budget
  first), then by hours carried. Every page that lists people ranks them so.
- A person's total over several schools (:func:`over_schools`) adds up their
  carried and backup hours, tasks and budgets; its percentage is the summed hours
  against the summed budgets, and its state is the most serious of their states
  in those schools: each school gives its own budget by its own limits, so room
  in one school does not make up for overload in another.
- A school's *coverage* (:func:`coverage`) is the team's budget against the hours
  its own tasks need, in percent: how much of the need the budgets could carry.
- Risks cover every task on the school's list, the group-level tasks it shares
  included (the result also counts those separately): unassigned (no counting
  responsible), without backup, on a single person (one staff responsible, no
  backup) and whose only responsible is overloaded here.
- The school's needed, unassigned and outsourced hours are those of its own tasks;
  group-level tasks' hours belong to the school group and are given apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple, Protocol

ZERO = Decimal(0)
CENT = Decimal("0.01")
GROUP_KINDS = ("technical", "pedagogical", "policy", "administrative", "other")
RESPONSIBLE, BACKUP = "responsible", "backup"
GROUP_LEVEL = "group_level"  # where the calculation keeps the group-level tasks' hours

# States of a person's load, from the school's limits; STATES lists them most serious first.
OVER, BUSY, OK, UNKNOWN = "over", "busy", "ok", "unknown"
STATES = (OVER, BUSY, OK, UNKNOWN)
# What a school's limits may be, in percent of a person's budget (busy from, overloaded above).
LIMIT_RANGE = (1, 1000)


ONE = Decimal(1)
# The catalogue's suggested hours are taken as those of a school of this size. A
# school that gives its size in pupils or devices scales them by the square root
# of its size against this one (twice the pupils, about 1.4 times the hours: the
# work grows with a school, but less than in proportion), within FACTOR_RANGE.
REFERENCE_SIZE = {"pupils": 500, "devices": 300}
FACTOR_RANGE = (Decimal("0.25"), Decimal("4.00"))
# Where a task's hours come from.
LOCAL, SCALED, CATALOGUE = "local", "scaled", "catalogue"


def hours_factor(by_hand: Decimal | None, size_measure: str, size: int | None) -> Decimal:
    """How a school scales the catalogue's hours: its own factor, else one from its size.

    Without either, the catalogue's hours count as they are (factor 1).
    """
    if by_hand is not None:
        return by_hand
    reference = REFERENCE_SIZE.get(size_measure)
    if not reference or not size:
        return ONE
    factor = (Decimal(size) / reference).sqrt().quantize(CENT, rounding=ROUND_HALF_UP)
    low, high = FACTOR_RANGE
    return min(high, max(low, factor))


def task_hours(
    local_hours: Decimal | None, catalogue_hours: Decimal | None, factor: Decimal = ONE
) -> Decimal | None:
    """A task's hours per year here: the school's own figure, else the catalogue's scaled
    by the school's factor (in cents), else none."""
    if local_hours is not None:
        return local_hours
    if catalogue_hours is None or factor == ONE:
        return catalogue_hours
    return cents(catalogue_hours * factor)


def hours_source(
    local_hours: Decimal | None, catalogue_hours: Decimal | None, factor: Decimal = ONE
) -> str | None:
    """Where :func:`task_hours` takes a task's hours from: LOCAL, SCALED, CATALOGUE or None."""
    if local_hours is not None:
        return LOCAL
    if catalogue_hours is None:
        return None
    return CATALOGUE if factor == ONE else SCALED


class TaskHours(NamedTuple):
    hours: Decimal | None
    source: str | None  # LOCAL, SCALED, CATALOGUE or None (see hours_source)


def hours_here(
    local_hours: Decimal | None,
    catalogue_hours: Decimal | None,
    *,
    group_level: bool,
    school_factor: Decimal | Callable[[], Decimal],
) -> TaskHours:
    """A task's hours in its school and where they come from: the one route from a task's
    figures to its hours, for the loader, the task itself and the reminders.

    The school's factor counts only for a school's own task that takes the
    catalogue's hours: a school group's task keeps them (the group has no size
    of its own). ``school_factor`` may be a function, called only when the
    factor counts (reading it may cost a query).
    """
    factor = ONE
    if local_hours is None and catalogue_hours is not None and not group_level:
        factor = school_factor() if callable(school_factor) else school_factor
    return TaskHours(
        task_hours(local_hours, catalogue_hours, factor),
        hours_source(local_hours, catalogue_hours, factor),
    )


def group_kind(kind: str | None) -> str:
    """The figure a task's group counts in: one of the four standard kinds, or "other"."""
    return kind if kind in GROUP_KINDS[:4] else "other"


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(hours: Decimal, budget: Decimal | None) -> int | None:
    """Hours against a budget in whole percent (half up); None without a budget."""
    if not budget:
        return None
    return int((100 * hours / budget).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Limits:
    """A school's limits, in percent of a person's budget."""

    busy_from_percent: int = 80
    overloaded_above_percent: int = 100


def state_of(hours: Decimal, budget: Decimal | None, limits: Limits) -> str:
    """ "over", "busy", "ok" or "unknown" for hours carried against a budget.

    Compared exactly: 100.4 % is over a limit of 100 %.
    """
    if not budget:
        return OVER if hours > 0 else UNKNOWN
    if hours * 100 > budget * limits.overloaded_above_percent:
        return OVER
    if hours * 100 >= budget * limits.busy_from_percent:
        return BUSY
    return OK


def coverage(team_budget: Decimal, needed_hours: Decimal) -> int | None:
    """The team's budget against the hours the school's tasks need, in whole percent; None
    when the tasks need nothing."""
    return percent_of(team_budget, needed_hours)


class Load(Protocol):
    """What ranking reads of a person's figures, in one school or over several."""

    @property
    def carried_hours(self) -> Decimal: ...
    @property
    def budget_hours(self) -> Decimal | None: ...
    @property
    def state(self) -> str: ...


INFINITE = Decimal("Infinity")


def rank_key(load: Load) -> tuple[int, Decimal, Decimal]:
    """Where a person stands among others, most loaded first: by state (overloaded, busy,
    fine, unknown), then hours against budget (hours without a budget first), then
    hours carried. Pages break ties by name."""
    return (STATES.index(load.state), -_share(load), -load.carried_hours)


def _share(load: Load) -> Decimal:
    """Hours against budget, unrounded; hours without a budget weigh more than any share."""
    if load.budget_hours:
        return load.carried_hours / load.budget_hours
    return INFINITE if load.carried_hours > 0 else ZERO


# --- Input rows -------------------------------------------------------------------------------
# Tuples, not dataclasses: a batch of schools loads them by the thousand.


class TaskIn(NamedTuple):
    """A task that counts, as the loader found it."""

    id: int
    hours: Decimal | None
    kind: str  # one of GROUP_KINDS
    group_level: bool
    source: str | None = CATALOGUE  # where its hours come from (hours_source)


class AssignmentIn(NamedTuple):
    id: int
    task_id: int
    kind: str  # RESPONSIBLE or BACKUP
    staff_id: int | None  # None: outsourced to a partner
    hours: Decimal | None


@dataclass(frozen=True)
class SchoolRows:
    """Everything :func:`calculate` needs about one school in one school year.

    ``staff`` are the people with an active appointment here. ``budgets`` are
    their budgets here. ``group_schools`` gives, for people with group-level
    work, their budget (or None) in each school of the group where they have an
    active appointment, this one included.
    """

    school_id: int
    limits: Limits
    tasks: Sequence[TaskIn]
    assignments: Sequence[AssignmentIn]
    staff: frozenset[int]
    budgets: Mapping[int, Decimal]
    group_schools: Mapping[int, Mapping[int, Decimal | None]] = field(default_factory=dict)


# --- Results ----------------------------------------------------------------------------------


@dataclass
class TaskFigures:
    """One task's staffing and risks in the school's eyes."""

    task_id: int
    hours: Decimal | None
    kind: str
    group_level: bool
    source: str | None = CATALOGUE  # where its hours come from (hours_source)
    responsibles: int = 0  # counting ones, partners included
    staff_responsibles: int = 0
    backups: int = 0
    assigned_hours: Decimal = ZERO  # what its counting responsibles carry together, in cents
    carried: dict[int, Decimal] = field(default_factory=dict)  # assignment id -> hours in full
    needs_new_person: list[int] = field(default_factory=list)  # assignment ids
    only_responsible: int | None = None  # staff id when exactly one staff responsible
    only_responsible_overloaded: bool = False

    @property
    def is_unassigned(self) -> bool:
        return self.responsibles == 0

    @property
    def has_backup(self) -> bool:
        return self.backups > 0

    @property
    def is_single_person(self) -> bool:
        return self.responsibles == 1 and self.staff_responsibles == 1 and self.backups == 0

    @property
    def lacking_hours(self) -> Decimal:
        """Hours the task takes that its responsibles' hours do not reach (never negative)."""
        if self.hours is None or self.is_unassigned:
            return ZERO
        return max(ZERO, cents(self.hours - self.assigned_hours))


@dataclass
class PersonFigures:
    """A person's figures in one school and year."""

    staff_id: int
    budget_hours: Decimal | None
    limits: Limits
    carried_hours: Decimal = ZERO  # rounded to cents
    backup_hours: Decimal = ZERO
    task_count: int = 0  # as responsible or as backup, each task once
    backup_task_count: int = 0  # of which as backup
    by_group: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(GROUP_KINDS, ZERO))
    group_share: Decimal | None = None  # part of their group-level work counted here

    @property
    def responsible_task_count(self) -> int:
        return self.task_count - self.backup_task_count

    @property
    def percent(self) -> int | None:
        return percent_of(self.carried_hours, self.budget_hours)

    @property
    def state(self) -> str:
        return state_of(self.carried_hours, self.budget_hours, self.limits)

    @property
    def is_overloaded(self) -> bool:
        return self.state == OVER

    @property
    def is_involved(self) -> bool:
        """Has tasks or a budget here: the people the stored figures keep."""
        return bool(self.task_count or self.budget_hours)


@dataclass
class RiskCounts:
    unassigned: int = 0
    without_backup: int = 0
    single_person: int = 0
    overloaded_single: int = 0


@dataclass
class PersonTotal:
    """A person's figures over several schools (:func:`over_schools`)."""

    staff_id: int
    parts: list[PersonFigures]
    carried_hours: Decimal
    budget_hours: Decimal | None
    backup_hours: Decimal
    task_count: int
    backup_task_count: int

    @property
    def schools(self) -> int:
        return len(self.parts)

    @property
    def percent(self) -> int | None:
        return percent_of(self.carried_hours, self.budget_hours)

    @property
    def state(self) -> str:
        """The most serious of the person's states in their schools."""
        return min((part.state for part in self.parts), key=STATES.index, default=UNKNOWN)

    @property
    def is_overloaded(self) -> bool:
        return self.state == OVER


def over_schools(parts: Sequence[PersonFigures]) -> PersonTotal:
    """A person's total over the schools they work in, from their figures in each.

    Hours, tasks and budgets add up (group-level work was split over the
    schools, so it adds up whole); a school without a budget for them adds
    none, and without a budget anywhere the total has none. The state is the
    most serious of theirs in those schools (see the module's rule).
    """
    budgets = [part.budget_hours for part in parts if part.budget_hours]
    return PersonTotal(
        staff_id=parts[0].staff_id,
        parts=list(parts),
        carried_hours=sum((part.carried_hours for part in parts), ZERO),
        budget_hours=sum(budgets, ZERO) if budgets else None,
        backup_hours=sum((part.backup_hours for part in parts), ZERO),
        task_count=sum(part.task_count for part in parts),
        backup_task_count=sum(part.backup_task_count for part in parts),
    )


def carried_by_group(people: Iterable[PersonFigures]) -> dict[str, Decimal]:
    """The hours people carry, per group of tasks, added up."""
    total = dict.fromkeys(GROUP_KINDS, ZERO)
    for person in people:
        for kind, hours in person.by_group.items():
            total[kind] += hours
    return total


@dataclass
class SchoolCalculation:
    """The calculator's result for one school and year (the stored copy of its figures is
    the ``SchoolWorkload`` model)."""

    school_id: int
    limits: Limits
    people: dict[int, PersonFigures]
    tasks: dict[int, TaskFigures]
    risks: RiskCounts  # every task on the list
    group_level_risks: RiskCounts  # of which on group-level tasks
    task_count: int
    needed_hours: Decimal
    needed_by_group: dict[str, Decimal]
    unassigned_hours: Decimal
    outsourced_hours: Decimal
    group_level_hours: Decimal

    def figures_of(self, staff_id: int) -> PersonFigures:
        """A person's figures here: nothing carried for someone not working here."""
        return self.people.get(staff_id) or PersonFigures(staff_id, None, self.limits)

    @property
    def team_budget(self) -> Decimal:
        return sum((p.budget_hours or ZERO for p in self.people.values()), ZERO)

    @property
    def assigned_hours(self) -> Decimal:
        return sum((p.carried_hours for p in self.people.values()), ZERO)

    @property
    def overloaded_count(self) -> int:
        return sum(1 for p in self.people.values() if p.is_overloaded)

    @property
    def staff_count(self) -> int:
        return sum(1 for p in self.people.values() if p.is_involved)

    @property
    def coverage(self) -> int | None:
        return coverage(self.team_budget, self.needed_hours)


# --- The calculation --------------------------------------------------------------------------


def _shares(rows: SchoolRows, staff_id: int) -> Decimal:
    """The part of a person's group-level work that counts in this school."""
    schools = rows.group_schools.get(staff_id, {})
    if rows.school_id not in schools:
        return ZERO
    total = sum((b or ZERO for b in schools.values()), ZERO)
    if total > 0:
        return (schools[rows.school_id] or ZERO) / total
    return Decimal(1) / len(schools)


def _works_there(rows: SchoolRows, task: TaskIn, staff_id: int | None) -> bool:
    if staff_id is None:
        return True  # a partner
    if task.group_level:
        return bool(rows.group_schools.get(staff_id))
    return staff_id in rows.staff


def carried_by(assignment: AssignmentIn, task_hours_: Decimal | None, responsibles: int) -> Decimal:
    """What one assignment carries in full (before a group-level task is split by school)."""
    if assignment.hours is not None:
        return assignment.hours
    if assignment.kind == BACKUP or task_hours_ is None or responsibles == 0:
        return ZERO
    return task_hours_ / responsibles


def calculate(rows: SchoolRows) -> SchoolCalculation:
    """The workload of one school in one year, from rows loaded beforehand (no queries)."""
    by_task: dict[int, list[AssignmentIn]] = defaultdict(list)
    for a in rows.assignments:
        by_task[a.task_id].append(a)
    people = {  # a budget of 0 h is no budget (state_of treats them alike)
        sid: PersonFigures(sid, rows.budgets.get(sid) or None, rows.limits)
        for sid in sorted(rows.staff)
    }
    raw: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    tasks: dict[int, TaskFigures] = {}
    shares: dict[int, Decimal] = {}
    needed_by_group = dict.fromkeys((*GROUP_KINDS, GROUP_LEVEL), ZERO)
    unassigned_hours = outsourced = ZERO

    for task in rows.tasks:
        figures = TaskFigures(task.id, task.hours, task.kind, task.group_level, task.source)
        tasks[task.id] = figures
        assignments = by_task.get(task.id)
        if not assignments:
            _add_needed(task, needed_by_group)
            if not task.group_level:
                unassigned_hours += task.hours or ZERO
            continue
        counting = []
        for a in assignments:
            if _works_there(rows, task, a.staff_id):
                counting.append(a)
            else:
                figures.needs_new_person.append(a.id)
        responsibles = [a for a in counting if a.kind == RESPONSIBLE]
        figures.responsibles = len(responsibles)
        figures.staff_responsibles = len([a for a in responsibles if a.staff_id is not None])
        figures.backups = len(counting) - len(responsibles)
        if figures.staff_responsibles == 1 and figures.responsibles == 1:
            figures.only_responsible = responsibles[0].staff_id
        for a in counting:
            full = carried_by(a, task.hours, len(responsibles))
            figures.carried[a.id] = full
            if a.kind == RESPONSIBLE:
                figures.assigned_hours += full
            if a.staff_id is None:
                if not task.group_level and a.kind == RESPONSIBLE:
                    outsourced += full
                continue
            if task.group_level:
                if a.staff_id not in shares:
                    shares[a.staff_id] = _shares(rows, a.staff_id)
                part = full * shares[a.staff_id]
                if not shares[a.staff_id]:
                    continue
            else:
                part = full
            person = people.get(a.staff_id)
            if person is None:  # works here without an appointment: cannot happen for counting
                continue
            person.task_count += 1
            person.backup_task_count += a.kind == BACKUP
            raw[a.staff_id][task.kind if a.kind == RESPONSIBLE else BACKUP] += part
        figures.assigned_hours = cents(figures.assigned_hours)
        _add_needed(task, needed_by_group)
        if figures.is_unassigned and not task.group_level:
            unassigned_hours += task.hours or ZERO

    for sid, sums in raw.items():
        person = people[sid]
        person.backup_hours = cents(sums.get(BACKUP, ZERO))
        person.by_group = {kind: cents(sums.get(kind, ZERO)) for kind in GROUP_KINDS}
        person.carried_hours = cents(sum((sums.get(kind, ZERO) for kind in GROUP_KINDS), ZERO))
    for sid, share in shares.items():
        if sid in people:
            people[sid].group_share = share

    overloaded = {sid for sid, person in people.items() if person.is_overloaded}
    risks, group_risks = RiskCounts(), RiskCounts()
    for figures in tasks.values():
        figures.only_responsible_overloaded = figures.only_responsible in overloaded
        _count_risks(risks, figures)
        if figures.group_level:
            _count_risks(group_risks, figures)

    return SchoolCalculation(
        school_id=rows.school_id,
        limits=rows.limits,
        people=people,
        tasks=tasks,
        risks=risks,
        group_level_risks=group_risks,
        task_count=sum(1 for t in rows.tasks if not t.group_level),
        needed_hours=sum((needed_by_group[kind] for kind in GROUP_KINDS), ZERO),
        needed_by_group={kind: needed_by_group[kind] for kind in GROUP_KINDS},
        unassigned_hours=unassigned_hours,
        outsourced_hours=cents(outsourced),
        group_level_hours=needed_by_group[GROUP_LEVEL],
    )


def _add_needed(task: TaskIn, needed: dict[str, Decimal]) -> None:
    """A task's hours to what its school needs per group, or to the group-level total."""
    needed[GROUP_LEVEL if task.group_level else task.kind] += task.hours or ZERO


def _count_risks(counts: RiskCounts, figures: TaskFigures) -> None:
    counts.unassigned += figures.is_unassigned
    counts.without_backup += not figures.has_backup
    counts.single_person += figures.is_single_person
    counts.overloaded_single += figures.only_responsible_overloaded
