"""Forms of the team pages. Choices are always limited to the school at hand.

A form never decides which school or task it writes to: views take those
from the URL, through ``teams.access``. The querysets here only offer, and
accept, staff and tasks of that school.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Prefetch, QuerySet
from django.utils import formats
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tasks.models import MAX_TASK_HOURS, Frequency, TaskGroup

from .assigning import AssignmentInput
from .models import (
    EMAIL_MAX_LENGTH,
    HOURS_PER_YEAR_FULL_TIME,
    MAX_BUDGET_HOURS,
    MAX_SIZE,
    Appointment,
    Assignment,
    BudgetUnit,
    Post,
    Role,
    School,
    SchoolGroup,
    SchoolTask,
    SizeMeasure,
    StaffMember,
    budget_hours,
)
from .services import StaffInput
from .workload.calculator import FACTOR_RANGE

# Digits with "." or "," between them, or a bare fraction (",5"); a unit may follow.
_NUMBER = re.compile(r"(\d+(?:[.,]\d+)*|[.,]\d+)")
_UNIT = re.compile(r"\s*(uur|u|hours?|h)\.?$", re.IGNORECASE)


def parse_decimal(text: str) -> Decimal:
    """A number as people type it: "17,5", "17.5", "1.234,5", "1,234.5", "12 uur".

    With both separators the last one is the decimal one; a separator that
    occurs more than once groups thousands; a single one is the decimal one.
    Raises ``ValueError`` for anything else (a sign included: callers say why).
    """
    compact = _UNIT.sub("", text.strip()).replace("\u00a0", "").replace(" ", "")
    if not _NUMBER.fullmatch(compact):
        raise ValueError(text)
    separators = [c for c in compact if c in ".,"]
    if not separators:
        return Decimal(compact)
    decimal_sep: str | None = separators[-1]
    thousands = [c for c in separators[:-1]]
    if len(separators) > 1 and all(c == separators[0] for c in separators):
        decimal_sep, thousands = None, separators  # "1.234.567": groups only
    elif any(c == decimal_sep for c in thousands) or len(set(thousands)) > 1:
        raise ValueError(text)
    whole, fraction = compact.rsplit(decimal_sep, 1) if decimal_sep else (compact, "")
    if thousands:
        groups = whole.split(thousands[0])
        if not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]):
            raise ValueError(text)
        whole = "".join(groups)
    try:
        return Decimal(f"{whole or '0'}.{fraction or '0'}")
    except InvalidOperation as error:  # pragma: no cover - the pattern rules this out
        raise ValueError(text) from error


def display_number(value: Decimal | int | float) -> str:
    """A number in the page's language without trailing zeros: "17,5", "18"."""
    number = Decimal(str(value)).normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return str(formats.number_format(number, use_l10n=True))


class DecimalInput(forms.TextInput):
    """A text box for a number: phones show the number pad, the browser drops nothing.

    ``type="number"`` loses a decimal comma in browsers set to English, so the
    server reads what was typed (:class:`DecimalTextField`).
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return display_number(value)
        return super().format_value(value)


class DecimalTextField(forms.Field):
    """A non-negative number typed with a decimal comma or point, checked on the server."""

    widget = DecimalInput
    default_error_messages = {
        "invalid": _("Type a number, such as 17,5."),
        "negative": _("A negative number is not possible here."),
        "max_value": _("%(value)s is more than the maximum of %(max)s."),
        "decimal_places": _("Use at most %(places)s decimals."),
    }

    def __init__(self, *, max_value: Decimal, decimal_places: int = 2, **kwargs: Any) -> None:
        self.max_value, self.decimal_places = max_value, decimal_places
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            number = value
        else:
            text = str(value).strip()
            if text.startswith("-") and len(text) > 1:
                raise forms.ValidationError(self.error_messages["negative"], code="negative")
            try:
                number = parse_decimal(text)
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
        if number < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if number > self.max_value:
            raise forms.ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"value": display_number(number), "max": display_number(self.max_value)},
            )
        if -int(number.normalize().as_tuple().exponent) > self.decimal_places:
            raise forms.ValidationError(
                self.error_messages["decimal_places"],
                code="decimal_places",
                params={"places": self.decimal_places},
            )
        return number


class HoursField(DecimalTextField):
    """Hours per year of a task or an assignment."""

    default_error_messages = {
        "invalid": _("Type a number of hours, such as 17,5."),
        "negative": _("Hours cannot be negative."),
        "max_value": _("%(value)s hours is more than the maximum of %(max)s hours a year."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_value=MAX_TASK_HOURS, decimal_places=2, **kwargs)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


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
        field.queryset = staff.order_by("last_name", "first_name")
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
        self.fields["tasks"].queryset = tasks  # type: ignore[attr-defined]
        self.fields["staff_member"].queryset = staff.order_by(  # type: ignore[attr-defined]
            "last_name", "first_name"
        )
        self.fields["staff_member"].widget.attrs["class"] = "form-select"
        self.fields["kind"].widget.attrs["class"] = "form-select"


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
    # What the page showed (teams.services.staff_state), to catch someone else's save.
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
            period=display_number(school.hours_per_period_year.quantize(Decimal("0.1"))),
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
        if unit == BudgetUnit.FTE and amount > 1:
            self.add_error("budget", _("A fraction of a full-time post is at most 1."))
            return data
        hours = budget_hours(amount, unit or BudgetUnit.YEAR, self.school)
        if hours > MAX_BUDGET_HOURS:
            self.add_error(
                "budget",
                _("That is %(hours)s hours a year, more than the maximum of %(max)s.")
                % {"hours": display_number(hours), "max": display_number(MAX_BUDGET_HOURS)},
            )
        data["budget_hours"] = hours
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
            self.fields["frequency"].choices = Frequency.choices  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))


class RoleForm(forms.Form):
    name = forms.CharField(label=_("New role"), max_length=100)


class GroupStaffChoiceField(forms.ModelChoiceField):
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
            .order_by("last_name", "first_name")
        )
        school = self.fields["school"]
        assert isinstance(school, forms.ModelChoiceField)
        school.queryset = School.objects.filter(school_group=school_group).order_by("name")
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Add to that school")))


class HoursScaleForm(forms.Form):
    """How the catalogue's suggested hours fit a school: its size, or a factor by hand."""

    size_measure = forms.ChoiceField(
        label=_("The school counts"),
        choices=[("", _("nothing (no scaling by size)")), *SizeMeasure.choices],
        required=False,
    )
    size = forms.IntegerField(label=_("How many"), min_value=1, max_value=MAX_SIZE, required=False)
    hours_factor_by_hand = DecimalTextField(
        label=_("Or a factor of your own"),
        max_value=FACTOR_RANGE[1],
        required=False,
        help_text=_(
            "For example 0.8 for 80 percent of the catalogue's hours; it wins over the size."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        measure, size = data.get("size_measure"), data.get("size")
        if measure and size is None and "size" not in self.errors:
            self.add_error("size", _("Give the number of pupils or devices."))
        if size is not None and not measure:
            self.add_error("size_measure", _("Choose what the number counts: pupils or devices."))
        factor = data.get("hours_factor_by_hand")
        if factor is not None and factor < FACTOR_RANGE[0]:
            self.add_error(
                "hours_factor_by_hand",
                _("A factor lies between %(low)s and %(high)s.")
                % {"low": display_number(FACTOR_RANGE[0]), "high": display_number(FACTOR_RANGE[1])},
            )
        return data
