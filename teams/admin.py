from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    Appointment,
    Assignment,
    Budget,
    Invitation,
    Membership,
    Role,
    School,
    SchoolGroup,
    SchoolTask,
    SchoolYear,
    StaffMember,
    StaffRole,
)


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ["__str__", "start_year"]


class SchoolInline(admin.TabularInline):
    model = School
    fields = ["name", "institution_number"]
    extra = 0
    show_change_link = True


@admin.register(SchoolGroup)
class SchoolGroupAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    inlines = [SchoolInline]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        services.adopt_catalogue(school_group=obj)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "school_group", "institution_number"]
    list_filter = ["school_group"]
    search_fields = ["name", "institution_number"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        services.adopt_catalogue(school=obj)


class AppointmentInline(admin.TabularInline):
    model = Appointment
    extra = 0
    autocomplete_fields = ["school"]


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "user"]
    search_fields = ["first_name", "last_name", "email"]
    inlines = [AppointmentInline]
    raw_id_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "school", "school_group"]
    list_filter = ["kind"]
    search_fields = ["user__username", "school__name", "school_group__name"]
    raw_id_fields = ["user"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "school", "position"]
    list_filter = ["school"]


@admin.register(Budget)
class BudgetAdmin(SimpleHistoryAdmin):
    list_display = ["staff_member", "school", "school_year", "hours_per_year"]
    list_filter = ["school_year"]
    list_select_related = ["staff_member", "school", "school_year"]


@admin.register(StaffRole)
class StaffRoleAdmin(SimpleHistoryAdmin):
    list_display = ["staff_member", "role", "school", "school_year"]
    list_select_related = ["staff_member", "role", "school", "school_year"]


@admin.register(SchoolTask)
class SchoolTaskAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "school", "school_group", "local_hours", "is_hidden"]
    list_select_related = ["catalogue_task", "school", "school_group"]
    raw_id_fields = ["catalogue_task"]

    def get_readonly_fields(self, request: HttpRequest, obj: SchoolTask | None = None) -> Any:
        # Where a task belongs never changes: its assignments keep a copy of it
        # (see teams.staffing).
        if obj is not None:
            return ["school", "school_group", "catalogue_task"]
        return []


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["school_task", "school_year", "kind", "staff_member", "partner", "hours"]
    list_filter = ["kind", "school_year"]
    list_select_related = ["school_task__catalogue_task", "staff_member", "school_year"]
    raw_id_fields = ["school_task", "staff_member"]

    def get_readonly_fields(self, request: HttpRequest, obj: Assignment | None = None) -> Any:
        # An assignment belongs to its task and year; moving it would leave the
        # staffing counts of the task it left behind (see teams.staffing).
        if obj is not None:
            return ["school_task", "school_year"]
        return []


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are sent, re-sent and withdrawn from the staff pages, where the
    e-mail goes out with them."""

    list_display = ["email", "kind", "school", "school_group", "sent_at", "accepted_at"]
    list_filter = ["kind"]
    search_fields = ["email"]
    list_select_related = ["school", "school_group"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
