"""Comparing parsed rows with the catalogue, and writing the difference.

:func:`plan_import` only reads, comparing plain values rather than model
instances; :func:`apply_plan` writes one plan in one transaction, in batches
of ``bulk_create`` and ``bulk_update``. A catalogue import is the one place
where tens of thousands of rows move at once; ``bench/import_bench.py`` times it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from .importer import ParsedTask, ParsedWorkbook
from .models import Task, TaskGroup

COMPARED_FIELDS = (
    "code",
    "title",
    "description",
    "group_id",
    "suggested_role",
    "frequency",
    "hours_per_year",
    "level",
)
WRITE_BATCH = 500


@dataclass
class Change:
    """What an import does to one catalogue task."""

    kind: str  # "created", "updated", "retired" or "unchanged"
    task_id: int | None
    row: ParsedTask | None
    old: dict[str, Any] | None = None
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def as_stored(self, group_names: dict[int, str]) -> dict[str, Any]:
        """A JSON-ready summary, with group names and values as text."""
        source = self.row.values() if self.row else (self.old or {})
        return {
            "kind": self.kind,
            "task_id": self.task_id,
            "row": self.row.row if self.row else None,
            "code": source["code"],
            "title": source["title"],
            "group": group_names.get(source["group_id"], ""),
            "fields": {
                name: [_shown(old, group_names, name), _shown(new, group_names, name)]
                for name, (old, new) in self.fields.items()
            },
        }


@dataclass
class Plan:
    """Every change an import would make, in file order, then the retirements."""

    changes: list[Change]

    def count(self, kind: str) -> int:
        return sum(1 for change in self.changes if change.kind == kind)

    @property
    def counts(self) -> dict[str, int]:
        return {kind: self.count(kind) for kind in ("created", "updated", "unchanged", "retired")}

    def stored_changes(self) -> list[dict[str, Any]]:
        names = dict(TaskGroup.objects.values_list("pk", "name"))
        return [c.as_stored(names) for c in self.changes if c.kind != "unchanged"]

    @property
    def active_before(self) -> int:
        """The number of active tasks in the catalogue this plan was compared with."""
        return sum(1 for change in self.changes if change.old and change.old["is_active"])

    @property
    def fingerprint(self) -> str:
        """Identifies exactly these changes, to notice a catalogue that moved meanwhile."""
        digest = hashlib.sha256()
        for change in self.changes:
            new = change.row.values() if change.row else {}
            digest.update(json.dumps([change.kind, change.task_id, new], default=str).encode())
        return digest.hexdigest()


class PlanChanged(Exception):
    """The catalogue changed between the preview and the confirmation."""


def _shown(value: Any, group_names: dict[int, str], name: str) -> Any:
    if name == "group_id":
        return group_names.get(value, "")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


# --- Comparing ----------------------------------------------------------------------------


def plan_import(parsed: ParsedWorkbook) -> Plan:
    """Compare parsed rows with the whole catalogue, without writing anything.

    Rows match an existing task by code; rows (or tasks) without a code match
    on group and normalised title. Active tasks no row matched are retired;
    retired tasks that reappear are reactivated (an update).
    """
    existing = list(
        Task.objects.order_by("-is_active", "pk").values(
            "pk", "is_active", "title_key", *COMPARED_FIELDS
        )
    )
    by_code = {task["code"]: task for task in existing if task["code"]}
    by_title: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for task in existing:
        by_title.setdefault((task["group_id"], task["title_key"]), []).append(task)
    # Codes first: a task known by its code is that row's, whatever comes before it.
    found_for = {
        index: by_code[row.code] for index, row in enumerate(parsed.tasks) if row.code in by_code
    }
    matched = {task["pk"] for task in found_for.values()}
    changes = []
    for index, row in enumerate(parsed.tasks):
        found = found_for.get(index) or _match_title(row, by_title, matched)
        if found is None:
            changes.append(Change("created", None, row))
            continue
        matched.add(found["pk"])
        new = row.values()
        fields = {
            name: (found[name], new[name]) for name in COMPARED_FIELDS if found[name] != new[name]
        }
        if not found["is_active"]:
            fields["is_active"] = (False, True)
        kind = "updated" if fields else "unchanged"
        changes.append(Change(kind, found["pk"], row, found, fields))
    changes.extend(
        Change("retired", task["pk"], None, task, {"is_active": (True, False)})
        for task in existing
        if task["is_active"] and task["pk"] not in matched
    )
    return Plan(changes)


def _match_title(
    row: ParsedTask,
    by_title: dict[tuple[int, str], list[dict[str, Any]]],
    matched: set[int],
) -> dict[str, Any] | None:
    """A task not yet matched with the row's group and title, unless known by another code."""
    for task in by_title.get((row.group.pk, row.title_key), ()):
        if task["pk"] in matched:
            continue
        if row.code and task["code"] and task["code"] != row.code:
            continue  # another task with the same title, known under its own code
        return task
    return None


# --- Writing --------------------------------------------------------------------------------


def apply_plan(parsed: ParsedWorkbook, *, expected_fingerprint: str = "") -> Plan:
    """Write an import to the catalogue in one transaction and return what it did.

    The catalogue is locked while the plan is recomputed and written, so two
    imports never interleave. Raises :class:`PlanChanged` when
    ``expected_fingerprint`` is given and the changes differ from it.
    """
    with transaction.atomic():
        list(TaskGroup.objects.select_for_update().order_by("pk"))
        plan = plan_import(parsed)
        if expected_fingerprint and plan.fingerprint != expected_fingerprint:
            raise PlanChanged
        now = timezone.now()
        _insert([c.row for c in plan.changes if c.kind == "created" and c.row])
        _update([c for c in plan.changes if c.kind == "updated"], now)
        retired = [c.task_id for c in plan.changes if c.kind == "retired" and c.task_id]
        for start in range(0, len(retired), WRITE_BATCH):
            Task.objects.filter(pk__in=retired[start : start + WRITE_BATCH]).update(
                is_active=False, retired_at=now, updated_at=now
            )
    return plan


def _insert(rows: list[ParsedTask]) -> None:
    """Insert new tasks; the importer has already normalised every value.

    ``bulk_create`` skips ``Task.save``, so the title key comes from the row,
    where the importer computed it with ``Task.key_for`` as ``save`` does.
    """
    Task.objects.bulk_create(
        [Task(**row.values(), title_key=row.title_key) for row in rows], batch_size=WRITE_BATCH
    )


def _update(changes: list[Change], now: datetime) -> None:
    tasks = [
        Task(
            pk=change.task_id,
            **change.row.values(),
            title_key=change.row.title_key,
            is_active=True,
            retired_at=None,
            updated_at=now,
        )
        for change in changes
        if change.row is not None
    ]
    Task.objects.bulk_update(
        tasks,
        [*COMPARED_FIELDS, "title_key", "is_active", "retired_at", "updated_at"],
        batch_size=WRITE_BATCH,
    )
