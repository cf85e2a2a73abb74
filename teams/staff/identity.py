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

Finding and adding happen under a lock on the scope's row
(:func:`lock_scope`): two entry points adding the same address at the same
moment add one person. :func:`duplicate_addresses` reports what older data
left behind.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower, Trim
from django.utils.translation import gettext as _

from teams.models import Appointment, Post, School, SchoolGroup, StaffMember


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


def lock_scope(school: School) -> None:
    """Lock the row of ``school``'s scope (its school group, or the school alone) until the
    transaction ends, so finding and adding people there happen one at a time.

    Call it first in a transaction that finds and then adds people: whoever
    comes second waits, then finds what the first one added. Take it before
    any school row (rights lock those) to keep one order of locks.
    """
    if school.school_group_id is not None:
        SchoolGroup.objects.select_for_update().filter(pk=school.school_group_id).first()
    else:
        School.objects.select_for_update().filter(pk=school.pk).first()


def people_by_email(school: School, emails: Iterable[str]) -> dict[str, StaffMember]:
    """The people known by these addresses in ``school``'s scope (working there now or
    before), by normalised address; the first added wins where older data holds two."""
    wanted = {normalise_email(email) for email in emails} - {""}
    found: dict[str, StaffMember] = {}
    if not wanted:
        return found
    people = (
        StaffMember.objects.filter(_scope(school))
        .annotate(email_key=Lower(Trim("email")))
        .filter(email_key__in=wanted)
        .distinct()
        .order_by("pk")
    )
    for person in people:
        found.setdefault(normalise_email(person.email), person)
    return found


def person_by_email(school: School, email: str) -> StaffMember | None:
    """The person known by ``email`` in ``school``'s scope (working there now or before)."""
    return people_by_email(school, [email]).get(normalise_email(email))


def working_elsewhere(member_ids: Iterable[int], school: School) -> set[int]:
    """Which of these people also work in another school now (:func:`works_elsewhere`)."""
    return set(
        Appointment.objects.current()
        .filter(staff_member_id__in=list(member_ids))
        .exclude(school=school)
        .values_list("staff_member_id", flat=True)
    )


def works_elsewhere(member: StaffMember, school: School) -> bool:
    """Whether the person also works in another school now: then their name is not this
    school's alone to change."""
    return member.pk in working_elsewhere([member.pk], school)


def appointment_to_take_back(member: StaffMember, school: School) -> Appointment:
    """The ended appointment in ``school`` of a person found by address, to take them back.

    Raises :func:`email_not_usable` when the person works or worked only in a
    sister school, or left here and now works elsewhere (either way appointing
    them here is the school group administrator's act), and ``ValidationError``
    when they already work here. Reads only: :func:`appoint` calls it under
    :func:`lock_scope`, an import's plan to tell the director beforehand.
    """
    here = Appointment.objects.filter(staff_member=member, school=school).first()
    if here is None or (not here.is_active and works_elsewhere(member, school)):
        raise email_not_usable()
    if here.is_active:
        raise ValidationError(
            _("%(name)s already works in this school.") % {"name": member.full_name}
        )
    return here


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
        lock_scope(school)
        member = person_by_email(school, email)
        if member is None:
            member = StaffMember.objects.create(
                first_name=first_name.strip(), last_name=last_name.strip(), email=email
            )
            Appointment.objects.create(staff_member=member, school=school, post=post)
            return Appointed(member, created=True)
        here = appointment_to_take_back(member, school)
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


@dataclass(frozen=True)
class DuplicateAddress:
    """One address held by more than one person where it must identify one."""

    scope: str  # the school group's name, or the stand-alone school's
    email: str
    members: list[StaffMember]


def duplicate_addresses() -> list[DuplicateAddress]:
    """Addresses that more than one staff member holds within one school group (or one
    stand-alone school), however they are written; older data and imports left them."""
    rows = (
        Appointment.objects.exclude(staff_member__email="")
        .values_list(
            "staff_member_id",
            "staff_member__email",
            "school__school_group_id",
            "school__school_group__name",
            "school_id",
            "school__name",
        )
        .order_by("staff_member_id")
    )
    holders: dict[tuple[str, int, str], set[int]] = defaultdict(set)
    scopes: dict[tuple[str, int], str] = {}
    for member_id, email, group_id, group_name, school_id, school_name in rows:
        scope = ("group", group_id) if group_id is not None else ("school", school_id)
        scopes[scope] = group_name if group_id is not None else school_name
        holders[(*scope, normalise_email(email))].add(member_id)
    shared = {key: ids for key, ids in holders.items() if len(ids) > 1}
    people = StaffMember.objects.in_bulk({pk for ids in shared.values() for pk in ids})
    return [
        DuplicateAddress(
            scope=scopes[(kind, scope_id)],
            email=email,
            members=[people[pk] for pk in sorted(ids)],
        )
        for (kind, scope_id, email), ids in sorted(
            shared.items(), key=lambda item: (scopes[item[0][:2]], item[0][2])
        )
    ]
