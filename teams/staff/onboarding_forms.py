"""Forms of the onboarding pages: staff import, invitations, rights, new schools."""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from teams.models import EMAIL_MAX_LENGTH, Membership, SchoolGroup
from teams.staff import identity
from teams.staff.rights import RIGHTS

Kind = Membership.Kind
logger = logging.getLogger(__name__)
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
    """An invitation's rights (only those the inviter may give) and the e-mail's language."""

    kind = forms.ChoiceField(
        label=_("Rights once the invitation is accepted"),
        widget=forms.Select(attrs={"class": "form-select", "aria-describedby": "invite-help"}),
        help_text=_(
            "Suggested from the post. The account gets these rights when the invitation is "
            "accepted, not before."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the e-mail"),
        choices=LANGUAGE_CHOICES,
        initial="nl",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, kinds: tuple[str, ...], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "invite-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(kind, capfirst(Kind(kind).label)) for kind in kinds]
        field.error_messages["invalid_choice"] = _(
            "Choose rights you may give: never more than your own."
        )
        field.error_messages["required"] = _("Choose the rights of the invitation.")


class RightsForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Rights in this school"),
        choices=[(kind.value, kind.label) for kind in RIGHTS],
    )


class NewcomerFields(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), max_length=EMAIL_MAX_LENGTH)
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
            field = self.fields["school_group"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = groups


class NewGroupForm(NewcomerFields):
    """A school group and its first administrator."""

    field_order = ["name"]

    name = forms.CharField(label=_("Name of the school group"), max_length=200)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if SchoolGroup.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("There is already a school group with this name."))
        return name


def _key(kind: str, *parts: str) -> str:
    """A cache key for a reset limit: hashed, so the cache holds no addresses."""
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return f"password-reset:{kind}:{digest}"


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending a limited number of mails an hour.

    Counted per target address and client together, so nobody can use up
    another person's resets from their own client; per client over all
    addresses, against spraying; and per target address over all clients,
    so no mailbox is flooded. The client is the real one behind the reverse
    proxies (``REVERSE_PROXY_COUNT``). Over a limit nothing is sent and the form
    says so, in the same words for every address: the limits count requests,
    not accounts, so the answer reveals nothing about who has an account. A
    refused request counts against no limit. When the cache fails, resets
    go on (logged).
    """

    PER_ADDRESS_AND_CLIENT = 3
    PER_CLIENT = 10
    PER_ADDRESS = 10
    WINDOW_SECONDS = 3600

    def __init__(self, *args: Any, client_ip: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client_ip = client_ip
        self.limit_reached = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email = data.get("email")
        if email and self._over_limit(identity.normalise_email(email)):
            self.limit_reached = True
            raise forms.ValidationError(
                _(
                    "Too many requests for a new password were made for this address or from "
                    "your network. Nothing was sent this time: try again in an hour."
                ),
                code="limit_reached",
            )
        return data

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Send the reset e-mails with links on the site's own address (``SITE_URL``), like
        every e-mail of the site, whatever host the request came in on."""
        site = urlsplit(settings.SITE_URL)
        kwargs.update(domain_override=site.netloc, use_https=site.scheme == "https")
        super().save(*args, **kwargs)

    def _over_limit(self, email: str) -> bool:
        """Whether this request is over a limit; if not, it is counted against each."""
        limits = {
            _key("address-client", email, self.client_ip): self.PER_ADDRESS_AND_CLIENT,
            _key("client", self.client_ip): self.PER_CLIENT,
            _key("address", email): self.PER_ADDRESS,
        }
        try:
            counts = cache.get_many(list(limits))
            if any(counts.get(key, 0) >= limit for key, limit in limits.items()):
                return True
            for key in limits:
                if not cache.add(key, 1, self.WINDOW_SECONDS):
                    try:
                        cache.incr(key)
                    except ValueError:  # expired between add and incr
                        cache.set(key, 1, self.WINDOW_SECONDS)
        except Exception:
            logger.warning("Password-reset limits not checked: the cache failed.", exc_info=True)
        return False

    def send_mail(
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
