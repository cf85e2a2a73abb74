"""Invitations: the e-mail with a single-use link that lets a person create their account.

The link carries a token signed with the site's secret key (Django's
``signing``, with a maximum age) over the invitation's id and a hash of its
state. The database stores no token: a reader of the database cannot build a
link, and any change of state (re-sent, withdrawn, accepted) changes the hash,
so earlier links stop working.

An invitation never tells the inviter whether its address already has an
account (in this school group or elsewhere): it is recorded and answered like
any other. The e-mail then tells the address's owner that they already have an
account and can log in with it; it carries no link, and no link ever makes a
second account for an address that has one.

An invitation into a school carries the rights (staff, coordinator or
director) its account gets on acceptance, and no sooner. Nobody invites with
rights above their own (:func:`teams.access.may_grant`); acceptance checks
this again, with the inviter's rights as they are then, under the school's
lock that every change of rights takes (:func:`teams.staff.rights.lock_school`):
an inviter who lost the rights meanwhile cannot pass them on.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from teams import access
from teams.models import (
    INVITATION_VALID_FOR,
    AccountSettings,
    Appointment,
    Invitation,
    Membership,
    Post,
    School,
    SchoolGroup,
    SchoolTask,
    StaffMember,
)
from teams.staff import identity, rights
from teams.workload import services

SALT = "teams.staff.invitations"
Kind = Membership.Kind


class InvalidInvitation(Exception):
    """A link that cannot be used; ``reason`` is one of the keys of ``REASONS``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _state_hash(invitation: Invitation) -> str:
    state = "|".join(
        str(part)
        for part in (
            invitation.pk,
            identity.normalise_email(invitation.email),
            invitation.kind,
            invitation.sent_at.isoformat(),
            invitation.accepted_at,
            invitation.withdrawn_at,
        )
    )
    return salted_hmac(SALT, state, algorithm="sha256").hexdigest()[:32]


def make_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "h": _state_hash(invitation)}, salt=SALT)


def accept_url(invitation: Invitation) -> str:
    return reverse("accept_invitation", args=[make_token(invitation)])


def invitation_for_token(token: str) -> Invitation:
    """The pending invitation a link stands for; :class:`InvalidInvitation` otherwise."""
    try:
        data = signing.loads(token, salt=SALT, max_age=INVITATION_VALID_FOR)
    except signing.SignatureExpired as exc:
        raise InvalidInvitation("expired") from exc
    except signing.BadSignature as exc:
        raise InvalidInvitation("invalid") from exc
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        raise InvalidInvitation("invalid")
    invitation = (
        Invitation.objects.select_related("school", "school_group", "staff_member")
        .filter(pk=data["i"])
        .first()
    )
    if invitation is None:
        raise InvalidInvitation("invalid")
    if not constant_time_compare(str(data.get("h", "")), _state_hash(invitation)):
        state = invitation.state
        reason = {"accepted": "used", "withdrawn": "withdrawn"}.get(state, "replaced")
        raise InvalidInvitation(reason)
    if invitation.state != Invitation.State.PENDING:
        raise InvalidInvitation(str(invitation.state).replace("accepted", "used"))
    if has_account(invitation):
        raise InvalidInvitation("account")
    if not _inviter_still_gives(invitation):
        raise InvalidInvitation("rights")
    return invitation


def has_account(invitation: Invitation) -> bool:
    """Whether the invited address (or the invited staff member) already has an account."""
    member = invitation.staff_member
    if member is not None and member.user_id is not None:
        return True
    return identity.accounts_by_email(invitation.email).exists()


# --- Sending ---------------------------------------------------------------------------------


def _send(invitation: Invitation) -> None:
    """Send the invitation e-mail in the invited person's language, its links on the site's
    own address (``SITE_URL``), whatever host the request that caused it came in on.

    To an address that already has an account it says so, without a link:
    the owner logs in with the account they have.
    """
    site = settings.SITE_URL.rstrip("/")
    existing = has_account(invitation)
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "scope": invitation.school or invitation.school_group,
            "expires_at": invitation.expires_at,
            "inviter": invitation.invited_by.get_full_name() if invitation.invited_by else "",
            "login_url": site + reverse("login"),
        }
        if existing:
            body = render_to_string("teams/email/invitation_existing_account.txt", context)
        else:
            context["link"] = site + accept_url(invitation)
            body = render_to_string("teams/email/invitation.txt", context)
        subject = _("Your account for ICT-team")
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def _sent(invitation: Invitation) -> Invitation:
    """Send the e-mail of a just-written invitation; any failure undoes the write."""
    try:
        _send(invitation)
    except OSError as exc:
        raise ValidationError(
            _("The e-mail could not be sent; nothing was changed. Try again later.")
        ) from exc
    return invitation


