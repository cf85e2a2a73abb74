"""Forms of the catalogue pages."""

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Frequency, Level, TaskGroup


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Task overview workbook"),
        help_text=_(
            "An Excel workbook (.xlsx or .xlsm) with a column of tasks. You will see "
            "every change before anything is imported."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Show the changes")))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.CATALOGUE_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)}
            )
        return upload


class CatalogueFilterForm(forms.Form):
    """The search and filters above the catalogue list; every field optional."""

    STATUS_CHOICES = [("active", _("active")), ("retired", _("retired")), ("all", _("all"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=TaskGroup.objects.by_position(),
        required=False,
        empty_label=_("All groups"),
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    frequency = forms.ChoiceField(
        label=_("Frequency"),
        required=False,
        choices=[("", _("Any frequency")), *Frequency.choices],
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("Any level")), *Level.choices]
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [("", _("Any role"))] + [(r, r) for r in roles]
        for name, field in self.fields.items():
            css = "form-control" if name == "q" else "form-select"
            field.widget.attrs.setdefault("class", css)

    def narrows(self) -> bool:
        """Whether a valid filter leaves out some active tasks (the list shows all active
        tasks otherwise, invalid filters included)."""
        if not self.is_valid():
            return False
        data = self.cleaned_data
        named = any(data.get(name) for name in ("q", "group", "role", "frequency", "level"))
        return named or data.get("status") not in ("", "active")
