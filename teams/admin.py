"""The Django admin: the same rules as the pages.

Every change that moves hours marks the schools for new figures, as the
services do; an assignment can only go to someone who works where its task
belongs, and its version rises with each change. The stored figures are
derived data: they can be looked at, never edited.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .access import staff_for_task
from .models import (
    Appointment,
    Assignment,
    Budget,
    BudgetUnit,
    Invitation,
    Membership,
    Role,
    School,
    SchoolGroup,
    SchoolTask,
    SchoolWorkload,
    SchoolYear,
    StaffMember,
    StaffRole,
    StaffWorkload,
    WorkloadSnapshot,
)
from .workload import mark_changed, schools_of


class ReadOnlyAdmin(admin.ModelAdmin):
    """Derived figures: written only by the workload calculator."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SchoolWorkload)
class SchoolWorkloadAdmin(ReadOnlyAdmin):
    list_display = ["school", "school_year", "needed_hours", "assigned_hours", "computed_at"]
    list_filter = ["school_year"]


@admin.register(StaffWorkload)
class StaffWorkloadAdmin(ReadOnlyAdmin):
    list_display = ["staff_member", "school", "school_year", "carried_hours", "budget_hours"]
    list_filter = ["school_year"]


@admin.register(WorkloadSnapshot)
class WorkloadSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["school", "school_year", "day", "needed_hours", "assigned_hours"]
    list_filter = ["school_year", "day"]


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
    # Which accounts of the group's people may log in with Microsoft or Google.
    fields = ["name", "signin_domains", "signin_tenants"]
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
        services.mark_from_now(services.group_schools(obj))


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

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        # An appointment started or ended moves the person's group-level hours.
        super().save_related(request, form, formsets, change)
        schools = {a.school for a in form.instance.appointments.select_related("school")}
        services.mark_from_now(sorted({pk for s in schools for pk in services.group_schools(s)}))


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
    # Here the budget is typed in hours a year; the unit it was once given in no longer holds.
    exclude = ["entered_amount", "entered_unit"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if "hours_per_year" in form.changed_data:
            obj.entered_amount, obj.entered_unit = None, BudgetUnit.YEAR
        super().save_model(request, obj, form, change)
        mark_changed(services.group_schools(obj.school), obj.school_year)

    def delete_model(self, request: HttpRequest, obj: Budget) -> None:
        super().delete_model(request, obj)
        mark_changed(services.group_schools(obj.school), obj.school_year)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Budget]) -> None:
        for budget in queryset.select_related("school", "school_year"):
            self.delete_model(request, budget)


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
        # Where a task belongs never changes: its assignments were given to people there.
        if obj is not None:
            return ["school", "school_group", "catalogue_task"]
        return []

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        services.mark_from_now(schools_of(obj))


class AssignmentAdminForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["school_task", "school_year", "kind", "staff_member", "partner", "hours", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        task, member = data.get("school_task"), data.get("staff_member")
        works_there = (
            member is None or task is None or (staff_for_task(task).filter(pk=member.pk).exists())
        )
        if not works_there:
            raise ValidationError(
                _("%(name)s does not work in a school this task belongs to.")
                % {"name": member.full_name}  # type: ignore[union-attr]
            )
        return data


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["school_task", "school_year", "kind", "staff_member", "partner", "hours"]
    list_filter = ["kind", "school_year"]
    list_select_related = ["school_task__catalogue_task", "staff_member", "school_year"]
    raw_id_fields = ["school_task", "staff_member"]
    form = AssignmentAdminForm

    def get_readonly_fields(self, request: HttpRequest, obj: Assignment | None = None) -> Any:
        # An assignment belongs to its task and year: give the task anew instead.
        if obj is not None:
            return ["school_task", "school_year", "version"]
        return ["version"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if change:
            obj.version += 1  # pages holding the old version notice the change
        super().save_model(request, obj, form, change)
        mark_changed(schools_of(obj.school_task), obj.school_year)

    def delete_model(self, request: HttpRequest, obj: Assignment) -> None:
        super().delete_model(request, obj)
        mark_changed(schools_of(obj.school_task), obj.school_year)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Assignment]) -> None:
        for assignment in queryset.select_related("school_task", "school_year"):
            self.delete_model(request, assignment)


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


from .reminders import admin as reminder_admin  # noqa: E402, F401  (registers its pages)
