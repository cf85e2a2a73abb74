"""Sign in with Microsoft or Google: matched by verified e-mail, never a new account.

The provider's discovery, token and user-info endpoints are stubbed at the
HTTP transport: no request leaves the machine.
"""

import json
import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from teams.models import Invitation, Membership

pytestmark = pytest.mark.django_db

ISSUER = "https://idp.example.test"
CLIENT_ID = "ictteam-client"
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/authorize",
    "token_endpoint": f"{ISSUER}/token",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "jwks_uri": f"{ISSUER}/keys",
    "token_endpoint_auth_methods_supported": ["client_secret_post"],
}


class Provider:
    """A stand-in identity provider behind requests' transport."""

    def __init__(self):
        self.userinfo = {}
        self.id_token_claims = None
        self.calls = []

    def send(self, adapter, request, **kwargs):
        self.calls.append((request.method, request.url.split("?")[0]))
        url = request.url.split("?")[0]
        if url == f"{ISSUER}/.well-known/openid-configuration":
            return self._json(request, DISCOVERY)
        if url == DISCOVERY["token_endpoint"] and request.method == "POST":
            token = {"access_token": "access-123", "token_type": "Bearer", "expires_in": 3600}
            if self.id_token_claims is not None:
                now = int(time.time())
                claims = {"iss": ISSUER, "aud": CLIENT_ID, "iat": now, "exp": now + 300}
                token["id_token"] = jwt.encode(
                    {**claims, **self.id_token_claims}, "k" * 32, algorithm="HS256"
                )
            return self._json(request, token)
        if url == DISCOVERY["userinfo_endpoint"]:
            assert request.headers["Authorization"] == "Bearer access-123"
            return self._json(request, self.userinfo)
        raise AssertionError(f"unexpected request to {request.url}")

    @staticmethod
    def _json(request, body):
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response


@pytest.fixture
def provider(settings, monkeypatch):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "google",
                    "name": "Google",
                    "client_id": CLIENT_ID,
                    "secret": "s3cret",
                    "settings": {"server_url": ISSUER},
                }
            ],
        }
    }
    stub = Provider()
    monkeypatch.setattr(
        requests.adapters.HTTPAdapter,
        "send",
        lambda adapter, request, **kwargs: stub.send(adapter, request, **kwargs),
    )
    return stub


def sign_in(client):
    start = client.post("/accounts/oidc/google/login/")
    assert start.status_code == 302, start.content
    assert start["Location"].startswith(DISCOVERY["authorization_endpoint"])
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    return client.get("/accounts/oidc/google/login/callback/", {"code": "code-1", "state": state})


def signed_in_user(client):
    return client.session.get("_auth_user_id")


def test_login_page_offers_only_configured_providers(client, provider, settings):
    assert "Aanmelden met Google" in client.get(reverse("login")).content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    assert "Aanmelden met" not in client.get(reverse("login")).content.decode()


def test_existing_account_is_matched_by_verified_email(client, world, provider):
    world.staff_user.email = "leerkracht@school.test"
    world.staff_user.save()
    provider.userinfo = {"sub": "g-1", "email": "Leerkracht@School.test", "email_verified": True}
    response = sign_in(client)
    assert response.status_code == 302
    assert signed_in_user(client) == str(world.staff_user.pk)
    # Next time the connected provider account is used directly.
    client.logout()
    provider.userinfo = {"sub": "g-1", "email": "leerkracht@school.test", "email_verified": True}
    sign_in(client)
    assert signed_in_user(client) == str(world.staff_user.pk)
    assert ("POST", DISCOVERY["token_endpoint"]) in provider.calls


def test_pending_invitation_is_accepted_through_the_provider(client, world, provider):
    member = world.staff[0]
    Invitation.objects.create(school=world.school, staff_member=member, email=member.email)
    provider.userinfo = {"sub": "g-2", "email": member.email, "email_verified": "true"}
    sign_in(client)
    member.refresh_from_db()
    assert member.user is not None
    assert signed_in_user(client) == str(member.user.pk)
    assert not member.user.has_usable_password()
    assert Membership.objects.filter(user=member.user, school=world.school, kind="staff").exists()
    assert Invitation.objects.get().accepted_at is not None


def test_unknown_address_is_refused_and_no_account_made(client, world, provider):
    provider.userinfo = {"sub": "g-3", "email": "onbekend@elders.test", "email_verified": True}
    users = User.objects.count()
    response = sign_in(client)
    assert response.status_code == 403
    assert "Er is geen account voor onbekend@elders.test" in response.content.decode()
    assert User.objects.count() == users
    assert signed_in_user(client) is None


def test_unverified_address_is_refused(client, world, provider):
    world.staff_user.email = "leerkracht@school.test"
    world.staff_user.save()
    provider.userinfo = {"sub": "g-4", "email": "leerkracht@school.test", "email_verified": False}
    response = sign_in(client)
    assert response.status_code == 403
    assert "niet bevestigd" in response.content.decode()
    assert signed_in_user(client) is None


def test_withdrawn_or_expired_invitation_is_not_a_way_in(client, world, provider):
    member = world.staff[0]
    Invitation.objects.create(
        school=world.school,
        staff_member=member,
        email=member.email,
        sent_at="2020-01-01T00:00:00Z",
    )
    provider.userinfo = {"sub": "g-5", "email": member.email, "email_verified": True}
    assert sign_in(client).status_code == 403
    member.refresh_from_db()
    assert member.user is None


def test_microsoft_domain_verified_claim_counts_as_verified(client, world, provider):
    world.staff_user.email = "leerkracht@school.test"
    world.staff_user.save()
    provider.userinfo = {"sub": "m-1", "email": "leerkracht@school.test"}
    provider.id_token_claims = {"sub": "m-1", "email": "leerkracht@school.test", "xms_edov": True}
    sign_in(client)
    assert signed_in_user(client) == str(world.staff_user.pk)


def test_password_login_stays_behind_axes(client, world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    world.staff_user.set_password("Juist-Wachtwoord-1")
    world.staff_user.save()
    for _ in range(2):
        client.post(reverse("login"), {"username": "leerkracht.a", "password": "fout"})
    response = client.post(
        reverse("login"), {"username": "leerkracht.a", "password": "Juist-Wachtwoord-1"}
    )
    assert response.status_code == 429
    assert signed_in_user(client) is None
    assert not mail.outbox


@pytest.mark.parametrize(
    "template",
    [
        "account/signup_closed.html",
        "socialaccount/authentication_error.html",
        "socialaccount/login_cancelled.html",
    ],
)
def test_a_failed_or_cancelled_provider_login_says_so_in_dutch(rf, template):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = AnonymousUser()
    page = render_to_string(template, request=request)
    assert "Aanmelden geweigerd" in page
    assert "Aanmelden met je schoolaccount is niet gelukt." in page
