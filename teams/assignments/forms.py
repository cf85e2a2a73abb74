"""Forms of the board and the task list. Choices are always limited to the school at hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tasks.models import Frequency, TaskGroup
from teams.assignments.assigning import AssignmentInput
from teams.models import (
    Assignment,
    SchoolTask,
    StaffMember,
    by_name,
)
from teams.workload.hours_input import HoursField, display_number

# Digits with "." or "," between them, or a bare fraction (",5"); a unit may follow.


class StaffChoiceField(forms.ModelChoiceField[StaffMember]):
    def label_from_instance(self, obj: StaffMember) -> str:
        return obj.full_name


class AssignmentForm(forms.Form):
    """Add or change one assignment of a task: a staff member or an outside partner."""

    staff_member = StaffChoiceField(
        label=_("Staff member"),
        queryset=StaffMember.objects.none(),
        required=False,
        empty_label=_("— choose —"),
    )
    partner = forms.CharField(
        label=_("or outsourced to"),
        max_length=200,
        required=False,
        help_text=_("An external partner, instead of a staff member."),
    )
    kind = forms.ChoiceField(label=_("As"), choices=Assignment.Kind.choices)
    hours = HoursField(
        label=_("Hours per year"),
        required=False,
        help_text=_("Empty: the task's hours, shared over its responsibles."),
    )
    confirm_hours = forms.BooleanField(
        label=_("Yes, save more hours than the task takes"), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    state = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(
        self,
        *args: Any,
        staff: QuerySet[StaffMember],
        task_hours: Decimal | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The task's hours (calculator.task_hours): more than that is asked about first.
        self.task_hours = task_hours
        self.hours_warning = False
        field = self.fields["staff_member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = staff.order_by(*by_name())
        for name, bound in self.fields.items():
            css = (
                "form-select form-select-sm"
                if name in ("staff_member", "kind")
                else ("form-control form-control-sm")
            )
            if name == "confirm_hours":
                css = "form-check-input"
            bound.widget.attrs.setdefault("class", css)
            if self.errors and name in self.errors:
                bound.widget.attrs["class"] += " is-invalid"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_staff, has_partner = bool(data.get("staff_member")), bool(data.get("partner"))
        if has_staff == has_partner:
            raise forms.ValidationError(
                _("Choose a staff member, or name the partner it is outsourced to.")
            )
        hours = data.get("hours")
        if (
            hours is not None
            and self.task_hours is not None
            and hours > self.task_hours
            and not data.get("confirm_hours")
        ):
            self.hours_warning = True
            self.add_error(
                "hours",
                _(
                    "%(hours)s h is more than the %(task)s h this task takes. "
                    "Tick the box to save it anyway."
                )
                % {"hours": display_number(hours), "task": display_number(self.task_hours)},
            )
        return data

    def to_input(self) -> AssignmentInput:
        data = self.cleaned_data
        return AssignmentInput(
            kind=data["kind"],
            staff_member=data.get("staff_member"),
            partner=(data.get("partner") or "").strip(),
            hours=data.get("hours"),
            note=(data.get("note") or "").strip(),
        )


class BulkAssignForm(forms.Form):
    tasks = forms.ModelMultipleChoiceField(
        queryset=SchoolTask.objects.none(), widget=forms.MultipleHiddenInput
    )
    staff_member = StaffChoiceField(
        label=_("Give the selected tasks to"),
        queryset=StaffMember.objects.none(),
        empty_label=_("— choose —"),
    )
    kind = forms.ChoiceField(label=_("As"), choices=Assignment.Kind.choices)

    def __init__(
        self, *args: Any, tasks: QuerySet[SchoolTask], staff: QuerySet[StaffMember], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        task_field, staff_field = self.fields["tasks"], self.fields["staff_member"]
        assert isinstance(task_field, forms.ModelMultipleChoiceField)
        assert isinstance(staff_field, forms.ModelChoiceField)
        task_field.queryset = tasks
        staff_field.queryset = staff.order_by(*by_name())
        self.fields["staff_member"].widget.attrs["class"] = "form-select"
        self.fields["kind"].widget.attrs["class"] = "form-select"


class OwnTaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=TaskGroup.objects.by_position(), empty_label=_("— choose —")
    )
    hours = HoursField(label=_("Hours per year"), required=False)
    frequency = forms.ChoiceField(
        label=_("Frequency"), choices=Frequency.choices, initial=Frequency.AD_HOC
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Add the task")))


class LocalValuesForm(forms.Form):
    """This school's hours and frequency for a task (blank: the catalogue's)."""

    title = forms.CharField(label=_("Task"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    hours = HoursField(label=_("Hours per year here"), required=False)
    frequency = forms.ChoiceField(
        label=_("Frequency here"),
        required=False,
        choices=[("", _("as in the catalogue")), *Frequency.choices],
    )

    def __init__(self, *args: Any, task: SchoolTask, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not task.is_own:
            del self.fields["title"], self.fields["description"]
        else:
            self.fields["title"].required = True
            field = self.fields["frequency"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = Frequency.choices
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))