def invite_staff_member(
    *,
    member: StaffMember,
    school: School,
    invited_by: User,
    language: str = "nl",
    kind: str = Kind.STAFF,
) -> Invitation:
    """Invite a staff member of ``school`` to create an account (and e-mail them the link);
    the account gets rights of ``kind`` in the school when the invitation is accepted.

    Refused when the person has no e-mail address, their staff record already
    has an account, they have an open invitation for this school (re-send
    that one instead), or ``invited_by`` may not give these rights. An address
    with an account elsewhere is invited like any other (see the module's docstring).
    """
    _check_may_give(invited_by, school, kind)
    email = identity.normalise_email(member.email)
    if not email:
        raise ValidationError(
            _("%(name)s has no e-mail address: add one first.") % {"name": member.full_name}
        )
    if member.user_id is not None:
        raise ValidationError(_("%(name)s already has an account.") % {"name": member.full_name})
    with transaction.atomic():
        if Invitation.objects.open().filter(staff_member=member, school=school).exists():
            raise ValidationError(
                _("%(name)s has already been invited: re-send or withdraw that invitation.")
                % {"name": member.full_name}
            )
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    kind=kind,
                    school=school,
                    staff_member=member,
                    email=email,
                    language=language,
                    invited_by=invited_by,
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("%(email)s already has an open invitation for this school.") % {"email": email}
            ) from exc
        return _sent(invitation)


def _check_may_give(by: User, school: School, kind: str) -> None:
    if kind not in rights.RIGHTS:
        raise ValidationError(_("Unknown rights."))
    if not access.may_grant(by, school, kind):
        raise ValidationError(
            _("Your rights in %(school)s do not allow inviting someone as %(rights)s.")
            % {"school": school.name, "rights": Kind(kind).label}
        )


@dataclass(frozen=True)
class Newcomer:
    """Who a first director, coordinator or group administrator is."""

    first_name: str
    last_name: str
    email: str
    language: str = "nl"


def invite_manager(
    *,
    newcomer: Newcomer,
    invited_by: User,
    school: School | None = None,
    school_group: SchoolGroup | None = None,
    kind: str = Kind.DIRECTOR,
) -> Invitation:
    """Invite a school's director (added to its staff) or a school group's administrator.

    An address with an account is invited like any other (see the module's
    docstring): the answer never tells whether it has one.
    """
    email = identity.normalise_email(newcomer.email)
    if (school is None) == (school_group is None):
        raise ValueError("Pass a school or a school group.")
    with transaction.atomic():
        member = None
        if school is not None:
            member = _staff_member_for(school, newcomer, email)
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    kind=Kind.GROUP_ADMIN if school_group is not None else kind,
                    school=school,
                    school_group=school_group,
                    staff_member=member,
                    email=email,
                    first_name=newcomer.first_name.strip(),
                    last_name=newcomer.last_name.strip(),
                    language=newcomer.language,
                    invited_by=invited_by,
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("%(email)s already has an open invitation here.") % {"email": email}
            ) from exc
        return _sent(invitation)


def found_school_group(*, name: str, newcomer: Newcomer, invited_by: User) -> SchoolGroup:
    """Create a school group with the catalogue's group tasks on its list, and invite its
    first administrator: all of it, or nothing."""
    with transaction.atomic():
        school_group = SchoolGroup.objects.create(name=name)
        SchoolTask.objects.adopt_catalogue(school_group=school_group)
        invite_manager(newcomer=newcomer, invited_by=invited_by, school_group=school_group)
    return school_group


def found_school(
    *,
    name: str,
    institution_number: str,
    school_group: SchoolGroup | None,
    newcomer: Newcomer,
    invited_by: User,
) -> School:
    """Create a school (alone or in a school group) with the catalogue on its task list, and
    invite its director: all of it, or nothing. Raises ValidationError for a bad name or
    institution number."""
    with transaction.atomic():
        school = School(
            name=" ".join(name.split()),
            institution_number=institution_number.strip(),
            school_group=school_group,
        )
        school.full_clean()
        school.save()
        SchoolTask.objects.adopt_catalogue(school=school)
        invite_manager(newcomer=newcomer, invited_by=invited_by, school=school)
    return school


