"""Forms of the reminder pages: a task's schedule, marking done, a person's settings."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from teams.models import ReminderSettings, Rhythm
from teams.models.reminders import MAX_LEAD_DAYS


class ScheduleForm(forms.Form):
    rhythm = forms.ChoiceField(label=_("Comes back"), choices=Rhythm.choices)
    anchor = forms.DateField(
        label=_("First due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The due date, or the first one of the rhythm (e.g. 15 August for yearly)."),
    )
    lead_days = forms.IntegerField(
        label=_("Remind days before"), min_value=0, max_value=MAX_LEAD_DAYS, initial=7
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save the schedule")))


class DoneForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("done", _("Mark done")))


class SettingsForm(forms.Form):
    digest = forms.ChoiceField(label=_("E-mail digest"), choices=ReminderSettings.Digest.choices)
    language = forms.ChoiceField(
        label=_("Language of the e-mails"), choices=[("nl", _("Dutch")), ("en", _("English"))]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))


class PolicyForm(forms.Form):
    backup_after_days = forms.IntegerField(
        label=_("Tell the backup after this many days overdue"), min_value=1, max_value=365
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))
