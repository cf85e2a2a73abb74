"""The seam to the workload calculator: the few figures the step plan shows.

Steps about dividing the tasks, resources and outsourcing show a school's
figures. They are read here, through :func:`workload_facts` only, so the source
can be rewired to another calculator without touching the step plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from teams.assignments.distribution import build_board
from teams.models import School, SchoolYear

ZERO = Decimal(0)


@dataclass(frozen=True)
class TaskRef:
    pk: int
    title: str


@dataclass(frozen=True)
class Outsourced:
    task: TaskRef
    partner: str
    hours: Decimal


@dataclass
class WorkloadFacts:
    unassigned: list[TaskRef] = field(default_factory=list)
    without_backup: list[TaskRef] = field(default_factory=list)
    outsourced: list[Outsourced] = field(default_factory=list)
    team_budget: Decimal = ZERO
    needed_hours: Decimal = ZERO  # what the school's own tasks need
    team_workload: Decimal = ZERO  # what the team carries of them
    coverage: int | None = None  # the calculator's: budget against the hours needed


def workload_facts(school: School, school_year: SchoolYear) -> WorkloadFacts:
    """Unassigned tasks, tasks without backup, outsourced assignments, and the team's
    budget against its workload, for one school and year.

    This is the one place the step plan reads workload. Every number is the
    workload calculator's, through the board (``teams.assignments.distribution``), so the step
    plan counts exactly what the board and the dashboard count.
    """
    board = build_board(school, school_year)
    facts = WorkloadFacts()
    for row in board.rows:
        ref = TaskRef(row.task.pk, row.task.display_title)
        if row.is_unassigned:
            facts.unassigned.append(ref)
        if not row.has_backup:
            facts.without_backup.append(ref)
        facts.outsourced += [
            Outsourced(ref, a.partner, row.hours_of(a)) for a in row.responsibles if a.is_outsourced
        ]
    facts.team_budget = board.workload.team_budget
    facts.needed_hours = board.workload.needed_hours
    facts.team_workload = board.workload.assigned_hours
    facts.coverage = board.workload.coverage
    return facts
