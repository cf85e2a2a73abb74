"""Reading the stored workload figures of a school or school group for the dashboards.

Only the figure tables are read, in a fixed number of queries however many
staff and tasks a school has. The stored rows are turned back into the
calculator's own result objects, so percentages and states come from the one
rule, exactly as the board shows them live.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tasks.models import TaskGroup
from teams.models import (
    GROUP_KINDS,
    School,
    SchoolGroup,
    SchoolWorkload,
    SchoolYear,
    StaffMember,
    StaffWorkload,
    WorkloadRequest,
    WorkloadSnapshot,
)
from teams.workload.calculator import ZERO, Limits, PersonFigures, percent_of


def limits_of(school: School) -> Limits:
    return Limits(school.busy_from_percent, school.overloaded_above_percent)


def person_figures(row: StaffWorkload, limits: Limits) -> PersonFigures:
    """A stored person's row as the calculator's result object."""
    return PersonFigures(
        staff_id=row.staff_member_id,
        budget_hours=row.budget_hours or None,
        limits=limits,
        carried_hours=row.carried_hours,
        backup_hours=row.backup_hours,
        task_count=row.task_count,
        by_group=row.group_split(),
    )


@dataclass
class PersonRow:
    member: StaffMember
    figures: PersonFigures


@dataclass
class TrendPoint:
    day: date
    needed_hours: Decimal
    team_budget: Decimal
    assigned_hours: Decimal
    unassigned_hours: Decimal


@dataclass
class SchoolDashboard:
    school: School
    school_year: SchoolYear
    current: SchoolWorkload | None
    people: list[PersonRow]
    trend: list[TrendPoint]
    pending: bool
    group_ids: dict[str, int] = field(default_factory=dict)
    group_names: dict[str, str] = field(default_factory=dict)

    @property
    def overloaded(self) -> list[PersonRow]:
        return [p for p in self.people if p.figures.is_overloaded]

    @property
    def coverage(self) -> int | None:
        """The team's budget against the hours the school's tasks need, in percent."""
        if self.current is None:
            return None
        return percent_of(self.current.team_budget, self.current.needed_hours)

    def groups(self) -> list[dict[str, Any]]:
        """Needed and assigned hours per group, with each group's share of the need."""
        if self.current is None:
            return []
        assigned = dict.fromkeys(GROUP_KINDS, ZERO)
        for person in self.people:
            for kind, hours in person.figures.by_group.items():
                assigned[kind] += hours
        needed = self.current.group_split()
        total = sum(needed.values(), ZERO)
        return [
            {
                "kind": kind,
                "label": self.group_names.get(kind, kind),
                "group_id": self.group_ids.get(kind),
                "needed": needed[kind],
                "assigned": assigned[kind],
                "share": percent_of(needed[kind], total) or 0,
            }
            for kind in GROUP_KINDS
            if needed[kind] or assigned[kind] or kind != "other"
        ]

    def chart_data(self) -> dict[str, Any]:
        """What the charts draw; the page shows the same figures as tables."""
        return {
            "labels": {
                "responsible": _("Hours carried"), "budget": _("Budget"),
                "needed": _("Needed"), "assigned": _("Assigned"),
                # The bars of the people chart take the colour of the person's state.
                "states": {"over": _("overloaded"), "busy": _("busy"), "ok": _("fine"),
                           "unknown": _("no budget")},
            },
            "people": [
                {
                    "name": p.member.full_name,
                    "hours": float(p.figures.carried_hours),
                    "budget": float(p.figures.budget_hours or 0),
                    "state": p.figures.state,
                }
                for p in self.people
            ],
            "groups": [
                {"label": str(g["label"]), "needed": float(g["needed"]),
                 "assigned": float(g["assigned"])}
                for g in self.groups()
            ],
            "trend": [
                {"day": point.day.isoformat(), "label": date_format(point.day, "SHORT_DATE_FORMAT"),
                 "needed": float(point.needed_hours), "budget": float(point.team_budget),
                 "assigned": float(point.assigned_hours)}
                for point in self.trend
            ],
        }  # fmt: skip


