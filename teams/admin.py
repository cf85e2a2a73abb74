"""The Django admin: the same rules as the pages.

Every change that moves hours marks the schools for new figures, as the
services do; an assignment can only go to someone who works where its task
belongs, and its version rises with each change. The stored figures are
derived data: they can be looked at, never edited.

A school keeps a director here too: changing or deleting a membership,
deleting an account, and ending or deleting an appointment are refused
with a message when they would take a school's last director, under the
same lock as the pages (:func:`teams.staff.rights.keep_a_director`). Ending or
deleting an appointment takes the school's rights from the account, as
ending it on the staff page does.
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from teams.access import staff_for_task
from teams.models import (
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
from teams.staff import rights
from teams.workload import services as workload_services
from teams.workload.figures import mark_changed, schools_of

_M = TypeVar("_M", bound=Model)


class KeepsADirector(admin.ModelAdmin[_M]):
    """An admin whose deletions can take director rights from schools: a deletion that would
    leave a school without a director is refused with a message, on the page and in the
    "delete selected" action."""

    def directors_taken(self, objects: list[_M]) -> dict[int, set[int]]:
        """Per school id, the accounts whose rights there deleting ``objects`` takes."""
        raise NotImplementedError

    def refusal(self, objects: list[_M]) -> str | None:
        """Lock the schools concerned (in one order, so two deletions cannot deadlock) and
        say why deleting ``objects`` is refused, or ``None``. Call inside the transaction
        that deletes them."""
        try:
            for school_id, users in sorted(self.directors_taken(objects).items()):
                rights.keep_a_director(school=school_id, losing=users)
        except ValidationError as error:
            return error.messages[0]
        return None

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        with transaction.atomic():
            obj = self.get_object(request, unquote(object_id))
            refusal = self.refusal([obj]) if obj is not None else None
            if obj is not None and refusal is not None:
                self.message_user(request, refusal, messages.ERROR)
                opts = self.opts
                return redirect(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
                )
            return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)
        if "delete_selected" in actions:
            _action, name, description = actions["delete_selected"]
            actions[name] = (delete_keeping_a_director, name, description)
        return actions


def delete_keeping_a_director(
    modeladmin: KeepsADirector[Any], request: HttpRequest, queryset: QuerySet[Any]
) -> HttpResponse | None:
    """Django's "delete selected", refused (before the confirmation and again when deleting)
    when it would leave a school without a director."""
    with transaction.atomic():
        refusal = modeladmin.refusal(list(queryset))
        if refusal is not None:
            modeladmin.message_user(request, refusal, messages.ERROR)
            return None
        return delete_selected(modeladmin, request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin[_M]):
    """Derived figures: written only by the workload calculator."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SchoolWorkload)
class SchoolWorkloadAdmin(ReadOnlyAdmin[SchoolWorkload]):
    list_display = ["school", "school_year", "needed_hours", "assigned_hours", "computed_at"]
    list_filter = ["school_year"]


@admin.register(StaffWorkload)
class StaffWorkloadAdmin(ReadOnlyAdmin[StaffWorkload]):
    list_display = ["staff_member", "school", "school_year", "carried_hours", "budget_hours"]
    list_filter = ["school_year"]


@admin.register(WorkloadSnapshot)
class WorkloadSnapshotAdmin(ReadOnlyAdmin[WorkloadSnapshot]):
    list_display = ["school", "school_year", "day", "needed_hours", "assigned_hours"]
    list_filter = ["school_year", "day"]


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin[SchoolYear]):
    list_display = ["__str__", "start_year"]


class SchoolInline(admin.TabularInline[School, SchoolGroup]):
    model = School
    fields = ["name", "institution_number"]
    extra = 0
    show_change_link = True


