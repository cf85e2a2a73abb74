"""Stored workload figures, and the marks that ask for them to be recalculated.

The figures are a cache of the calculator's output (``teams.workload``), written
only by it; the dashboard reads them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from teams.models.organisation import School, SchoolYear
from teams.models.staff import StaffMember
from teams.workload.calculator import GROUP_KINDS, Limits, PersonFigures, coverage

HOURS: dict[str, Any] = {"max_digits": 10, "decimal_places": 2, "default": Decimal(0)}


class GroupHours(models.Model):
    """Hours split over the four standard groups of tasks, and any others."""

    technical_hours = models.DecimalField(_("technical"), **HOURS)
    pedagogical_hours = models.DecimalField(_("pedagogical-didactical"), **HOURS)
    policy_hours = models.DecimalField(_("policy and vision"), **HOURS)
    administrative_hours = models.DecimalField(_("administrative"), **HOURS)
    other_hours = models.DecimalField(_("other groups"), **HOURS)

    class Meta:
        abstract = True

    def group_split(self) -> dict[str, Decimal]:
        return {kind: getattr(self, f"{kind}_hours") for kind in GROUP_KINDS}


# Derived data, written only by teams.workload: the foreign keys carry no database
# constraint and no index of their own (the unique constraint's index serves the
# lookups), which keeps the writes cheap. Django still deletes the rows when a
# school, year or person is deleted.
DERIVED: dict[str, Any] = {"on_delete": models.CASCADE, "db_constraint": False, "db_index": False}


class SchoolFigures(GroupHours):
    """A school's figures in a school year; the group hours are what its own tasks need."""

    school = models.ForeignKey(School, related_name="+", **DERIVED)
    school_year = models.ForeignKey(SchoolYear, related_name="+", **DERIVED)
    computed_at = models.DateTimeField(_("computed at"))
    task_count = models.PositiveIntegerField(_("tasks"), default=0)
    needed_hours = models.DecimalField(_("hours needed"), **HOURS)
    team_budget = models.DecimalField(_("budget of the team"), **HOURS)
    assigned_hours = models.DecimalField(_("hours assigned to staff"), **HOURS)
    outsourced_hours = models.DecimalField(_("hours outsourced"), **HOURS)
    unassigned_hours = models.DecimalField(_("hours unassigned"), **HOURS)
    group_level_hours = models.DecimalField(_("hours of group-level tasks"), **HOURS)
    unassigned_count = models.PositiveIntegerField(_("unassigned tasks"), default=0)
    without_backup_count = models.PositiveIntegerField(_("tasks without backup"), default=0)
    single_person_count = models.PositiveIntegerField(_("tasks on one person"), default=0)
    overloaded_single_count = models.PositiveIntegerField(
        _("tasks whose only responsible is overloaded"), default=0
    )
    group_level_unassigned_count = models.PositiveIntegerField(
        _("unassigned group-level tasks"), default=0
    )
    group_level_without_backup_count = models.PositiveIntegerField(
        _("group-level tasks without backup"), default=0
    )
    overloaded_count = models.PositiveIntegerField(_("overloaded people"), default=0)
    staff_count = models.PositiveIntegerField(_("staff"), default=0)

    class Meta:
        abstract = True

    @property
    def coverage(self) -> int | None:
        """The team's budget against the hours needed, in percent (the calculator's rule)."""
        return coverage(self.team_budget, self.needed_hours)


# The columns a snapshot copies from the current figures (teams.workload.figures).
SCHOOL_FIGURES = (
    "computed_at", "task_count", "needed_hours", "team_budget", "assigned_hours",
    "outsourced_hours", "unassigned_hours", "group_level_hours", "unassigned_count",
    "without_backup_count", "single_person_count", "overloaded_single_count",
    "group_level_unassigned_count", "group_level_without_backup_count", "overloaded_count",
    "staff_count", *(f"{kind}_hours" for kind in GROUP_KINDS),
)  # fmt: skip


class SchoolWorkload(SchoolFigures):
    """A school's current figures for a school year, kept by the recalculation jobs."""

    class Meta:
        verbose_name = _("school workload")
        verbose_name_plural = _("school workloads")
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="schoolworkload_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.school_year_id}"


class WorkloadSnapshot(SchoolFigures):
    """A copy of a school's figures on one day of a school year, for the trend."""

    day = models.DateField(_("day"))

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
        return f"{self.school_id} {self.day}"


class StaffWorkload(GroupHours):
    """A person's current figures in one school and school year.

    A copy of what :func:`teams.workload.calculator.calculate` says of them; the
    group hours split the carried hours. Without a budget here ``budget_hours``
    is empty, as the calculator has it.
    """

    school = models.ForeignKey(School, related_name="staff_workloads", **DERIVED)
    school_year = models.ForeignKey(SchoolYear, related_name="+", **DERIVED)
    staff_member = models.ForeignKey(StaffMember, related_name="workloads", **DERIVED)
    computed_at = models.DateTimeField(_("computed at"))
    budget_hours = models.DecimalField(
        _("budget"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    carried_hours = models.DecimalField(_("hours carried"), **HOURS)
    backup_hours = models.DecimalField(_("hours as backup"), **HOURS)
    task_count = models.PositiveIntegerField(_("tasks"), default=0)
    backup_task_count = models.PositiveIntegerField(_("tasks as backup"), default=0)

    class Meta:
        verbose_name = _("staff workload")
        verbose_name_plural = _("staff workloads")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "staff_member"], name="staffworkload_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member_id} @ {self.school_id}: {self.carried_hours} h"

    def figures(self, limits: Limits) -> PersonFigures:
        """The stored row as the calculator's result object, so percentages and states come
        from the one rule (``limits`` are the school's: :attr:`School.limits`)."""
        return PersonFigures(
            staff_id=self.staff_member_id,
            budget_hours=self.budget_hours,
            limits=limits,
            carried_hours=self.carried_hours,
            backup_hours=self.backup_hours,
            task_count=self.task_count,
            backup_task_count=self.backup_task_count,
            by_group=self.group_split(),
        )


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
