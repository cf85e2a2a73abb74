"""Forms of the staff pages: a person in a school, roles, linking over a school group."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Prefetch, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from teams.models import (
    EMAIL_MAX_LENGTH,
    Appointment,
    Post,
    Role,
    School,
    SchoolGroup,
    StaffMember,
    by_name,
)
from teams.staff.services import StaffInput
from teams.workload.hours_input import DecimalTextField, display_number
from teams.workload.units import (
    HOURS_PER_YEAR_FULL_TIME,
    MAX_BUDGET_HOURS,
    BudgetUnit,
    given_budget,
    hours_per_period_year,
)

# Digits with "." or "," between them, or a bare fraction (",5"); a unit may follow.


class RoleChoiceField(forms.ModelMultipleChoiceField[Role]):
    def label_from_instance(self, obj: Role) -> str:
        return str(obj.label)


class StaffForm(forms.Form):
    """A staff member of a school with this year's ICT budget and roles."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=EMAIL_MAX_LENGTH)
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices)
    budget = DecimalTextField(
        label=_("ICT budget"),
        required=False,
        max_value=MAX_BUDGET_HOURS,
        decimal_places=3,
    )
    budget_unit = forms.ChoiceField(
        label=_("Budget given in"), choices=BudgetUnit.choices, initial=BudgetUnit.YEAR
    )
    roles = RoleChoiceField(
        label=_("Roles in the ICT team"),
        queryset=Role.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # What the page showed (teams.staff.services.staff_state), to catch someone else's save.
    state = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, roles: QuerySet[Role], school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["budget_unit"].help_text = format_lazy(
            _(
                "A full-time post counts as {hours} hours a year. In this school a school "
                "year has {weeks} weeks and a teaching period lasts {minutes} minutes, so one "
                "period a week gives {period} hours a year."
            ),
            hours=display_number(HOURS_PER_YEAR_FULL_TIME),
            weeks=school.weeks_per_year,
            minutes=school.minutes_per_period,
            period=display_number(hours_per_period_year(school).quantize(Decimal("0.1"))),
        )
        field = self.fields["roles"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = roles
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        amount, unit = data.get("budget"), data.get("budget_unit")
        if amount is None:
            data["budget_hours"] = None
            return data
        try:
            data["budget_hours"] = given_budget(amount, unit or BudgetUnit.YEAR, self.school)
        except forms.ValidationError as error:
            self.add_error("budget", error)
        return data

    def to_input(self) -> StaffInput:
        data = self.cleaned_data
        return StaffInput(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            post=data["post"],
            budget_hours=data["budget_hours"],
            roles=list(data["roles"]),
            budget_amount=data.get("budget"),
            budget_unit=data.get("budget_unit") or BudgetUnit.YEAR,
        )


class RoleForm(forms.Form):
    name = forms.CharField(label=_("New role"), max_length=100)


class GroupStaffChoiceField(forms.ModelChoiceField[StaffMember]):
    """A person of the group, with the schools they work in (several people share names)."""

    def label_from_instance(self, obj: Any) -> str:
        schools = ", ".join(a.school.name for a in obj.active_appointments)
        return f"{obj.full_name} ({schools})"


class LinkStaffForm(forms.Form):
    """A group administrator appoints a person of one school in another school of the group."""

    staff_member = GroupStaffChoiceField(
        label=_("Staff member"), queryset=StaffMember.objects.none(), empty_label=_("— choose —")
    )
    school = forms.ModelChoiceField(
        label=_("Also works in"), queryset=School.objects.none(), empty_label=_("— choose —")
    )
    post = forms.ChoiceField(label=_("Post there"), choices=Post.choices)
    prefix = "link"

    def __init__(self, *args: Any, school_group: SchoolGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = Appointment.objects.current().select_related("school")
        staff = self.fields["staff_member"]
        assert isinstance(staff, forms.ModelChoiceField)
        staff.queryset = (
            StaffMember.objects.working_where(school_id=None, school_group_id=school_group.pk)
            .prefetch_related(
                Prefetch(
                    "appointments", active.order_by("school__name"), to_attr="active_appointments"
                )
            )
            .order_by(*by_name())
        )
        school = self.fields["school"]
        assert isinstance(school, forms.ModelChoiceField)
        school.queryset = School.objects.filter(school_group=school_group).order_by("name")
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Add to that school")))