@admin.register(SchoolGroup)
class SchoolGroupAdmin(admin.ModelAdmin[SchoolGroup]):
    list_display = ["name"]
    search_fields = ["name"]
    # Which accounts of the group's people may log in with Microsoft or Google.
    fields = ["name", "signin_domains", "signin_tenants"]
    inlines = [SchoolInline]

    def save_model(self, request: HttpRequest, obj: SchoolGroup, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        SchoolTask.objects.adopt_catalogue(school_group=obj)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin[School]):
    list_display = ["name", "school_group", "institution_number"]
    list_filter = ["school_group"]
    search_fields = ["name", "institution_number"]

    def save_model(self, request: HttpRequest, obj: School, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        SchoolTask.objects.adopt_catalogue(school=obj)
        workload_services.mark_from_now(workload_services.school_with_sisters(obj))


class AppointmentFormSet(BaseInlineFormSet[Appointment, StaffMember, Any]):
    """A person's appointments; one that was current and is now inactive, deleted or moved
    to another school has ended there."""

    def ended_school_ids(self) -> list[int]:
        ended = set()
        for form in self.initial_forms:
            if not form.initial.get("is_active") or not hasattr(form, "cleaned_data"):
                continue
            data = form.cleaned_data
            school = data.get("school")
            moved = school is not None and school.pk != form.initial["school"]
            if data.get("DELETE") or not data.get("is_active") or moved:
                ended.add(form.initial["school"])
        return sorted(ended)

    def clean(self) -> None:
        super().clean()
        for school_id in self.ended_school_ids():
            rights.keep_a_director(school=school_id, losing=[self.instance.user_id])


class AppointmentInline(admin.TabularInline[Appointment, StaffMember]):
    model = Appointment
    formset = AppointmentFormSet
    extra = 0
    autocomplete_fields = ["school"]


@admin.register(StaffMember)
class StaffMemberAdmin(KeepsADirector[StaffMember]):
    list_display = ["last_name", "first_name", "email", "user"]
    search_fields = ["first_name", "last_name", "email"]
    inlines = [AppointmentInline]
    raw_id_fields = ["user"]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if isinstance(formset, AppointmentFormSet):
            for school in School.objects.filter(pk__in=formset.ended_school_ids()):
                rights.revoke_school_access(member=form.instance, school=school)
        super().save_formset(request, form, formset, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # An appointment started or ended moves the person's group-level hours.
        super().save_related(request, form, formsets, change)
        schools = {a.school for a in form.instance.appointments.select_related("school")}
        workload_services.mark_from_now(
            sorted({pk for s in schools for pk in workload_services.school_with_sisters(s)})
        )

    def directors_taken(self, objects: list[StaffMember]) -> dict[int, set[int]]:
        # Deleting a person ends their appointments (see delete_model).
        taken: dict[int, set[int]] = {}
        for school_id, user_id in (
            Appointment.objects.current()
            .filter(staff_member__in=objects, staff_member__user__isnull=False)
            .values_list("school_id", "staff_member__user_id")
        ):
            taken.setdefault(school_id, set()).add(user_id)
        return taken

    def delete_model(self, request: HttpRequest, obj: StaffMember) -> None:
        # As ending each current appointment does, the account leaves those schools.
        here = Appointment.objects.current().filter(staff_member=obj).values("school_id")
        for school in School.objects.filter(pk__in=here).order_by("pk"):
            rights.revoke_school_access(member=obj, school=school)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[StaffMember]) -> None:
        for member in queryset:
            self.delete_model(request, member)


class MembershipAdminForm(forms.ModelForm[Membership]):
    class Meta:
        model = Membership
        fields = ["user", "kind", "school", "school_group"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        before = (
            Membership.objects.filter(pk=self.instance.pk, kind=Membership.Kind.DIRECTOR)
            .values_list("user_id", "school_id")
            .first()
        )
        if before is not None:
            user, school = data.get("user"), data.get("school")
            after = (getattr(user, "pk", None), getattr(school, "pk", None))
            if data.get("kind") != Membership.Kind.DIRECTOR or after != before:
                rights.keep_a_director(school=before[1], losing=[before[0]])
        return data


@admin.register(Membership)
class MembershipAdmin(KeepsADirector[Membership]):
    list_display = ["user", "kind", "school", "school_group"]
    list_filter = ["kind"]
    search_fields = ["user__username", "school__name", "school_group__name"]
    raw_id_fields = ["user"]
    form = MembershipAdminForm

    def directors_taken(self, objects: list[Membership]) -> dict[int, set[int]]:
        return _directors_by_school(objects)


admin.site.unregister(User)


class AccountChangeForm(UserChangeForm[User]):
    def clean(self) -> dict[str, Any]:
        """Refuse to deactivate a school's last director: nobody could sign in to direct it.

        Runs in the admin's transaction, so the schools' locks are held until the save.
        """
        data: dict[str, Any] = super().clean() or {}
        if self.instance.pk and self.instance.is_active and data.get("is_active") is False:
            taken = _directors_by_school(Membership.objects.filter(user=self.instance))
            for school_id, users in sorted(taken.items()):
                rights.keep_a_director(school=school_id, losing=users)
        return data


@admin.register(User)
class AccountAdmin(KeepsADirector[User], UserAdmin[User]):
    """Django's own account pages; deleting an account deletes its memberships."""

    form = AccountChangeForm

    def directors_taken(self, objects: list[User]) -> dict[int, set[int]]:
        return _directors_by_school(Membership.objects.filter(user__in=objects))


def _directors_by_school(memberships: Iterable[Membership]) -> dict[int, set[int]]:
    taken: dict[int, set[int]] = {}
    for membership in memberships:
        if membership.kind == Membership.Kind.DIRECTOR and membership.school_id:
            taken.setdefault(membership.school_id, set()).add(membership.user_id)
    return taken


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin[Role]):
    list_display = ["name", "key", "school", "position"]
    list_filter = ["school"]


@admin.register(Budget)
class BudgetAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple-history ships no type hints
    list_display = ["staff_member", "school", "school_year", "hours_per_year"]
    list_filter = ["school_year"]
    list_select_related = ["staff_member", "school", "school_year"]
    # Here the budget is typed in hours a year; the unit it was once given in no longer holds.
    exclude = ["entered_amount", "entered_unit"]

    def save_model(self, request: HttpRequest, obj: Budget, form: Any, change: bool) -> None:
        if "hours_per_year" in form.changed_data:
            obj.entered_amount, obj.entered_unit = None, BudgetUnit.YEAR
        super().save_model(request, obj, form, change)
        mark_changed(workload_services.school_with_sisters(obj.school), obj.school_year)

    def delete_model(self, request: HttpRequest, obj: Budget) -> None:
        super().delete_model(request, obj)
        mark_changed(workload_services.school_with_sisters(obj.school), obj.school_year)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Budget]) -> None:
        for budget in queryset.select_related("school", "school_year"):
            self.delete_model(request, budget)


