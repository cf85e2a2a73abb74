"""Who may manage a school: a director gives and takes managing rights.

A school keeps at least one director: the last one cannot lose the rights,
and cannot be ended as staff while they are the last.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Membership, School, StaffMember

Kind = Membership.Kind
RIGHTS = (Kind.STAFF, Kind.COORDINATOR, Kind.DIRECTOR)


def rights_of(member: StaffMember, school: School) -> str:
    """The strongest school rights of a staff member's account ("" without an account)."""
    if member.user_id is None:
        return ""
    kinds = set(
        Membership.objects.filter(user_id=member.user_id, school=school).values_list(
            "kind", flat=True
        )
    )
    return next((kind for kind in reversed(RIGHTS) if kind in kinds), "")


def _check_not_last_director(school: School, user_id: int) -> None:
    directors = Membership.objects.filter(school=school, kind=Kind.DIRECTOR)
    if not directors.exclude(user_id=user_id).exists():
        raise ValidationError(
            _("%(school)s must keep at least one director.") % {"school": school.name}
        )


def set_rights(*, member: StaffMember, school: School, kind: str) -> None:
    """Make ``kind`` (staff, coordinator or director) the account's rights in ``school``.

    Refused for a person without an account, and when it would leave the
    school without a director. The school row is locked so two directors
    demoting each other at once cannot both succeed.
    """
    if kind not in RIGHTS:
        raise ValidationError(_("Unknown rights."))
    if member.user_id is None:
        raise ValidationError(
            _("%(name)s has no account yet: invite them first.") % {"name": member.full_name}
        )
    with transaction.atomic():
        School.objects.select_for_update().filter(pk=school.pk).first()
        current = Membership.objects.filter(user_id=member.user_id, school=school)
        if kind != Kind.DIRECTOR and current.filter(kind=Kind.DIRECTOR).exists():
            _check_not_last_director(school, member.user_id)
        current.exclude(kind=kind).delete()
        Membership.objects.get_or_create(user_id=member.user_id, school=school, kind=kind)


def revoke_school_access(*, member: StaffMember, school: School) -> None:
    """Take every right in ``school`` from the person's account, at once.

    Rights are read from the memberships on every request, so the account's
    open sessions lose the school with the next page they ask for; when the
    account has no rights left anywhere, its sessions are ended. An open
    invitation into the school is withdrawn, so its link cannot bring them
    back. Refused when the person is the school's last director.
    """
    from django.utils import timezone

    from .models import AccountSettings, Invitation

    Invitation.objects.open().filter(staff_member=member, school=school).update(
        withdrawn_at=timezone.now()
    )
    if member.user_id is None:
        return
    memberships = Membership.objects.filter(user_id=member.user_id, school=school)
    if memberships.filter(kind=Kind.DIRECTOR).exists():
        _check_not_last_director(school, member.user_id)
    memberships.delete()
    if not Membership.objects.filter(user_id=member.user_id).exists():
        AccountSettings.objects.update_or_create(
            user_id=member.user_id, defaults={"sessions_ended_at": timezone.now()}
        )
