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
    School,
    SchoolGroup,
    SchoolWorkload,
    SchoolYear,
    StaffWorkload,
    WorkloadRequest,
    WorkloadSnapshot,
)
from teams.workload import states
from teams.workload.calculator import (
    GROUP_KINDS,
    PersonFigures,
    PersonTotal,
    carried_by_group,
    over_schools,
    percent_of,
)
from teams.workload.ranking import PersonLoad, ranked


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
    people: list[PersonLoad[PersonFigures]]  # ranked
    trend: list[TrendPoint]
    pending: bool
    group_ids: dict[str, int] = field(default_factory=dict)
    group_names: dict[str, str] = field(default_factory=dict)

    @property
    def overloaded(self) -> list[PersonLoad[PersonFigures]]:
        return [p for p in self.people if p.figures.is_overloaded]

    def groups(self) -> list[dict[str, Any]]:
        """Needed and assigned hours per group, with each group's share of the need."""
        if self.current is None:
            return []
        assigned = carried_by_group(p.figures for p in self.people)
        needed = self.current.group_split()
        total = sum(needed.values(), Decimal(0))
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
            },
            # The bars of the people chart take the colour of the person's state.
            "states": states.for_charts(),
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
    people = ranked(PersonLoad(row.staff_member, row.figures(school.limits)) for row in rows)
    groups = [(g.kind, g.pk, g.label) for g in TaskGroup.objects.exclude(kind="")]
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
class SchoolColumn:
    """A school on the group page: its stored figures, and what its people carry per group."""

    school: School
    current: SchoolWorkload | None
    carried_by_group: dict[str, Decimal]


@dataclass
class SchoolGroupDashboard:
    school_group: SchoolGroup
    schools: list[SchoolColumn]
    multi_school_people: list[PersonLoad[PersonTotal]]  # ranked


def school_group_dashboard(
    school_group: SchoolGroup, school_year: SchoolYear
) -> SchoolGroupDashboard:
    """The schools of a group side by side, and the people who work in several of them.

    A person's figures over the group are the calculator's total over their
    schools (:func:`calculator.over_schools`) of their stored figures there.
    """
    current = SchoolWorkload.objects.filter(school=OuterRef("pk"), school_year=school_year)
    schools = list(
        School.objects.filter(school_group=school_group)
        .annotate(current_figures=Subquery(current.values("pk")[:1]))
        .order_by("name")
    )
    stored = SchoolWorkload.objects.in_bulk(
        [s.current_figures for s in schools if s.current_figures]
    )
    limits = {school.pk: school.limits for school in schools}
    per_school: dict[int, list[PersonFigures]] = {school.pk: [] for school in schools}
    per_person: dict[int, list[PersonFigures]] = {}
    members = {}
    for row in StaffWorkload.objects.filter(
        school__school_group=school_group, school_year=school_year
    ).select_related("staff_member"):
        figures = row.figures(limits[row.school_id])
        per_school[row.school_id].append(figures)
        per_person.setdefault(row.staff_member_id, []).append(figures)
        members[row.staff_member_id] = row.staff_member
    return SchoolGroupDashboard(
        school_group,
        [
            SchoolColumn(
                school,
                stored.get(school.current_figures),
                carried_by_group(per_school[school.pk]),
            )
            for school in schools
        ],
        ranked(
            PersonLoad(members[staff_id], over_schools(parts))
            for staff_id, parts in per_person.items()
            if len(parts) > 1
        ),
    )
