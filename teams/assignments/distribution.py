"""Reading a school's distribution of tasks: the board, a person's tasks, the export.

Everything is read in a fixed number of queries, however many tasks and staff a
school has: the tasks with their assignments for display, and the calculator's
rows (``teams.workload.loading``). Every number comes from the calculator, live,
so the board never waits for the stored figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tasks.excel import Writable, write_table
from tasks.models import TaskGroup
from teams.access import staff_of
from teams.assignments.assigning import state_token
from teams.models import Assignment, School, SchoolTask, SchoolYear, StaffMember, by_name
from teams.workload.calculator import PersonFigures, SchoolCalculation, TaskFigures, cents
from teams.workload.figures import calculate_school
from teams.workload.ranking import PersonLoad, loads_in

Kind = Assignment.Kind
ZERO = Decimal(0)


@dataclass
class TaskRow:
    """One task on a board, with the year's assignments and the calculator's figures."""

    task: SchoolTask
    assignments: list[Assignment]
    figures: TaskFigures

    @property
    def responsibles(self) -> list[Assignment]:
        return [a for a in self.assignments if a.kind == Kind.RESPONSIBLE]

    @property
    def backups(self) -> list[Assignment]:
        return [a for a in self.assignments if a.kind == Kind.BACKUP]

    @property
    def is_unassigned(self) -> bool:
        return self.figures.is_unassigned

    @property
    def has_backup(self) -> bool:
        return self.figures.has_backup

    @property
    def state(self) -> str:
        return state_token(self.assignments)

    def hours_of(self, assignment: Assignment) -> Decimal:
        """What an assignment carries (nothing when its person no longer works there)."""
        return cents(self.figures.carried.get(assignment.pk, ZERO))

    def needs_new_person(self, assignment: Assignment) -> bool:
        return assignment.pk in self.figures.needs_new_person

    @property
    def assigned_hours(self) -> Decimal:
        return self.figures.assigned_hours

    def involves(self, staff_id: int) -> bool:
        return any(a.staff_member_id == staff_id for a in self.assignments)


@dataclass
class GroupSection:
    group: TaskGroup | None
    rows: list[TaskRow] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return sum((row.figures.hours or ZERO for row in self.rows), ZERO)


@dataclass
class Board:
    school: School
    school_year: SchoolYear
    rows: list[TaskRow]
    staff: list[StaffMember]
    workload: SchoolCalculation

    @property
    def loads(self) -> list[PersonLoad[PersonFigures]]:
        """The school's staff with their figures here, most loaded first."""
        return loads_in(self.staff, self.workload)

    def sections(self, rows: list[TaskRow] | None = None) -> list[GroupSection]:
        by_group: dict[int | None, GroupSection] = {}
        for row in self.rows if rows is None else rows:
            group = row.task.task_group
            key = group.pk if group else None
            by_group.setdefault(key, GroupSection(group)).rows.append(row)
        return sorted(
            by_group.values(),
            key=lambda s: (s.group.position, s.group.name) if s.group else (999, ""),
        )

    def filtered(
        self,
        *,
        unassigned: bool = False,
        without_backup: bool = False,
        staff_id: int | None = None,
        group_id: int | None = None,
        single: bool = False,
        at_risk: bool = False,
    ) -> list[TaskRow]:
        """The rows that pass every filter given; the risk filters are the calculator's."""
        checks: list[tuple[bool, Callable[[TaskRow], bool]]] = [
            (single, lambda row: row.figures.is_single_person),
            (at_risk, lambda row: row.figures.only_responsible_overloaded),
            (unassigned, lambda row: row.is_unassigned),
            (without_backup, lambda row: not row.has_backup),
            (staff_id is not None, lambda row: staff_id is not None and row.involves(staff_id)),
            (
                group_id is not None,
                lambda row: row.task.task_group is not None and row.task.task_group.pk == group_id,
            ),
        ]
        wanted = [check for on, check in checks if on]
        return [row for row in self.rows if all(check(row) for check in wanted)]

    @property
    def unassigned_count(self) -> int:
        return self.workload.risks.unassigned

    @property
    def without_backup_count(self) -> int:
        return self.workload.risks.without_backup

    @property
    def group_level_unassigned_count(self) -> int:
        return self.workload.group_level_risks.unassigned

    @property
    def group_level_without_backup_count(self) -> int:
        return self.workload.group_level_risks.without_backup

    @property
    def overloaded_count(self) -> int:
        return self.workload.overloaded_count


def board_tasks(school: School, school_year: SchoolYear) -> QuerySet[SchoolTask]:
    """The tasks a school's board shows, each with the year's assignments prefetched."""
    year_assignments = Assignment.objects.filter(school_year=school_year).select_related(
        "staff_member"
    )
    return (
        SchoolTask.objects.for_school(school)
        .visible()
        .with_catalogue()
        .prefetch_related(Prefetch("assignments", year_assignments, to_attr="year_assignments"))
        .order_by("catalogue_task__code", "title", "pk")
    )


