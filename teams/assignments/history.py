"""The change history of a school: who changed which assignment, budget, role or task, and how.

django-simple-history keeps a full copy of a row at every change; this
module merges the copies of the four kinds of rows into one list, newest
first, and compares each copy with the one before it. A page costs a fixed
number of queries, however long the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tasks.models import Frequency
from teams.models import Assignment, Budget, School, SchoolTask, StaffRole

ACTIONS = {"+": _("added"), "~": _("changed"), "-": _("removed")}


@dataclass
class Entry:
    when: datetime
    who: str
    subject: str
    what: str
    action: str
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(ACTIONS.get(self.action, self.action))


def _person(record: Any) -> str:
    member = getattr(record, "staff_member", None)
    return member.full_name if member is not None else ""


def _assignment_values(record: Any) -> dict[str, Any]:
    return {
        str(_("person")): _person(record) or record.partner,
        str(_("as")): record.get_kind_display(),
        str(_("hours")): record.hours,
        str(_("note")): record.note,
    }


def _budget_values(record: Any) -> dict[str, Any]:
    return {str(_("ICT hours per year")): record.hours_per_year}


def _role_values(record: Any) -> dict[str, Any]:
    return {str(_("role")): record.role.label if record.role else ""}


def _task_values(record: Any) -> dict[str, Any]:
    frequencies = dict(Frequency.choices)
    return {
        str(_("not applicable")): _("yes") if record.is_hidden else _("no"),
        str(_("hours per year here")): record.local_hours,
        str(_("frequency here")): frequencies.get(record.local_frequency, ""),
        str(_("task")): record.title,
    }


def _task_title(task: Any) -> str:
    """The title of a task, or of a historical copy of one (which has no methods)."""
    if task is None:
        return "?"
    if task.title:
        return str(task.title)
    return str(task.catalogue_task.title) if task.catalogue_task else "?"


class _Source:
    """One historical table, the rows of it that concern a school, and how to show them."""

    def __init__(self, name: Any, records: QuerySet[Any], key: str, values: Any, subject: Any):
        self.name, self.records, self.key = name, records, key
        self.values, self.subject = values, subject

    def newest(self, count: int) -> list[Any]:
        return list(self.records.order_by("-history_date", "-history_id")[:count])

    def previous_of(self, records: list[Any]) -> dict[int, Any]:
        """The copy just before each record of the same row, keyed by history id."""
        if not records:
            return {}
        ids = {getattr(r, self.key) for r in records}
        earlier = list(
            self.records.filter(**{f"{self.key}__in": ids})
            .filter(history_date__lte=max(r.history_date for r in records))
            .order_by(self.key, "history_date", "history_id")
        )
        previous: dict[int, Any] = {}
        last: dict[int, Any] = {}
        for record in earlier:
            row = getattr(record, self.key)
            if row in last:
                previous[record.history_id] = last[row]
            last[row] = record
        return previous


def _sources(school: School) -> list[_Source]:
    task_scope = Q(school_task__school=school)
    if school.school_group_id:
        task_scope |= Q(school_task__school_group_id=school.school_group_id)
    task_owner = Q(school=school)
    if school.school_group_id:
        task_owner |= Q(school_group_id=school.school_group_id)
    return [
        _Source(
            _("Assignment"),
            Assignment.history.filter(task_scope).select_related(
                "history_user", "staff_member", "school_task__catalogue_task", "school_year"
            ),
            "id",
            _assignment_values,
            lambda r: f"{_task_title(r.school_task)} ({r.school_year})",
        ),
        _Source(
            _("Budget"),
            Budget.history.filter(school=school).select_related(
                "history_user", "staff_member", "school_year"
            ),
            "id",
            _budget_values,
            lambda r: f"{_person(r)} ({r.school_year})",
        ),
        _Source(
            _("Role"),
            StaffRole.history.filter(school=school).select_related(
                "history_user", "staff_member", "role", "school_year"
            ),
            "id",
            _role_values,
            lambda r: f"{_person(r)} ({r.school_year})",
        ),
        _Source(
            _("Task list"),
            SchoolTask.history.filter(task_owner).select_related("history_user", "catalogue_task"),
            "id",
            _task_values,
            lambda r: _task_title(r),
        ),
    ]


class SchoolHistory:
    """The merged history of a school, sliceable and countable for a paginator."""

    def __init__(self, school: School) -> None:
        self.sources = _sources(school)

    def count(self) -> int:
        return sum(source.records.count() for source in self.sources)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Entry]:
        stop = window.stop or 0
        merged: list[tuple[Any, _Source]] = []
        for source in self.sources:
            merged.extend((record, source) for record in source.newest(stop))
        merged.sort(key=lambda pair: (pair[0].history_date, pair[0].history_id), reverse=True)
        chosen = merged[window]
        entries = []
        previous: dict[int, dict[int, Any]] = {}
        for source in self.sources:
            mine = [record for record, s in chosen if s is source]
            previous[id(source)] = source.previous_of(mine)
        for record, source in chosen:
            entries.append(self._entry(record, source, previous[id(source)].get(record.history_id)))
        return entries

    @staticmethod
    def _entry(record: Any, source: _Source, before: Any) -> Entry:
        after_values = source.values(record)
        before_values = source.values(before) if before is not None else {}
        if record.history_type == "+":
            changes = [(k, None, v) for k, v in after_values.items() if v not in (None, "")]
        elif record.history_type == "-":
            changes = [(k, v, None) for k, v in after_values.items() if v not in (None, "")]
        else:
            changes = [
                (k, before_values.get(k), v)
                for k, v in after_values.items()
                if before_values.get(k) != v
            ]
        user = record.history_user
        return Entry(
            when=record.history_date,
            who=(user.get_full_name() or user.get_username()) if user else "",
            subject=str(source.name),
            what=source.subject(record),
            action=record.history_type,
            changes=changes,
        )


def school_history(school: School) -> SchoolHistory:
    return SchoolHistory(school)
