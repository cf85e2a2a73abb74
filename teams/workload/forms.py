"""Forms of the workload page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from teams.models import MAX_SIZE, SizeMeasure
from teams.models.organisation import FACTOR_RANGE_MESSAGE, validate_hours_factor
from teams.workload.calculator import FACTOR_RANGE
from teams.workload.hours_input import DecimalTextField


class HoursFactorForm(forms.Form):
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
        error_messages={"max_value": FACTOR_RANGE_MESSAGE},
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
        if factor is not None:
            try:
                validate_hours_factor(factor)
            except forms.ValidationError as error:
                self.add_error("hours_factor_by_hand", error)
        return data


class LimitsForm(forms.Form):
    """The school's workload limits as typed; their range is the service's to check."""

    busy_from = forms.IntegerField()
    overloaded_above = forms.IntegerField()
    invalid_message = _("Give both limits as whole percentages.")


class BudgetConversionForm(forms.Form):
    """Minutes per teaching period and weeks per year as typed; the service checks ranges."""

    minutes_per_period = forms.IntegerField()
    weeks_per_year = forms.IntegerField()
    invalid_message = _("Give the minutes and the weeks as whole numbers.")