def _point(figures: SchoolWorkload | WorkloadSnapshot, day: date) -> TrendPoint:
    return TrendPoint(
        day,
        figures.needed_hours,
        figures.team_budget,
        figures.assigned_hours,
        figures.unassigned_hours,
    )


def school_dashboard(school: School, school_year: SchoolYear) -> SchoolDashboard:
    """A school's stored figures: the current ones, its people, and the trend to today."""
    limits = limits_of(school)
    current = SchoolWorkload.objects.filter(school=school, school_year=school_year).first()
    today = timezone.localdate()
    trend = [
        _point(s, s.day)
        for s in WorkloadSnapshot.objects.filter(school=school, school_year=school_year)
        .exclude(day=today)
        .order_by("day")
    ]
    if current is not None:
        trend.append(_point(current, timezone.localdate(current.computed_at)))
    rows = StaffWorkload.objects.filter(school=school, school_year=school_year).select_related(
        "staff_member"
    )
    people = [PersonRow(row.staff_member, person_figures(row, limits)) for row in rows]
    people.sort(
        key=lambda p: (
            -(p.figures.percent if p.figures.percent is not None else 10_000),
            p.member.last_name,
        )
    )
    groups = list(TaskGroup.objects.exclude(kind="").values_list("kind", "pk", "name"))
    return SchoolDashboard(
        school=school,
        school_year=school_year,
        current=current,
        people=people,
        trend=trend,
        pending=WorkloadRequest.objects.filter(school=school, school_year=school_year).exists(),
        group_ids={kind: pk for kind, pk, _name in groups},
        group_names={kind: name for kind, _pk, name in groups} | {"other": _("other groups")},
    )


@dataclass
class MultiSchoolPerson:
    member: StaffMember
    schools: int
    figures: PersonFigures


@dataclass
class GroupDashboard:
    school_group: SchoolGroup
    schools: list[tuple[School, SchoolWorkload | None]]
    multi_school_people: list[MultiSchoolPerson]


def group_dashboard(school_group: SchoolGroup, school_year: SchoolYear) -> GroupDashboard:
    """The schools of a group side by side, and the people who work in several of them.

    A person's hours over the group are their stored hours per school added up:
    their group-level work was split over those schools, so it adds up whole.
    """
    current = SchoolWorkload.objects.filter(school=OuterRef("pk"), school_year=school_year)
    schools = list(
        School.objects.filter(school_group=school_group)
        .annotate(current_figures=Subquery(current.values("pk")[:1]))
        .order_by("name")
    )
    figures = SchoolWorkload.objects.in_bulk(
        [s.current_figures for s in schools if s.current_figures]
    )
    per_person: dict[int, list[StaffWorkload]] = {}
    for row in StaffWorkload.objects.filter(
        school__school_group=school_group, school_year=school_year
    ).select_related("staff_member", "school"):
        per_person.setdefault(row.staff_member_id, []).append(row)
    people = []
    for rows in per_person.values():
        if len(rows) < 2:
            continue
        # The group's own limits do not exist: the strictest of the person's schools holds.
        limits = min(
            (limits_of(r.school) for r in rows), key=lambda lim: lim.overloaded_above_percent
        )
        total = PersonFigures(rows[0].staff_member_id, None, limits)
        for row in rows:
            if row.budget_hours:
                total.budget_hours = (total.budget_hours or ZERO) + row.budget_hours
            total.carried_hours += row.carried_hours
            total.backup_hours += row.backup_hours
            total.task_count += row.task_count
        people.append(MultiSchoolPerson(rows[0].staff_member, len(rows), total))
    people.sort(key=lambda p: (p.member.last_name, p.member.first_name))
    return GroupDashboard(
        school_group,
        [(school, figures.get(school.current_figures)) for school in schools],
        people,
    )
