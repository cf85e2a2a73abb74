"""Reading the precomputed workload figures of a school or school group for the dashboard.

Only the workload tables are read (see ``teams.workload``), in a fixed number
of queries, however many staff and tasks a school has.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Subquery, Sum
from django.utils.translation import gettext as _

from tasks.models import TaskGroup

from .models import (
    GROUP_KINDS,
    School,
    SchoolGroup,
    SchoolYear,
    StaffWorkload,
    WorkloadRequest,
    WorkloadSnapshot,
)

ZERO = Decimal(0)


@dataclass
class SchoolDashboard:
    school: School
    school_year: SchoolYear
    snapshot: WorkloadSnapshot | None
    people: list[StaffWorkload]
    trend: list[WorkloadSnapshot]
    pending: bool
    group_ids: dict[str, int] = field(default_factory=dict)
    group_names: dict[str, str] = field(default_factory=dict)

    @property
    def overloaded(self) -> list[StaffWorkload]:
        return [p for p in self.people if p.state(self.school) == "over"]

    def groups(self) -> list[dict[str, Any]]:
        """Needed and assigned hours per group, with each group's share of the need."""
        if self.snapshot is None:
            return []
        assigned: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for person in self.people:
            for kind, hours in person.group_split():
                assigned[kind] += hours
        needed = dict(self.snapshot.group_split())
        total = sum(needed.values(), ZERO)
        return [
            {
                "kind": kind,
                "label": self.group_names.get(kind, kind),
                "group_id": self.group_ids.get(kind),
                "needed": needed[kind],
                "assigned": assigned[kind],
                "share": round(100 * needed[kind] / total) if total else 0,
            }
            for kind in GROUP_KINDS
            if needed[kind] or assigned[kind] or kind != "other"
        ]

    def chart_data(self) -> dict[str, Any]:
        """What the charts draw; the page shows the same figures as tables."""
        return {
            "labels": {
                "responsible": _("Hours as responsible"), "budget": _("Budget"),
                "needed": _("Needed"), "assigned": _("Assigned"),
            },
            "people": [
                {
                    "name": p.staff_member.full_name,
                    "hours": float(p.responsible_hours),
                    "budget": float(p.budget_hours),
                    "state": p.state(self.school),
                }
                for p in self.people
            ],
            "groups": [
                {"label": str(g["label"]), "needed": float(g["needed"]),
                 "assigned": float(g["assigned"])}
                for g in self.groups()
            ],
            "trend": [
                {"day": s.day.isoformat(), "needed": float(s.needed_hours),
                 "budget": float(s.team_budget), "assigned": float(s.assigned_hours)}
                for s in self.trend
            ],
        }  # fmt: skip


def school_dashboard(school: School, school_year: SchoolYear) -> SchoolDashboard:
    trend = list(
        WorkloadSnapshot.objects.filter(school=school, school_year=school_year).order_by("day")
    )
    people = sorted(
        StaffWorkload.objects.filter(school=school, school_year=school_year).select_related(
            "staff_member"
        ),
        key=lambda p: (
            -(p.utilisation if p.utilisation is not None else 10_000),
            p.staff_member.last_name,
        ),
    )
    groups = list(TaskGroup.objects.exclude(kind="").values_list("kind", "pk", "name"))
    return SchoolDashboard(
        school=school,
        school_year=school_year,
        snapshot=trend[-1] if trend else None,
        people=people,
        trend=trend,
        pending=WorkloadRequest.objects.filter(school=school, school_year=school_year).exists(),
        group_ids={kind: pk for kind, pk, _ in groups},
        group_names={kind: name for kind, _, name in groups} | {"other": _("other groups")},
    )


@dataclass
class GroupDashboard:
    school_group: SchoolGroup
    snapshots: list[tuple[School, WorkloadSnapshot | None]]
    multi_school_people: list[dict[str, Any]]


def group_dashboard(school_group: SchoolGroup, school_year: SchoolYear) -> GroupDashboard:
    """The schools of a group side by side, and the people who work in several of them."""
    latest = WorkloadSnapshot.objects.filter(
        school=OuterRef("pk"), school_year=school_year
    ).order_by("-day")
    schools = list(
        School.objects.filter(school_group=school_group)
        .annotate(latest_snapshot=Subquery(latest.values("pk")[:1]))
        .order_by("name")
    )
    snapshots = WorkloadSnapshot.objects.in_bulk(
        [s.latest_snapshot for s in schools if s.latest_snapshot]
    )  # type: ignore[attr-defined]
    people: list[dict[str, Any]] = [
        dict(row)
        for row in StaffWorkload.objects.filter(
            school__school_group=school_group, school_year=school_year
        )
        .values("staff_member", "staff_member__first_name", "staff_member__last_name")
        .annotate(
            schools=Count("school"), hours=Sum("responsible_hours"), budget=Sum("budget_hours")
        )
        .filter(schools__gt=1)
        .order_by("staff_member__last_name")
    ]
    for person in people:
        budget = person["budget"] or ZERO
        person["percent"] = round(100 * person["hours"] / budget) if budget else None
    return GroupDashboard(
        school_group,
        [(school, snapshots.get(school.latest_snapshot)) for school in schools],  # type: ignore[attr-defined]
        people,
    )
