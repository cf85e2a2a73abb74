"""Forms of the step plan: they validate and normalise; services do the writing."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from teams.models import SchoolYear, StaffMember

from .definitions import MAX_BYTES
from .models import GuidelineVersion, Progress
from .selfcheck import SCALE, Question


class ItemForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=Progress.State.choices)
    reason = forms.CharField(
        label=_("Why it does not apply"), max_length=500, required=False,
        help_text=_("Needed when the item does not apply."),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note"), max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    link = forms.URLField(
        label=_("Link to evidence"), max_length=500, required=False, assume_scheme="https"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("state") == Progress.State.NOT_APPLICABLE
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", _("Say why this item does not apply."))
        return data


class StepPlanForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=StaffMember.objects.none(), required=False
    )
    target_date = forms.DateField(
        label=_("Target date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, staff: QuerySet[StaffMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff  # type: ignore[attr-defined]  # a ModelChoiceField


class StartCycleForm(forms.Form):
    version = forms.ModelChoiceField(
        label=_("Guideline"), queryset=GuidelineVersion.objects.none(), empty_label=None
    )
    year = forms.TypedChoiceField(label=_("School year"), coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = (  # type: ignore[attr-defined]  # a ModelChoiceField
            GuidelineVersion.objects.newest_published()
            .select_related("guideline")
            .order_by("guideline__key", "-number")
        )
        # The current school year, the next one (being planned) and any later one on record.
        current = SchoolYear.current().start_year
        starts = {current, current + 1, *(y.start_year for y in SchoolYear.from_current())}
        self.fields["year"].choices = [  # type: ignore[attr-defined]  # a TypedChoiceField
            (start, f"{start}-{start + 1}") for start in sorted(starts)
        ]


class SelfCheckForm(forms.Form):
    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[question.key] = forms.TypedChoiceField(
                label=str(question.text), choices=SCALE, coerce=int, widget=forms.RadioSelect,
                error_messages={"required": _("Answer this statement.")},
            )  # fmt: skip


class SharingForm(forms.Form):
    shares_notes = forms.BooleanField(
        label=_(
            "Share our notes, links and reasons with the pilot (the department and the school "
            "group)"
        ),
        required=False,
    )


class VersionUploadForm(forms.Form):
    """A guideline definition file; :func:`guidelines.definitions.load_file` checks its content."""

    file = forms.FileField(
        label=_("Guideline definition file (JSON)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    publish = forms.BooleanField(
        label=_("Publish it at once"),
        required=False,
        help_text=_("Otherwise you look it over first, and publish it from its page."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's form holds the token
        self.helper.form_show_errors = False  # the page lists them above the form

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:  # before anything reads it
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // 1_000_000}
            )
        return upload