@admin.register(StaffRole)
class StaffRoleAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple-history ships no type hints
    list_display = ["staff_member", "role", "school", "school_year"]
    list_select_related = ["staff_member", "role", "school", "school_year"]


@admin.register(SchoolTask)
class SchoolTaskAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple-history ships no type hints
    list_display = ["__str__", "school", "school_group", "local_hours", "is_hidden"]
    list_select_related = ["catalogue_task", "school", "school_group"]
    raw_id_fields = ["catalogue_task"]

    def get_readonly_fields(self, request: HttpRequest, obj: SchoolTask | None = None) -> Any:
        # Where a task belongs never changes: its assignments were given to people there.
        if obj is not None:
            return ["school", "school_group", "catalogue_task"]
        return []

    def save_model(self, request: HttpRequest, obj: SchoolTask, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        workload_services.mark_from_now(schools_of(obj))


class AssignmentAdminForm(forms.ModelForm[Assignment]):
    class Meta:
        model = Assignment
        fields = ["school_task", "school_year", "kind", "staff_member", "partner", "hours", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        task, member = data.get("school_task"), data.get("staff_member")
        if member is None or task is None:
            return data
        if not staff_for_task(task).filter(pk=member.pk).exists():
            raise ValidationError(
                _("%(name)s does not work in a school this task belongs to.")
                % {"name": member.full_name}
            )
        return data


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple-history ships no type hints
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

    def save_model(self, request: HttpRequest, obj: Assignment, form: Any, change: bool) -> None:
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
class InvitationAdmin(admin.ModelAdmin[Invitation]):
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


from teams.reminders import admin as reminder_admin  # noqa: E402, F401  (registers its pages)
