"""Who may manage a school: its directors give and take managing rights.

A school keeps at least one director. Every change that can take director
rights from a school (changing rights, ending an appointment, the Django
admin) first calls :func:`keep_a_director`, which locks the school's row
(:func:`lock_school`) and refuses to leave the school without one. Nobody
changes the rights of, or ends the appointment of, someone with more rights
than themselves (:func:`teams.access.may_act_on`), and nobody gives rights
above their own, by an invitation either (:func:`teams.access.may_grant`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import access
from teams.models import Invitation, Membership, Post, School, StaffMember
from teams.staff.sessions import end_all_sessions

Kind = Membership.Kind
RIGHTS = (Kind.STAFF, Kind.COORDINATOR, Kind.DIRECTOR)
RIGHTS_FOR_POST: dict[str, str] = {
    Post.ICT_COORDINATOR: Kind.COORDINATOR,
    Post.DIRECTOR: Kind.DIRECTOR,
}


def grantable(by: access.AnyUser, school: School) -> tuple[str, ...]:
    """The rights (of :data:`RIGHTS`, fewest first) that ``by`` may give in ``school``."""
    return tuple(kind for kind in RIGHTS if access.may_grant(by, school, kind))


def suggested_for(post: str, *, among: tuple[str, ...]) -> str:
    """The rights an invitation suggests for a post (an ICT coordinator coordinates, a
    director directs, anyone else is staff): the most of ``among`` that do not exceed them."""
    wanted = RIGHTS.index(RIGHTS_FOR_POST.get(post, Kind.STAFF))
    fitting = [kind for kind in among if RIGHTS.index(kind) <= wanted]
    return fitting[-1] if fitting else Kind.STAFF


def lock_school(school: School | int) -> str | None:
    """Lock the school's row until the transaction ends, and return its name.

    Every change of rights in a school takes this lock first, so two of them (or a change
    and an invitation's acceptance) run one after the other.
    """
    school_id = school if isinstance(school, int) else school.pk
    return (
        School.objects.select_for_update()
        .filter(pk=school_id)
        .values_list("name", flat=True)
        .first()
    )


def keep_a_director(*, school: School | int, losing: Iterable[int | None]) -> None:
    """Lock the school's row, then refuse when the accounts ``losing`` are all its directors.

    Called first in the transaction of every change that takes director rights
    from accounts (``losing``: their ids): two such changes at once run one
    after the other, and the second sees what the first did. Refuses nothing
    in a school that has no director left; giving one is how it is repaired.
    """
    school_id = school if isinstance(school, int) else school.pk
    name = lock_school(school_id)
    # A deactivated account cannot sign in, so it directs nothing.
    directors = set(
        Membership.objects.filter(
            school_id=school_id, kind=Kind.DIRECTOR, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    going = directors & {pk for pk in losing if pk is not None}
    if going and going == directors:
        raise ValidationError(_("%(school)s must keep at least one director.") % {"school": name})


def set_rights(
    *, member: StaffMember, school: School, kind: str, by: access.AnyUser | None = None
) -> None:
    """Make ``kind`` (staff, coordinator or director) the account's rights in ``school``.

    Refused for a person without an account, when it would leave the school
    without a director (:func:`keep_a_director`), and, given the account
    acting as ``by``, unless it may change this person's rights
    (:func:`teams.access.may_change_rights`, read again under the lock).
    """
    if kind not in RIGHTS:
        raise ValidationError(_("Unknown rights."))
    if member.user_id is None:
        raise ValidationError(
            _("%(name)s has no account yet: invite them first.") % {"name": member.full_name}
        )
    with transaction.atomic():
        keep_a_director(school=school, losing=[member.user_id] if kind != Kind.DIRECTOR else [])
        if by is not None and not access.may_change_rights(by, member, school, fresh=True):
            raise ValidationError(
                _("Your rights in %(school)s do not allow changing the rights of %(name)s.")
                % {"school": school.name, "name": member.full_name}
            )
        current = Membership.objects.filter(user_id=member.user_id, school=school)
        current.exclude(kind=kind).delete()
        Membership.objects.get_or_create(user_id=member.user_id, school=school, kind=kind)


def revoke_school_access(
    *, member: StaffMember, school: School, by: access.AnyUser | None = None
) -> None:
    """Take every right in ``school`` from the person's account, at once: they leave it.

    Rights are read from the memberships on every request, so the account's
    open sessions lose the school with the next page they ask for; when the
    account has no rights left anywhere, its sessions are ended. An open
    invitation into the school is withdrawn, so its link cannot bring them
    back. Refused when the person is the school's last director
    (:func:`keep_a_director`), and, given the account acting as ``by``, unless
    it may end this person's appointment (:func:`teams.access.may_end_appointment`,
    read again under the lock).
    """
    with transaction.atomic():
        keep_a_director(school=school, losing=[member.user_id])
        if by is not None and not access.may_end_appointment(by, member, school, fresh=True):
            raise ValidationError(
                _("Your rights in %(school)s do not allow ending the appointment of %(name)s.")
                % {"school": school.name, "name": member.full_name}
            )
        Invitation.objects.open().filter(staff_member=member, school=school).update(
            withdrawn_at=timezone.now()
        )
        if member.user_id is None:
            return
        Membership.objects.filter(user_id=member.user_id, school=school).delete()
        if not Membership.objects.filter(user_id=member.user_id).exists():
            end_all_sessions(member.user_id)
