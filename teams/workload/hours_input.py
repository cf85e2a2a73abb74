"""Hours as people type them ("17,5", "12 uur"): parsing, showing, and the fields for both."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from tasks.models import MAX_TASK_HOURS

# Digits with "." or "," between them, or a bare fraction (",5"); a unit may follow.


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
        formatted: str | None = super().format_value(value)
        return formatted


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