def _staff_member_for(school: School, newcomer: Newcomer, email: str) -> StaffMember:
    """The director-to-be on the school's staff, appointed there as its director.

    The person is found by address in the school's group (:mod:`teams.staff.identity`):
    someone who works, or worked, in a sister school is the same person, now
    also appointed here; that is the group administrator's act, and creating a
    school is one. Anyone else is added as a new person.
    """
    member = identity.person_by_email(school, email)
    if member is None:
        return identity.appoint(
            school=school,
            first_name=newcomer.first_name,
            last_name=newcomer.last_name,
            email=email,
            post=Post.DIRECTOR,
        ).member
    Appointment.objects.update_or_create(
        staff_member=member, school=school, defaults={"is_active": True, "post": Post.DIRECTOR}
    )
    services.mark_from_now(services.school_with_sisters(school))
    return member


def resend(*, invitation: Invitation, by: User | None = None) -> Invitation:
    """Send a fresh link, valid for another 7 days, with the same rights; the earlier links
    stop working.

    Given ``by``, it is they who invite now: refused unless they may give the invitation's
    rights (so they are the inviter whose rights acceptance checks).
    """
    if invitation.accepted_at is not None or invitation.withdrawn_at is not None:
        raise ValidationError(_("This invitation has been used or withdrawn."))
    fields = ["sent_at"]
    if by is not None and invitation.school is not None:
        _check_may_give(by, invitation.school, invitation.kind)
        invitation.invited_by = by
        fields.append("invited_by")
    with transaction.atomic():
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=fields)
        return _sent(invitation)


def withdraw(*, invitation: Invitation) -> None:
    """Make the invitation's links useless for good."""
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.withdrawn_at is None:
        invitation.withdrawn_at = timezone.now()
        invitation.save(update_fields=["withdrawn_at"])


def accept(*, invitation: Invitation, password: str | None) -> User:
    """Create the account of an invitation, give it its rights and use the invitation up.

    The caller has validated the password; ``None`` makes an account that signs
    in only through its school's identity provider. Runs once: the invitation row is
    locked and checked again, so a link clicked twice at once makes one account.
    Never makes a second account for an address: one that already has an
    account (as address or user name, in any letter case) is refused with
    :class:`InvalidInvitation` ``"account"``, and two invitations for one
    address accepted at once meet the user name's unique constraint.
    """
    try:
        with transaction.atomic():
            return _accept(invitation, password)
    except IntegrityError as exc:
        raise InvalidInvitation("account") from exc


def _accept(invitation: Invitation, password: str | None) -> User:
    # The school first, as every change of rights locks it, then the invitation: the
    # order ending an appointment takes them in, too.
    if invitation.school_id is not None:
        rights.lock_school(invitation.school_id)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.state != Invitation.State.PENDING:
        raise InvalidInvitation(str(locked.state).replace("accepted", "used"))
    if not _inviter_still_gives(locked):
        raise InvalidInvitation("rights")
    if has_account(locked):
        raise InvalidInvitation("account")
    email = identity.normalise_email(locked.email)
    member = locked.staff_member
    if member is not None and locked.school is not None and not member.works_in(locked.school):
        raise InvalidInvitation("withdrawn")
    user = User.objects.create_user(
        username=email,
        email=email,
        password=password,
        first_name=member.first_name if member else locked.first_name,
        last_name=member.last_name if member else locked.last_name,
    )
    AccountSettings.objects.create(user=user, language=locked.language)
    if member is not None:
        # A conditional update: of two invitations of one person accepted at
        # once, only one links its account.
        claimed = StaffMember.objects.filter(pk=member.pk, user__isnull=True).update(user=user)
        if not claimed:
            raise InvalidInvitation("account")
    Membership.objects.create(
        user=user, kind=locked.kind, school=locked.school, school_group=locked.school_group
    )
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at"])
    return user


def _inviter_still_gives(invitation: Invitation) -> bool:
    """Whether the invitation's rights are still its inviter's to give, read now.

    Staff rights need nobody's: whoever could invite gives them, also an inviter whose
    account has gone since.
    """
    if invitation.school is None or invitation.kind == Kind.STAFF:
        return True
    inviter = invitation.invited_by
    return inviter is not None and access.may_grant(
        inviter, invitation.school, invitation.kind, fresh=True
    )


def pending_state_by_member(school: School) -> dict[int, Invitation]:
    """The latest open invitation of each staff member of ``school`` (one query)."""
    latest: dict[int, Invitation] = {}
    for invitation in Invitation.objects.open().filter(school=school, staff_member__isnull=False):
        assert invitation.staff_member_id is not None
        latest.setdefault(invitation.staff_member_id, invitation)
    return latest
