"""Reading a school's distribution of tasks: the board, a person's tasks, the export.

Everything is read in a fixed number of queries, however many tasks and staff
a school has: tasks with their catalogue entries in one, the year's
assignments in one, and the figures are put together in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tasks.excel import Writable, write_table
from tasks.models import TaskGroup

from .access import staff_of
from .assigning import state_token
from .models import (
    Assignment,
    Budget,
    School,
    SchoolTask,
    SchoolYear,
    StaffMember,
    StaffWorkload,
    WorkloadRequest,
    load_state,
)

Kind = Assignment.Kind
ZERO = Decimal(0)


@dataclass
class TaskRow:
    """One task on a board, with the year's assignments and what they add up to."""

    task: SchoolTask
    assignments: list[Assignment]

    @property
    def responsibles(self) -> list[Assignment]:
        return [a for a in self.assignments if a.kind == Kind.RESPONSIBLE]

    @property
    def backups(self) -> list[Assignment]:
        return [a for a in self.assignments if a.kind == Kind.BACKUP]

    @property
    def is_unassigned(self) -> bool:
        return not self.responsibles

    @property
    def has_backup(self) -> bool:
        return bool(self.backups)

    @property
    def state(self) -> str:
        return state_token(self.assignments)

    def hours_of(self, assignment: Assignment) -> Decimal:
        """Hours an assignment carries: its own figure, else a share of the task's."""
        if assignment.hours is not None:
            return assignment.hours
        if assignment.kind == Kind.BACKUP or self.task.hours is None:
            return ZERO
        return self.task.hours / len(self.responsibles)

    @property
    def assigned_hours(self) -> Decimal:
        return sum((self.hours_of(a) for a in self.responsibles), ZERO)

    def involves(self, staff_id: int) -> bool:
        return any(a.staff_member_id == staff_id for a in self.assignments)


@dataclass
class GroupSection:
    group: TaskGroup | None
    rows: list[TaskRow] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return sum((row.task.hours or ZERO for row in self.rows), ZERO)


@dataclass
class PersonLoad:
    """A staff member's hours on this board against their budget here."""

    member: StaffMember
    budget: Decimal | None
    responsible_hours: Decimal = ZERO
    backup_hours: Decimal = ZERO
    task_count: int = 0

    @property
    def percent(self) -> int | None:
        if not self.budget:
            return None
        return round(100 * self.responsible_hours / self.budget)

    def state(self, school: School) -> str:
        return load_state(self.responsible_hours, self.budget, school)


@dataclass
class Board:
    school: School
    school_year: SchoolYear
    rows: list[TaskRow]
    staff: list[StaffMember]
    loads: list[PersonLoad]
    pending: bool = False  # a change is not in the figures yet

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
        school_only: bool = False,
    ) -> list[TaskRow]:
        """The rows that pass every filter given; ``single`` keeps tasks with one responsible
        and no backup, ``at_risk`` tasks whose only responsible is overloaded here."""
        rows = self.rows
        if school_only:  # as the workload figures count them
            rows = [row for row in rows if not row.task.is_group_level]
        if single:
            rows = [row for row in rows if len(row.responsibles) == 1 and not row.has_backup]
        if at_risk:
            over = {load.member.pk for load in self.loads if self.is_overloaded(load)}
            rows = [
                row
                for row in rows
                if len(row.responsibles) == 1 and row.responsibles[0].staff_member_id in over
            ]
        if unassigned:
            rows = [row for row in rows if row.is_unassigned]
        if without_backup:
            rows = [row for row in rows if not row.has_backup]
        if staff_id is not None:
            rows = [row for row in rows if row.involves(staff_id)]
        if group_id is not None:
            rows = [
                row for row in rows if row.task.task_group and row.task.task_group.pk == group_id
            ]
        return rows

    @property
    def unassigned_count(self) -> int:
        return sum(1 for row in self.rows if row.is_unassigned)

    @property
    def without_backup_count(self) -> int:
        return sum(1 for row in self.rows if not row.has_backup)

    def is_overloaded(self, load: PersonLoad) -> bool:
        return load.state(self.school) == "over"

    @property
    def overloaded_count(self) -> int:
        return sum(1 for load in self.loads if self.is_overloaded(load))


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


def _prefetched_row(task: SchoolTask) -> TaskRow:
    """The row of a task from :func:`board_tasks`, whose year's assignments are prefetched."""
    return TaskRow(task, task.year_assignments)  # type: ignore[attr-defined]


