"""The pilot overview: every pilot school's progress through the steps, side by side.

Built in a fixed number of queries whatever the number of schools and steps,
from the same progress calculator as the step plan page. It carries pilot
data only, no names of people, budgets or workload; and of each school
exactly what its sharing choice on the step plan page says: always the
states, dates, stuck steps and how many items are not applicable; the
school's own words (notes, links, reasons why an item does not apply) only
while it shares them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import IO, Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tasks.excel import Writable, write_table
from teams.models import School

from .models import Cycle, Phase, Pilot, Progress, Step, StepPlan
from .progress import StepState, plan_state
from .services import load_structures

# A step counts as stuck when it has not moved for this long, or its target date passed.
STUCK_AFTER = timedelta(days=30)


@dataclass
class SchoolRow:
    school: School
    cycle: Cycle | None
    cells: list[StepState | None]
    percent: int = 0


@dataclass
class Reason:
    school: School
    item_title: str
    reason: str


@dataclass
class SharedNote:
    school: School
    step: Step
    item_title: str
    note: str
    link: str


@dataclass
class StepSummary:
    step: Step
    stuck: list[School] = field(default_factory=list)
    not_applicable: int = 0  # items marked not applicable, at every school
    reasons: list[Reason] = field(default_factory=list)  # of the schools that share them

    @property
    def weight(self) -> int:
        return len(self.stuck) + self.not_applicable

    @property
    def reasons_withheld(self) -> int:
        """Items not applicable at schools that do not share why."""
        return self.not_applicable - len(self.reasons)


@dataclass
class PilotMatrix:
    pilot: Pilot
    phases: list[Phase]
    steps: list[Step]
    rows: list[SchoolRow]
    summaries: list[StepSummary]
    notes: list[SharedNote]
    all_phases: list[Phase] = field(default_factory=list)

    @property
    def trouble(self) -> list[StepSummary]:
        """Steps most often stuck or marked not applicable, most first."""
        return sorted(
            (s for s in self.summaries if s.weight), key=lambda s: (-s.weight, s.step.number)
        )


def is_stuck(state: StepState, on: date) -> bool:
    if state.is_done:
        return False
    if state.is_overdue(on):
        return True
    last = state.last_change
    return (
        state.state == Progress.State.IN_PROGRESS
        and last is not None
        and (timezone.localdate(last) < on - STUCK_AFTER)
    )


def pilot_matrix(
    pilot: Pilot,
    schools: Iterable[School],
    *,
    school_group_id: int | None = None,
    phase_key: str = "",
    on: date | None = None,
) -> PilotMatrix:
    """Schools x steps of the pilot's version, for the given (already scoped) schools.

    Each school's progress is read from its cycle of the pilot's guideline in
    the pilot's period (the latest one); steps are matched by key, so a school
    on a newer version still lines up.
    """
    on = on or timezone.localdate()
    schools = [
        s for s in schools if school_group_id is None or s.school_group_id == school_group_id
    ]
    cycles: dict[int, Cycle] = {}
    for found in (
        Cycle.objects.filter(
            school__in=[s.pk for s in schools],
            guideline_id=pilot.version.guideline_id,
            school_year__start_year__in=pilot.start_years,
        )
        .select_related("version")
        .order_by("school_year__start_year")
    ):
        cycles[found.school_id] = found  # the latest year wins
    structures = load_structures({pilot.version, *(c.version for c in cycles.values())})
    pilot_structure = structures[pilot.version.pk]
    phases = [p for p in pilot_structure.phases if not phase_key or p.key == phase_key]
    phase_ids = {p.pk for p in phases}
    steps = [s for s in pilot_structure.steps if s.phase_id in phase_ids]
    progress: dict[int, list[Progress]] = {}
    for row in Progress.objects.filter(cycle__in=list(cycles.values())):
        progress.setdefault(row.cycle_id, []).append(row)
    plans: dict[int, list[StepPlan]] = {}
    for plan in StepPlan.objects.filter(cycle__in=list(cycles.values())):
        plans.setdefault(plan.cycle_id, []).append(plan)
    summaries = {s.key: StepSummary(s) for s in steps}
    rows, notes = [], []
    for school in schools:
        cycle = cycles.get(school.pk)
        if cycle is None:
            rows.append(SchoolRow(school, None, [None] * len(steps)))
            continue
        structure = structures[cycle.version_id]
        state = plan_state(
            phases=structure.phases, steps=structure.steps, items=structure.items,
            progress=progress.get(cycle.pk, []), plans=plans.get(cycle.pk, []),
        )  # fmt: skip
        cells = [state.step(step.key) for step in steps]
        rows.append(SchoolRow(school, cycle, cells, state.percent))
        for step, cell in zip(steps, cells, strict=True):
            if cell is None:
                continue
            if is_stuck(cell, on):
                summaries[step.key].stuck.append(school)
            summary = summaries[step.key]
            summary.not_applicable += len(cell.not_applicable)
            if cycle.shares_notes:
                summary.reasons += [
                    Reason(school, i.item.title, i.progress.reason)
                    for i in cell.not_applicable
                    if i.progress
                ]
                notes += [
                    SharedNote(school, step, i.item.title, i.progress.note, i.progress.link)
                    for i in cell.items
                    if i.progress and (i.progress.note or i.progress.link)
                ]
    return PilotMatrix(
        pilot, phases, steps, rows, list(summaries.values()), notes, pilot_structure.phases
    )


def _cell_text(cell: StepState | None) -> str:
    if cell is None:
        return "–"
    when = cell.last_change
    text = cell.state_label
    return (
        f"{text} ({date_format(timezone.localtime(when), 'SHORT_DATE_FORMAT')})" if when else text
    )


def write_pilot(stream: Writable | IO[bytes], matrix: PilotMatrix) -> None:
    """The overview as a workbook; every school's text is written as inert text."""
    workbook = Workbook(write_only=True)
    headers = [_("School"), _("School group"), _("Progress (%)")] + [
        f"{s.number}. {s.title}" for s in matrix.steps
    ]
    rows: list[list[Any]] = [
        [row.school.name, str(row.school.school_group or ""), row.percent if row.cycle else None]
        + [_cell_text(c) for c in row.cells]
        for row in matrix.rows
    ]
    write_table(workbook, _("Steps")[:31], headers, rows, [32, 24, 12] + [22] * len(matrix.steps))
    write_table(
        workbook,
        _("Stuck or not applicable")[:31],
        [_("Step"), _("Stuck at"), _("Not applicable at")],
        [
            [f"{s.step.number}. {s.step.title}", len(s.stuck), s.not_applicable]
            for s in matrix.trouble
        ],
        [48, 12, 18],
    )
    write_table(
        workbook,
        _("Reasons")[:31],
        [_("Step"), _("School"), _("Item"), _("Reason")],
        [
            [f"{s.step.number}. {s.step.title}", r.school.name, r.item_title, r.reason]
            for s in matrix.summaries
            for r in s.reasons
        ],
        [36, 30, 48, 60],
    )
    write_table(
        workbook,
        _("Shared notes")[:31],
        [_("School"), _("Step"), _("Item"), _("Note"), _("Link")],
        [
            [n.school.name, f"{n.step.number}. {n.step.title}", n.item_title, n.note, n.link]
            for n in matrix.notes
        ],
        [30, 36, 48, 60, 40],
    )
    workbook.save(stream)
