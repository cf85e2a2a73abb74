"""Read-only admin pages for reminders: to see the outbox and what people were told.

Schedules change through the task's schedule page only, which keeps their next
due date right; so nothing here is editable.
"""

from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from teams.models import Digest, Occurrence, Reminder, Schedule

_M = TypeVar("_M", bound=Model)


class ReadOnlyAdmin(admin.ModelAdmin[_M]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Schedule)
class ScheduleAdmin(ReadOnlyAdmin[Schedule]):
    list_display = ["school_task", "rhythm", "anchor", "lead_days", "next_due_on"]
    list_filter = ["rhythm"]
    list_select_related = ["school_task__catalogue_task"]


@admin.register(Occurrence)
class OccurrenceAdmin(ReadOnlyAdmin[Occurrence]):
    list_display = ["school_task", "due_on", "done_at", "done_by"]
    list_select_related = ["school_task__catalogue_task", "done_by"]
    date_hierarchy = "due_on"


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin[Reminder]):
    list_display = ["staff_member", "kind", "title", "due_on", "created_at", "read_at", "digest"]
    list_filter = ["kind"]
    list_select_related = ["staff_member"]


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin[Digest]):
    list_display = ["staff_member", "created_at", "sent_at", "skipped", "attempts", "last_error"]
    list_filter = ["skipped"]
    list_select_related = ["staff_member"]