def task_row(task: SchoolTask, school_year: SchoolYear) -> TaskRow:
    """The row of one task, for redrawing it after a change."""
    assignments = list(
        Assignment.objects.filter(school_task=task, school_year=school_year).select_related(
            "staff_member"
        )
    )
    return TaskRow(task, assignments)


def build_board(school: School, school_year: SchoolYear) -> Board:
    rows = [_prefetched_row(task) for task in board_tasks(school, school_year)]
    staff = list(staff_of(school).order_by("last_name", "first_name"))
    figures = {
        w.staff_member_id: w
        for w in StaffWorkload.objects.filter(school=school, school_year=school_year)
    }
    loads = (
        _loads_from_figures(staff, figures)
        if figures
        else _loads_counted(school, school_year, staff, rows)
    )
    ranked = sorted(loads, key=lambda load: -(load.percent or -1))
    pending = WorkloadRequest.objects.filter(school=school, school_year=school_year).exists()
    return Board(school, school_year, rows, staff, ranked, pending)


def _loads_from_figures(
    staff: list[StaffMember], figures: dict[int, StaffWorkload]
) -> list[PersonLoad]:
    """People's hours as the workload figures have them (group tasks shared out by budget)."""
    loads = []
    for member in staff:
        row = figures.get(member.pk)
        if row is None:
            loads.append(PersonLoad(member, None))
            continue
        loads.append(PersonLoad(member, row.budget_hours or None, row.responsible_hours,
                                row.backup_hours, row.task_count))  # fmt: skip
    return loads


def _loads_counted(
    school: School, school_year: SchoolYear, staff: list[StaffMember], rows: list[TaskRow]
) -> list[PersonLoad]:
    """People's hours counted from the board itself, until the figures are first computed."""
    budgets = dict(
        Budget.objects.filter(school=school, school_year=school_year).values_list(
            "staff_member_id", "hours_per_year"
        )
    )
    loads = {member.pk: PersonLoad(member, budgets.get(member.pk)) for member in staff}
    for row in rows:
        for assignment in row.assignments:
            load = loads.get(assignment.staff_member_id)  # type: ignore[arg-type]
            if load is None:
                continue  # someone from another school of the group
            load.task_count += 1
            if assignment.kind == Kind.RESPONSIBLE:
                load.responsible_hours += row.hours_of(assignment)
            else:
                load.backup_hours += row.hours_of(assignment)
    return list(loads.values())


@dataclass
class MemberTask:
    row: TaskRow
    assignment: Assignment

    @property
    def hours(self) -> Decimal:
        return self.row.hours_of(self.assignment)


def member_tasks(member: StaffMember, school: School, school_year: SchoolYear) -> list[MemberTask]:
    """A person's tasks on a school's board in a year, with the hours each carries."""
    tasks = board_tasks(school, school_year).filter(
        assignments__staff_member=member, assignments__school_year=school_year
    )
    result: list[MemberTask] = []
    for task in tasks:
        row = _prefetched_row(task)
        result.extend(
            MemberTask(row, assignment)
            for assignment in row.assignments
            if assignment.staff_member_id == member.pk
        )
    return result


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
                section.group.name if section.group else "",
                task.display_title,
                _names(row.responsibles),
                _names(row.backups),
                task.hours,
                row.assigned_hours if row.responsibles else None,
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
    """A person's tasks in one school and year, with their hours against the budget.

    The totals are the workload figures once computed, so they agree with the
    dashboard (group-level tasks shared over the schools a person works in).
    """

    school: School
    tasks: list[MemberTask]
    budget: Budget | None
    figures: StaffWorkload | None = None

    @property
    def responsible_hours(self) -> Decimal:
        if self.figures is not None:
            return self.figures.responsible_hours
        return sum((t.hours for t in self.tasks if t.assignment.kind == Kind.RESPONSIBLE), ZERO)

    @property
    def backup_hours(self) -> Decimal:
        if self.figures is not None:
            return self.figures.backup_hours
        return sum((t.hours for t in self.tasks if t.assignment.kind == Kind.BACKUP), ZERO)

    @property
    def percent(self) -> int | None:
        if self.budget is None or not self.budget.hours_per_year:
            return None
        return round(100 * self.responsible_hours / self.budget.hours_per_year)


def member_summary(member: StaffMember, school: School, school_year: SchoolYear) -> MemberSummary:
    budget = Budget.objects.filter(
        staff_member=member, school=school, school_year=school_year
    ).first()
    figures = StaffWorkload.objects.filter(
        staff_member=member, school=school, school_year=school_year
    ).first()
    return MemberSummary(school, member_tasks(member, school, school_year), budget, figures)
