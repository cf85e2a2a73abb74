"""Who a person is: one e-mail normalisation and one way to find or add a staff member.

Within a school group one e-mail address is one person; a stand-alone school
is its own scope. The staff form, the staff import, invitations and provider
sign-in all find people through :func:`person_by_email` and add them through
:func:`appoint`, so the same rules hold at every entry point:

- an address of someone who works (or worked) only in a sister school is
  refused without saying whose it is: appointing a person in a second school
  is the school group administrator's act (``services.link_staff_member``);
- someone who worked in this school before is taken back (reappointed);
- a person's name is shared by every school they work in, so only someone who
  manages all of them may change it (:func:`works_elsewhere` tells when not).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import Appointment, Post, School, StaffMember


def normalise_email(value: str | None) -> str:
    """An address as we store and compare it: trimmed, NFC, lower case ("" for none).

    Lower case on both sides of the ``@``: schools' mail systems treat the
    local part case-insensitively, and a person typed as ``Jan.Peeters@`` in
    one list and ``jan.peeters@`` in another is one person.
    """
    if not value:
        return ""
    return unicodedata.normalize("NFC", value).strip().lower()


def accounts_by_email(email: str) -> QuerySet[User]:
    """The accounts known by ``email``, as their address or as their user name.

    Case-insensitive, and in both Unicode forms, so an account stored as
    ``Admin@School.test`` or with a decomposed ``é`` still counts as having
    the address: one address is never a second account.
    """
    email = normalise_email(email)
    if not email:
        return User.objects.none()
    forms = {email, unicodedata.normalize("NFD", email)}
    found = Q()
    for form in forms:
        found |= Q(email__iexact=form) | Q(username__iexact=form)
    return User.objects.filter(found)


def email_not_usable() -> ValidationError:
    """The one answer for an address that belongs to someone this school does not employ.

    It names no one: otherwise adding staff would tell a director the name
    behind any address used in a sister school.
    """
    message = _(
        "This e-mail address cannot be used here. Ask the administrator of your "
        "school group to add this person to your school."
    )
    return ValidationError({"email": ValidationError(message, code="email_not_usable")})


def _scope(school: School) -> Q:
    """Where an address identifies one person: the school's group, or the school alone."""
    if school.school_group_id is not None:
        return Q(appointments__school__school_group_id=school.school_group_id)
    return Q(appointments__school=school)


def person_by_email(school: School, email: str) -> StaffMember | None:
    """The person known by ``email`` in ``school``'s scope (working there now or before)."""
    email = normalise_email(email)
    if not email:
        return None
    found = StaffMember.objects.filter(_scope(school), email__iexact=email).distinct()
    return found.order_by("pk").first()


def works_elsewhere(member: StaffMember, school: School) -> bool:
    """Whether the person also works in another school now: then their name is not this
    school's alone to change."""
    return Appointment.objects.current().filter(staff_member=member).exclude(school=school).exists()


@dataclass(frozen=True)
class Appointed:
    member: StaffMember
    created: bool  # a new person; False: someone who worked here before, taken back


def appoint(
    *, school: School, first_name: str, last_name: str, email: str = "", post: str = Post.TEACHER
) -> Appointed:
    """Add a person to a school's staff, or take back someone who worked here before.

    Refuses (``ValidationError``, nothing written) an address of someone who
    works or worked only in a sister school, and someone who already works
    here. A person without an address is always a new person: nothing else
    identifies them. The caller marks the figures for recalculation.
    """
    email = normalise_email(email)
    with transaction.atomic():
        member = person_by_email(school, email)
        if member is None:
            member = StaffMember.objects.create(
                first_name=first_name.strip(), last_name=last_name.strip(), email=email
            )
            Appointment.objects.create(staff_member=member, school=school, post=post)
            return Appointed(member, created=True)
        here = (
            Appointment.objects.select_for_update()
            .filter(staff_member=member, school=school)
            .first()
        )
        if here is None or (not here.is_active and works_elsewhere(member, school)):
            raise email_not_usable()
        if here.is_active:
            raise ValidationError(
                _("%(name)s already works in this school.") % {"name": member.full_name}
            )
        here.is_active, here.post = True, post
        here.save(update_fields=["is_active", "post"])
        return Appointed(member, created=False)


def check_email_free(*, school: School, email: str, member: StaffMember) -> str:
    """``email`` normalised, when ``member`` may take it in ``school``'s scope; refused
    with :func:`email_not_usable` when it is someone else's there."""
    email = normalise_email(email)
    if email and email != normalise_email(member.email):
        other = person_by_email(school, email)
        if other is not None and other.pk != member.pk:
            raise email_not_usable()
    return email
