"""Accounts: invitations to create one, and each account's own settings."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.models.organisation import GROUP_SCOPE, SCHOOL_SCOPE, Membership, School, SchoolGroup
from teams.models.staff import EMAIL_MAX_LENGTH, StaffMember

INVITATION_VALID_FOR = timedelta(days=7)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        """Neither accepted nor withdrawn (possibly expired)."""
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)


class Invitation(models.Model):
    """An e-mail inviting a person to create their account, with rights in a school or group.

    The link in the e-mail is a signed token derived from this row's state
    (see ``teams.staff.invitations``): nothing stored here lets a database reader
    use a pending link, and any change of state (re-sent, withdrawn,
    accepted) makes earlier links useless.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("invitation pending")
        EXPIRED = "expired", _("invitation expired")
        ACCEPTED = "accepted", _("invitation accepted")
        WITHDRAWN = "withdrawn", _("invitation withdrawn")

    kind = models.CharField(
        _("rights"),
        max_length=12,
        choices=Membership.Kind.choices,
        default=Membership.Kind.STAFF,
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    school_group = models.ForeignKey(
        SchoolGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"), max_length=EMAIL_MAX_LENGTH)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="nl"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=SCHOOL_SCOPE | GROUP_SCOPE,
                name="invitation_scope_fits_kind",
            ),
            models.UniqueConstraint(
                fields=["email", "school"],
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_one_open_per_school",
            ),
            models.UniqueConstraint(
                fields=["email", "school_group"],
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_one_open_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_kind_display()} {self.school or self.school_group})"

    @property
    def expires_at(self) -> datetime:
        return self.sent_at + INVITATION_VALID_FOR

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.withdrawn_at is not None:
            return self.State.WITHDRAWN
        if timezone.now() >= self.expires_at:
            return self.State.EXPIRED
        return self.State.PENDING

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)

    @property
    def full_name(self) -> str:
        if self.staff_member is not None:
            return self.staff_member.full_name
        return f"{self.first_name} {self.last_name}".strip() or self.email


class AccountSettings(models.Model):
    """What an account chose for itself (its language), and when its sessions were ended."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_settings"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="nl"
    )
    # Sessions that logged in before this moment are ended on their next request.
    sessions_ended_at = models.DateTimeField(_("sessions ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account settings")
        verbose_name_plural = _("account settings")

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
