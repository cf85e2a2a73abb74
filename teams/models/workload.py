"""Precomputed workload figures, and the marks that ask for them to be recalculated.

The dashboard only reads these tables; ``teams.workload`` writes them, set-wise,
for one school or for all of them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisation import School, SchoolYear
from .staff import StaffMember

HOURS: dict[str, Any] = {"max_digits": 10, "decimal_places": 2, "default": Decimal(0)}
GROUP_KINDS = ("technical", "pedagogical", "policy", "administrative", "other")


def load_state(hours: Decimal, budget: Decimal | None, school: School) -> str:
    """ "over", "busy", "ok", or "unknown" (no budget, no hours), by the school's limits.

    Compared exactly, as the SQL of the figures does: 100.4 % is over 100 %.
    Hours without any budget count as overload.
    """
    if not budget:
        return "over" if hours > 0 else "unknown"
    if hours * 100 > budget * school.overloaded_above_percent:
        return "over"
    if hours * 100 >= budget * school.busy_from_percent:
        return "busy"
    return "ok"


class GroupHours(models.Model):
    """Hours split over the four standard groups of tasks, and any others."""

    technical_hours = models.DecimalField(_("technical"), **HOURS)
    pedagogical_hours = models.DecimalField(_("pedagogical-didactical"), **HOURS)
    policy_hours = models.DecimalField(_("policy and vision"), **HOURS)
    administrative_hours = models.DecimalField(_("administrative"), **HOURS)
    other_hours = models.DecimalField(_("other groups"), **HOURS)

    class Meta:
        abstract = True

    def group_split(self) -> list[tuple[str, Decimal]]:
        return [(kind, getattr(self, f"{kind}_hours")) for kind in GROUP_KINDS]


# The figures tables are derived data, rewritten set-wise for all of Flanders every
# night: their foreign keys carry no database constraint and no index of their own
# (the unique constraint's index serves the lookups), which keeps those writes cheap.
# Django still deletes the rows when a school, year or person is deleted.
DERIVED: dict[str, Any] = {"on_delete": models.CASCADE, "db_constraint": False, "db_index": False}


class WorkloadSnapshot(GroupHours):
    """A school's figures on one day of a school year; the last one of the day is kept.

    The group hours are the hours the school's active tasks need, per group.
    """

    school = models.ForeignKey(School, related_name="snapshots", **DERIVED)
    school_year = models.ForeignKey(SchoolYear, related_name="+", **DERIVED)
    day = models.DateField(_("day"))
    computed_at = models.DateTimeField(_("computed at"))
    task_count = models.PositiveIntegerField(_("tasks"), default=0)
    needed_hours = models.DecimalField(_("hours needed"), **HOURS)
    team_budget = models.DecimalField(_("budget of the team"), **HOURS)
    assigned_hours = models.DecimalField(_("hours assigned to staff"), **HOURS)
    outsourced_hours = models.DecimalField(_("hours outsourced"), **HOURS)
    unassigned_hours = models.DecimalField(_("hours unassigned"), **HOURS)
    unassigned_count = models.PositiveIntegerField(_("unassigned tasks"), default=0)
    without_backup_count = models.PositiveIntegerField(_("tasks without backup"), default=0)
    single_person_count = models.PositiveIntegerField(_("tasks on one person"), default=0)
    overloaded_single_count = models.PositiveIntegerField(
        _("tasks whose only responsible is overloaded"), default=0
    )
    overloaded_count = models.PositiveIntegerField(_("overloaded people"), default=0)
    staff_count = models.PositiveIntegerField(_("staff"), default=0)

    class Meta:
        ordering = ["day"]
        verbose_name = _("workload snapshot")
        verbose_name_plural = _("workload snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "day"], name="snapshot_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.day}"

    @property
    def utilisation(self) -> int | None:
        """Assigned hours against the team's budget, in percent."""
        if not self.team_budget:
            return None
        return round(100 * self.assigned_hours / self.team_budget)

    @property
    def coverage(self) -> int | None:
        """The team's budget against the hours the tasks need, in percent."""
        if not self.needed_hours:
            return None
        return round(100 * self.team_budget / self.needed_hours)


class StaffWorkload(GroupHours):
    """A person's current figures in one school and school year.

    Responsible hours include the person's share of group-level tasks,
    divided over the schools of the group they work in by their budget there.
    The group hours split the responsible hours.
    """

    school = models.ForeignKey(School, related_name="staff_workloads", **DERIVED)
    school_year = models.ForeignKey(SchoolYear, related_name="+", **DERIVED)
    staff_member = models.ForeignKey(StaffMember, related_name="workloads", **DERIVED)
    computed_at = models.DateTimeField(_("computed at"))
    budget_hours = models.DecimalField(_("budget"), **HOURS)
    responsible_hours = models.DecimalField(_("hours as responsible"), **HOURS)
    backup_hours = models.DecimalField(_("hours as backup"), **HOURS)
    task_count = models.PositiveIntegerField(_("tasks"), default=0)

    class Meta:
        verbose_name = _("staff workload")
        verbose_name_plural = _("staff workloads")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "staff_member"], name="staffworkload_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member} @ {self.school}: {self.responsible_hours} h"

    @property
    def utilisation(self) -> int | None:
        if not self.budget_hours:
            return None
        return round(100 * self.responsible_hours / self.budget_hours)

    def state(self, school: School) -> str:
        return load_state(self.responsible_hours, self.budget_hours, school)


class WorkloadRequest(models.Model):
    """A mark that a school's figures for a year are out of date.

    Written in the same transaction as the change that outdates them, so it
    survives a broker that is down; a job (or the periodic scan, or the
    nightly run) recalculates and removes it.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year"], name="workloadrequest_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year}"