def _row(task: SchoolTask, workload: SchoolCalculation) -> TaskRow:
    """The row of a task from :func:`board_tasks`, whose year's assignments are prefetched."""
    figures = workload.tasks.get(task.pk) or TaskFigures(
        task.pk, task.hours, "other", task.is_group_level, task.hours_source
    )
    return TaskRow(task, task.year_assignments, figures)  # type: ignore[attr-defined]  # prefetched


def task_row(
    task: SchoolTask,
    school: School,
    school_year: SchoolYear,
    workload: SchoolCalculation | None = None,
) -> TaskRow:
    """The row of one task on a school's board, for redrawing it after a change; pass the
    school's calculation when the caller has it, so the school is calculated once."""
    if workload is None:
        workload = calculate_school(school, school_year)
    task = board_tasks(school, school_year).get(pk=task.pk)
    return _row(task, workload)


def load_panel(
    school: School,
    workload: SchoolCalculation,
    members: Iterable[StaffMember] | None = None,
) -> list[PersonLoad[PersonFigures]]:
    """The board's panel of hours per person, from a calculation the caller has: the
    school's staff (or the ``members`` given) and their figures, ranked, without the
    board's tasks."""
    return loads_in(staff_of(school) if members is None else members, workload)


def build_board(school: School, school_year: SchoolYear) -> Board:
    workload = calculate_school(school, school_year)
    rows = [_row(task, workload) for task in board_tasks(school, school_year)]
    staff = list(staff_of(school).order_by(*by_name()))
    return Board(school, school_year, rows, staff, workload)


@dataclass
class MemberTask:
    row: TaskRow
    assignment: Assignment

    @property
    def hours(self) -> Decimal:
        return self.row.hours_of(self.assignment)

    @property
    def others(self) -> list[Assignment]:
        """Who shares the task: the backups of a responsible, the responsibles of a backup."""
        side = (
            self.row.backups if self.assignment.kind == Kind.RESPONSIBLE else self.row.responsibles
        )
        return [a for a in side if a.pk != self.assignment.pk]


# --- Export ---------------------------------------------------------------------------------


def _names(assignments: list[Assignment]) -> str:
    return ", ".join(a.assignee for a in assignments)


def write_distribution(stream: Writable | IO[bytes], board: Board) -> None:
    """The school's distribution as a workbook; names and notes are written as inert text."""
    headers = [
        _("Code"), _("Group"), _("Task"), _("Responsible"), _("Backup"), _("Hours per year"),
        _("Assigned hours"), _("Frequency"), _("Level"), _("Note"),
    ]  # fmt: skip
    rows: list[list[Any]] = []
    for section in board.sections():
        for row in section.rows:
            task = row.task
            rows.append([
                task.code,
                section.group.label if section.group else "",
                task.display_title,
                _names(row.responsibles),
                _names(row.backups),
                row.figures.hours,
                row.assigned_hours if not row.is_unassigned else None,
                task.get_frequency_display(),
                _("school group") if task.is_group_level else _("school"),
                "; ".join(a.note for a in row.assignments if a.note),
            ])  # fmt: skip
    workbook = Workbook(write_only=True)
    title = _("Distribution %(year)s") % {"year": board.school_year}
    write_table(workbook, title[:31], headers, rows, widths=[8, 22, 48, 30, 30, 12, 12, 14, 14, 40])
    workbook.save(stream)


@dataclass
class MemberSummary:
    """A person's tasks in one school and year, with the calculator's figures for them."""

    school: School
    tasks: list[MemberTask]
    figures: PersonFigures

    @property
    def carried_hours(self) -> Decimal:
        return self.figures.carried_hours

    @property
    def backup_hours(self) -> Decimal:
        return self.figures.backup_hours

    @property
    def budget_hours(self) -> Decimal | None:
        return self.figures.budget_hours

    @property
    def percent(self) -> int | None:
        return self.figures.percent

    @property
    def state(self) -> str:
        return self.figures.state


def member_summary(member: StaffMember, school: School, school_year: SchoolYear) -> MemberSummary:
    """A person's tasks on a school's board in a year, and what they carry there."""
    workload = calculate_school(school, school_year)
    tasks = board_tasks(school, school_year).filter(
        assignments__staff_member=member, assignments__school_year=school_year
    )
    result: list[MemberTask] = []
    for task in tasks:
        row = _row(task, workload)
        result.extend(
            MemberTask(row, assignment)
            for assignment in row.assignments
            if assignment.staff_member_id == member.pk
        )
    return MemberSummary(school, result, workload.figures_of(member.pk))
