from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import CatalogueImport, Task, TaskGroup


@admin.register(TaskGroup)
class TaskGroupAdmin(admin.ModelAdmin[TaskGroup]):
    list_display = ["name", "kind", "position"]
    list_editable = ["position"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin[Task]):
    list_display = [
        "code",
        "title",
        "group",
        "suggested_role",
        "frequency",
        "hours_per_year",
        "level",
        "is_active",
    ]
    list_filter = ["group", "is_active", "level", "frequency"]
    search_fields = ["code", "title", "description", "suggested_role"]
    list_select_related = ["group"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(CatalogueImport)
class CatalogueImportAdmin(admin.ModelAdmin[CatalogueImport]):
    list_display = [
        "created_at",
        "file_name",
        "status",
        "source",
        "created_by",
        "created",
        "updated",
        "unchanged",
        "retired",
    ]
    list_filter = ["status", "source"]
    list_select_related = ["created_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CatalogueImport]:
        return super().get_queryset(request).defer("content", "changes", "rows")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
