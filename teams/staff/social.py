"""Signing in with the school's Microsoft 365 or Google Workspace account (OpenID Connect).

django-allauth runs the protocol; this module decides who gets in:

- A login is known by the e-mail address in the provider's signed ID token,
  and only when that same token says the address is verified (the standard
  ``email_verified`` claim that Google sends, or Microsoft Entra ID's
  ``xms_edov``). The user-info document is neither fetched (settings) nor
  read, so an address and its "verified" flag never come from two documents.
- It signs into the one active account of a staff member with that address
  (:func:`teams.staff.identity.accounts_by_email`), or accepts a pending invitation
  for it. Platform administrators (``is_staff`` or ``is_superuser``) never
  sign in this way: they log in with their password, behind the lock-out.
- It never creates an account for an address nobody invited.
- A school group may accept only its own e-mail domains, Microsoft tenants or
  Google Workspace domains (:meth:`SchoolGroup.accepts_signin`): a login of
  one of its people with another account is refused.
- Only logging in is offered: allauth's connect and redirect flows are
  refused, and every failure answers with the refused page, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthError, AuthProcess
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from teams.models import Appointment, Invitation, Membership, SchoolGroup
from teams.staff import identity, invitations

TRUE = (True, "true", "True", "1", 1)


@dataclass(frozen=True)
class IdToken:
    """What the provider's signed ID token says about the person."""

    email: str  # normalised; "" when the token names none
    verified: bool
    hosted_domain: str = ""  # Google Workspace's ``hd``
    tenant: str = ""  # Microsoft Entra ID's ``tid``


def id_token_of(sociallogin: SocialLogin) -> IdToken:
    """The ID token's claims, as allauth's OpenID Connect provider keeps them in
    ``extra_data["id_token"]`` (already checked for issuer, audience and expiry)."""
    claims = (sociallogin.account.extra_data or {}).get("id_token")
    if not isinstance(claims, dict):
        return IdToken(email="", verified=False)
    email = claims.get("email")
    return IdToken(
        email=identity.normalise_email(email if isinstance(email, str) else ""),
        verified=claims.get("email_verified") in TRUE or claims.get("xms_edov") in TRUE,
        hosted_domain=str(claims.get("hd") or ""),
        tenant=str(claims.get("tid") or ""),
    )


def _refusal(message: str) -> ValidationError:
    return ValidationError(message, code="provider_refused")


def _password_only() -> ValidationError:
    return _refusal(
        _(
            "This account cannot log in with Microsoft or Google. Log in with your "
            "e-mail address and password."
        )
    )


def _check_may_sign_in(user: User) -> None:
    """Refuse accounts a provider never signs into."""
    if not user.is_active:
        raise _refusal(
            _("This account has been switched off. Ask your director if you need it again.")
        )
    if user.is_staff or user.is_superuser:
        raise _password_only()


def groups_of(user: User) -> QuerySet[SchoolGroup]:
    """The school groups whose person the account is: where its staff member works now,
    and where its rights are."""
    working = Appointment.objects.current().filter(staff_member__user=user)
    rights = Membership.objects.filter(user=user)
    return SchoolGroup.objects.filter(
        Q(pk__in=working.values("school__school_group_id"))
        | Q(pk__in=rights.values("school__school_group_id"))
        | Q(pk__in=rights.values("school_group_id"))
    )


def _check_groups_accept(token: IdToken, groups: Iterable[SchoolGroup | None]) -> None:
    """Every school group the person belongs to must accept the login's account."""
    for group in groups:
        if group is not None and not group.accepts_signin(
            email=token.email, hosted_domain=token.hosted_domain, tenant=token.tenant
        ):
            raise _refusal(
                _(
                    "Your school group accepts logging in only with its own school accounts, "
                    "and %(email)s is not one of them. Log in with your school account, or "
                    "with your password."
                )
                % {"email": token.email}
            )


def account_for(token: IdToken, *, linked: User | None = None) -> User:
    """The account a provider login signs into, made from a pending invitation if need be.

    ``linked`` is the account the provider account was connected to at an
    earlier login. Raises ``ValidationError`` with the reason to show when
    the login may not sign in; then nothing was written.
    """
    if not token.email or not token.verified:
        raise _refusal(
            _(
                "Your school account did not confirm your e-mail address, so we cannot "
                "tell who you are. Log in with your password instead."
            )
        )
    if linked is not None:
        _check_may_sign_in(linked)
        _check_groups_accept(token, groups_of(linked))
        return linked
    accounts = list(identity.accounts_by_email(token.email).select_related("staff_member")[:2])
    if len(accounts) > 1:
        raise _password_only()  # two accounts claim the address: no guessing which
    if accounts:
        user = accounts[0]
        _check_may_sign_in(user)
        if not hasattr(user, "staff_member"):
            raise _password_only()
        _check_groups_accept(token, groups_of(user))
        return user
    return _account_from_invitation(token)


def _account_from_invitation(token: IdToken) -> User:
    """The account of the address's latest pending invitation, accepted now."""
    invitation = (
        Invitation.objects.open()
        .filter(email__iexact=token.email)
        .select_related("school", "school_group", "staff_member")
        .order_by("-sent_at")
        .first()
    )
    if invitation is None or invitation.state != Invitation.State.PENDING:
        raise _refusal(
            _(
                "There is no account for %(email)s. Ask your director to invite you with this "
                "address."
            )
            % {"email": token.email}
        )
    school = invitation.school
    _check_groups_accept(token, [school.school_group if school else invitation.school_group])
    try:
        return invitations.accept(invitation=invitation, password=None)
    except invitations.InvalidInvitation as invalid:
        raise _refusal(
            _(
                "Your invitation can no longer be used. Log in with your password, or ask "
                "your director for a new invitation."
            )
        ) from invalid


def _refused(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    return render(request, "teams/provider_refused.html", {"reason": reason}, status=status)


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]  # allauth ships no type hints
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Decide which account the login signs into (:func:`account_for`), or refuse it."""
        process = (sociallogin.state or {}).get("process") or AuthProcess.LOGIN
        if process != AuthProcess.LOGIN:
            raise ImmediateHttpResponse(
                _refused(
                    request,
                    _(
                        "Here you can only log in with your school account; connecting it to "
                        "another account is not offered."
                    ),
                )
            )
        linked = sociallogin.user if sociallogin.is_existing else None
        try:
            user = account_for(id_token_of(sociallogin), linked=linked)
        except ValidationError as refusal:
            raise ImmediateHttpResponse(_refused(request, refusal.messages[0])) from refusal
        if linked is None:
            sociallogin.connect(request, user)
        user.backend = settings.AUTHENTICATION_BACKENDS[-1]

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: str | None = None,
        exception: Exception | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        """A cancelled login shows the refused page (allauth would redirect to a page we
        do not route); other failures keep allauth's answer, the same page with 401."""
        if error == AuthError.CANCELLED:
            raise ImmediateHttpResponse(
                render(request, "socialaccount/login_cancelled.html", status=401)
            )


# --- URLs --------------------------------------------------------------------------------------


def _answer_when_unreachable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """allauth reads the provider's discovery document outside its own error handling:
    a provider that is down or answers nonsense gets the refused page, not a 500."""

    @login_not_required
    def guarded(request: HttpRequest, provider_id: str) -> HttpResponse:
        try:
            return view(request, provider_id)
        except (requests.RequestException, KeyError):
            return _refused(
                request,
                _(
                    "Your school's sign-in service could not be reached. Try again later, "
                    "or log in with your password."
                ),
                status=502,
            )

    return guarded


# Only allauth's OpenID Connect login and callback: password login stays on Django's
# LoginView behind axes, and no other allauth page is routed.
urlpatterns = [
    path(
        "oidc/<str:provider_id>/login/",
        _answer_when_unreachable(oidc_views.login),
        name="openid_connect_login",
    ),
    path(
        "oidc/<str:provider_id>/login/callback/",
        _answer_when_unreachable(oidc_views.callback),
        name="openid_connect_callback",
    ),
]
