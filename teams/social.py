"""Signing in with the school's Microsoft 365 or Google Workspace account (OpenID Connect).

django-allauth runs the protocol; this adapter decides who gets in. A login
through a provider is matched, by an e-mail address the provider vouches for,
to an existing account or to a pending invitation (which it then accepts). It
never creates an account for an address nobody invited, and refuses
addresses the provider did not verify.
"""

from __future__ import annotations

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import invitations
from .models import Invitation

TRUE = (True, "true", "True", "1", 1)


def verified_emails(sociallogin: SocialLogin) -> list[str]:
    """The addresses the provider says belong to this person.

    ``email_verified`` as the standard claim (Google sends it); Microsoft
    Entra ID instead marks an address of a domain the tenant owns with
    ``xms_edov`` in the ID token.
    """
    emails = [address.email for address in sociallogin.email_addresses if address.verified]
    if emails:
        return [email.strip().lower() for email in emails]
    data = sociallogin.account.extra_data or {}
    id_token = data.get("id_token") or {}
    email = (data.get("userinfo") or {}).get("email") or id_token.get("email")
    if email and (id_token.get("email_verified") in TRUE or id_token.get("xms_edov") in TRUE):
        return [str(email).strip().lower()]
    return []


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.is_existing:
            return
        emails = verified_emails(sociallogin)
        if not emails:
            raise self._refuse(
                request,
                _(
                    "Your school account did not confirm your e-mail address, so we cannot "
                    "tell who you are. Log in with your password instead."
                ),
            )
        user = User.objects.filter(email__iexact=emails[0], is_active=True).first()
        if user is None:
            invitation = (
                Invitation.objects.open()
                .filter(email__iexact=emails[0])
                .order_by("-sent_at")
                .first()
            )
            if invitation is None or invitation.state != Invitation.State.PENDING:
                raise self._refuse(
                    request,
                    _(
                        "There is no account for %(email)s. Ask your director to invite you "
                        "with this address."
                    )
                    % {"email": emails[0]},
                )
            user = invitations.accept(invitation=invitation, password=None)
        sociallogin.connect(request, user)
        user.backend = settings.AUTHENTICATION_BACKENDS[-1]  # type: ignore[attr-defined]

    def _refuse(self, request: HttpRequest, reason: str) -> ImmediateHttpResponse:
        return ImmediateHttpResponse(
            render(request, "teams/provider_refused.html", {"reason": reason}, status=403)
        )
