"""Forms of the onboarding pages: staff import, invitations, rights, new schools."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import Membership, SchoolGroup
from .rights import RIGHTS

Kind = Membership.Kind
LANGUAGE_CHOICES = [("nl", "Nederlands"), ("en", "English")]


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("Staff list"),
        help_text=_(
            "An Excel workbook (.xlsx) or CSV file from the school administration software, "
            "with the columns first name, last name and e-mail (and optionally post). "
            "A row may leave the e-mail address empty."
        ),
    )


class InviteForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the e-mail"), choices=LANGUAGE_CHOICES, initial="nl"
    )


class RightsForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Rights in this school"),
        choices=[(kind.value, kind.label) for kind in RIGHTS],
    )


class NewcomerFields(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, initial="nl")


class NewSchoolForm(NewcomerFields):
    """A school and its first director (a group administrator's group is fixed)."""

    field_order = ["name", "institution_number", "school_group"]

    name = forms.CharField(label=_("Name of the school"), max_length=200)
    institution_number = forms.CharField(
        label=_("Institution number"), max_length=20, required=False
    )
    school_group = forms.ModelChoiceField(
        label=_("School group"),
        queryset=SchoolGroup.objects.none(),
        required=False,
        empty_label=_("— stand-alone school —"),
    )

    def __init__(self, *args: Any, groups: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if groups is None:
            del self.fields["school_group"]
        else:
            self.fields["school_group"].queryset = groups  # type: ignore[attr-defined]


class NewGroupForm(NewcomerFields):
    """A school group and its first administrator."""

    field_order = ["name"]

    name = forms.CharField(label=_("Name of the school group"), max_length=200)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if SchoolGroup.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("There is already a school group with this name."))
        return name


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending at most a few mails per address and per client an hour.

    Over the limit nothing is sent, and the page says exactly what it says
    otherwise, so the limit reveals nothing about which addresses have accounts.
    """

    PER_ADDRESS = 3
    PER_CLIENT = 10
    WINDOW_SECONDS = 3600

    client_ip: str = ""

    def _over_limit(self, key: str, limit: int) -> bool:
        cache.add(key, 0, self.WINDOW_SECONDS)
        try:
            return cache.incr(key) > limit
        except ValueError:  # expired between add and incr
            cache.set(key, 1, self.WINDOW_SECONDS)
            return False

    def save(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        email = self.cleaned_data["email"].strip().lower()
        over_address = self._over_limit(f"password-reset:email:{email}", self.PER_ADDRESS)
        over_client = self._over_limit(f"password-reset:ip:{self.client_ip}", self.PER_CLIENT)
        if over_address or over_client:
            return
        super().save(*args, **kwargs)

    def send_mail(  # type: ignore[override]
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Send the mail in the account's own language."""
        user = context.get("user")
        chosen = getattr(getattr(user, "account_settings", None), "language", None)
        language = chosen or translation.get_language() or settings.LANGUAGE_CODE
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )
