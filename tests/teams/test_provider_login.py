"""Sign in with Microsoft or Google: matched by the ID token's verified e-mail, never a new
account, never a platform administrator's account.

The provider's discovery, token and user-info endpoints are stubbed at the
HTTP transport: no request leaves the machine.
"""

import json
import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests
from allauth.socialaccount.models import SocialAccount
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
    """A stand-in identity provider behind requests' transport.

    ``id_token_claims`` go into the signed ID token of the token response;
    ``userinfo`` is the separate user-info document.
    """

    def __init__(self):
        self.userinfo = {}
        self.id_token_claims = None
        self.audience = CLIENT_ID
        self.discovery_status = 200
        self.token_status = 200
        self.calls = []

    def send(self, adapter, request, **kwargs):
        self.calls.append((request.method, request.url.split("?")[0]))
        url = request.url.split("?")[0]
        if url == f"{ISSUER}/.well-known/openid-configuration":
            if self.discovery_status != 200:
                raise requests.ConnectionError("discovery unreachable")
            return self._json(request, DISCOVERY)
        if url == DISCOVERY["token_endpoint"] and request.method == "POST":
            if self.token_status != 200:
                return self._json(request, {"error": "invalid_grant"}, self.token_status)
            token = {"access_token": "access-123", "token_type": "Bearer", "expires_in": 3600}
            if self.id_token_claims is not None:
                now = int(time.time())
                claims = {"iss": ISSUER, "aud": self.audience, "iat": now, "exp": now + 300}
                token["id_token"] = jwt.encode(
                    {**claims, **self.id_token_claims}, "k" * 32, algorithm="HS256"
                )
            return self._json(request, token)
        if url == DISCOVERY["userinfo_endpoint"]:
            assert request.headers["Authorization"] == "Bearer access-123"
            return self._json(request, self.userinfo)
        raise AssertionError(f"unexpected request to {request.url}")

    def says(self, email, verified=True, **claims):
        """The ID token names ``email``, verified as Google says it (or not)."""
        self.id_token_claims = {"sub": f"sub-{email.lower()}", "email": email, **claims}
        if verified is not None:
            self.id_token_claims["email_verified"] = verified

    @staticmethod
    def _json(request, body, status=200):
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response


def app_settings(**extra):
    """Our settings for one OpenID Connect app (as ictteam/settings.py writes them)."""
    return {
        "provider_id": "google",
        "name": "Google",
        "client_id": CLIENT_ID,
        "secret": "s3cret",
        "settings": {"server_url": ISSUER, "fetch_userinfo": False, **extra},
    }


@pytest.fixture
def provider(settings, monkeypatch):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [app_settings()]}
    }
    stub = Provider()
    monkeypatch.setattr(
        requests.adapters.HTTPAdapter,
        "send",
        lambda adapter, request, **kwargs: stub.send(adapter, request, **kwargs),
    )
    return stub


def start(client, **params):
    response = client.post("/accounts/oidc/google/login/", params)
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(DISCOVERY["authorization_endpoint"])
    return parse_qs(urlparse(response["Location"]).query)["state"][0]


def sign_in(client, **params):
    state = start(client, **params)
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
    provider.says("Leerkracht@School.test")
    response = sign_in(client)
    assert response.status_code == 302
    assert signed_in_user(client) == str(world.staff_user.pk)
    # Next time the connected provider account is used directly.
    client.logout()
    provider.says("leerkracht@school.test")
    sign_in(client)
    assert signed_in_user(client) == str(world.staff_user.pk)
    assert ("POST", DISCOVERY["token_endpoint"]) in provider.calls
    assert SocialAccount.objects.get().user == world.staff_user


def test_pending_invitation_is_accepted_through_the_provider(client, world, provider):
    member = world.staff[0]
    Invitation.objects.create(school=world.school, staff_member=member, email=member.email)
    provider.says(member.email, verified="true")
    sign_in(client)
    member.refresh_from_db()
    assert member.user is not None
    assert signed_in_user(client) == str(member.user.pk)
    assert not member.user.has_usable_password()
    assert Membership.objects.filter(user=member.user, school=world.school, kind="staff").exists()
    assert Invitation.objects.get().accepted_at is not None


def test_an_invitation_accepted_through_the_provider_gives_its_rights(client, world, provider):
    member = world.staff[0]
    Invitation.objects.create(
        school=world.school,
        staff_member=member,
        email=member.email,
        kind="coordinator",
        invited_by=world.director,
    )
    provider.says(member.email)
    sign_in(client)
    member.refresh_from_db()
    kinds = Membership.objects.filter(user=member.user, school=world.school)
    assert list(kinds.values_list("kind", flat=True)) == ["coordinator"]


def test_the_provider_passes_on_no_rights_the_inviter_lost(client, world, provider):
    member = world.staff[0]
    Invitation.objects.create(
        school=world.school,
        staff_member=member,
        email=member.email,
        kind="coordinator",
        invited_by=world.coordinator,
    )
    Membership.objects.filter(user=world.coordinator).update(kind="staff")
    provider.says(member.email)
    response = sign_in(client)
    assert response.status_code == 403
    assert "Je uitnodiging kan niet meer gebruikt worden" in response.content.decode()
    member.refresh_from_db()
    assert member.user is None
    assert Invitation.objects.get().accepted_at is None


def test_unknown_address_is_refused_and_no_account_made(client, world, provider):
    provider.says("onbekend@elders.test")
    users = User.objects.count()
    response = sign_in(client)
    assert response.status_code == 403
    assert "Er is geen account voor onbekend@elders.test" in response.content.decode()
    assert User.objects.count() == users
    assert signed_in_user(client) is None


def test_unverified_address_is_refused(client, world, provider):
    world.staff_user.email = "leerkracht@school.test"
    world.staff_user.save()
    provider.says("leerkracht@school.test", verified=False)
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
    provider.says(member.email)
    assert sign_in(client).status_code == 403
    member.refresh_from_db()
    assert member.user is None


def test_microsoft_domain_verified_claim_counts_as_verified(client, world, provider):
    world.staff_user.email = "leerkracht@school.test"
    world.staff_user.save()
    provider.says("leerkracht@school.test", verified=None, xms_edov=True)
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


# --- Whose account a provider may sign into ----------------------------------------------------


@pytest.mark.parametrize("flag", ["is_superuser", "is_staff"])
def test_a_verified_address_never_signs_into_a_platform_administrator(
    client, world, provider, flag
):
    admin = User.objects.create_user(
        "beheerder", email="Beheer@Platform.test", password="Admin-Pass-987", **{flag: True}
    )
    provider.says("beheer@platform.test")
    response = sign_in(client)
    assert response.status_code == 403
    assert "kan niet aanmelden met Microsoft of Google" in response.content.decode()
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()
    # Not even with a pending invitation for the same address: no second account either.
    member = world.staff[0]
    member.email = "beheer@platform.test"
    member.save()
    Invitation.objects.create(school=world.school, staff_member=member, email=member.email)
    assert sign_in(client).status_code == 403
    assert list(User.objects.filter(email__iexact="beheer@platform.test")) == [admin]


def test_an_account_linked_earlier_is_refused_once_it_is_a_platform_administrator(
    client, world, provider
):
    world.staff_user.email = "leerkracht@school.test"
    world.staff_user.save()
    provider.says("leerkracht@school.test")
    sign_in(client)
    assert signed_in_user(client) == str(world.staff_user.pk)
    client.logout()
    User.objects.filter(pk=world.staff_user.pk).update(is_superuser=True)
    assert sign_in(client).status_code == 403
    assert signed_in_user(client) is None


def test_an_account_without_a_place_on_a_staff_logs_in_with_its_password(client, world, provider):
    world.group_admin.email = "beheer@groep.test"
    world.group_admin.save()
    provider.says("beheer@groep.test")
    response = sign_in(client)
    assert response.status_code == 403
    assert signed_in_user(client) is None


def test_the_address_and_its_verification_come_from_the_one_id_token(
    client, world, provider, settings
):
    """The user-info document says the victim's address is verified; the ID token vouches
    for nothing of the kind. Even when the user-info is fetched, it is not believed."""
    settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"] = [app_settings(fetch_userinfo=True)]
    world.staff_user.email = "leerkracht@school.test"
    world.staff_user.save()
    provider.userinfo = {"sub": "x-1", "email": "leerkracht@school.test", "email_verified": True}
    provider.id_token_claims = {"sub": "x-1", "email": "aanvaller@elders.test", "xms_edov": True}
    response = sign_in(client)
    assert ("GET", DISCOVERY["userinfo_endpoint"]) in provider.calls
    assert response.status_code == 403
    assert "Er is geen account voor aanvaller@elders.test" in response.content.decode()
    assert signed_in_user(client) is None
    # The same address in both, verified only by the user-info document: refused too.
    provider.id_token_claims = {"sub": "x-1", "email": "leerkracht@school.test"}
    assert sign_in(client).status_code == 403
    assert signed_in_user(client) is None
    # The other way round: the ID token's verified address is the one that counts.
    provider.userinfo = {"sub": "x-1", "email": "iemand@anders.test", "email_verified": False}
    provider.says("leerkracht@school.test")
    provider.id_token_claims["sub"] = "x-1"
    assert sign_in(client).status_code == 302
    assert signed_in_user(client) == str(world.staff_user.pk)


def test_our_settings_never_fetch_the_user_info_document(client, world, provider):
    world.staff_user.email = "leerkracht@school.test"
    world.staff_user.save()
    provider.says("leerkracht@school.test")
    assert sign_in(client).status_code == 302
    assert ("GET", DISCOVERY["userinfo_endpoint"]) not in provider.calls


def test_no_id_token_is_no_way_in(client, world, provider, settings):
    settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"] = [app_settings(fetch_userinfo=True)]
    world.staff_user.email = "leerkracht@school.test"
    world.staff_user.save()
    provider.userinfo = {"sub": "x-2", "email": "leerkracht@school.test", "email_verified": True}
    assert sign_in(client).status_code == 403
    assert signed_in_user(client) is None


# --- Every allauth flow our URLs expose answers, none with a 500 -------------------------------


def test_a_deactivated_account_with_an_open_invitation_is_refused(client, world, provider):
    member = world.staff[0]
    User.objects.create_user(member.email, email=member.email, is_active=False)
    Invitation.objects.create(school=world.school, staff_member=member, email=member.email)
    provider.says(member.email)
    users = User.objects.count()
    response = sign_in(client)
    assert response.status_code == 403
    assert "uitgeschakeld" in response.content.decode()
    assert User.objects.count() == users
    assert Invitation.objects.get().accepted_at is None


def test_a_deactivated_account_linked_earlier_is_refused(client, world, provider):
    world.staff_user.email = "leerkracht@school.test"
    world.staff_user.save()
    provider.says("leerkracht@school.test")
    sign_in(client)
    client.logout()
    User.objects.filter(pk=world.staff_user.pk).update(is_active=False)
    response = sign_in(client)
    assert response.status_code == 403
    assert signed_in_user(client) is None


@pytest.mark.parametrize("process", ["connect", "redirect"])
@pytest.mark.parametrize("logged_in", [False, True])
def test_connecting_or_redirecting_is_refused(client, world, provider, process, logged_in):
    world.staff_user.email = "leerkracht@school.test"
    world.staff_user.save()
    if logged_in:
        client.force_login(world.director)
    provider.says("leerkracht@school.test")
    response = sign_in(client, process=process, next="/schools/")
    assert response.status_code == 403
    assert "Aanmelden geweigerd" in response.content.decode()
    assert not SocialAccount.objects.exists()
    assert signed_in_user(client) == (str(world.director.pk) if logged_in else None)


@pytest.mark.parametrize(
    ("error", "status"), [("access_denied", 401), ("server_error", 401), ("", 401)]
)
def test_a_cancelled_or_failed_login_shows_the_refused_page(client, provider, error, status):
    state = start(client)
    params = {"state": state, "error": error} if error else {"state": state}
    response = client.get("/accounts/oidc/google/login/callback/", params)
    assert response.status_code == status
    assert "Aanmelden geweigerd" in response.content.decode()


def test_a_callback_without_or_with_a_foreign_state_is_refused(client, provider):
    callback = "/accounts/oidc/google/login/callback/"
    assert client.get(callback, {"code": "c"}).status_code == 401
    assert client.get(callback, {"code": "c", "state": "not-ours"}).status_code == 401


def test_a_provider_that_refuses_the_code_or_sends_a_foreign_token(client, world, provider):
    provider.says(world.staff[0].email)
    provider.token_status = 400
    assert sign_in(client).status_code == 401
    provider.token_status = 200
    provider.audience = "another-client"
    assert sign_in(client).status_code == 401
    assert signed_in_user(client) is None


def test_a_provider_that_cannot_be_reached(client, provider):
    provider.discovery_status = 503
    response = client.post("/accounts/oidc/google/login/")
    assert response.status_code == 502
    assert "kon niet bereikt worden" in response.content.decode()
    provider.discovery_status = 200
    state = start(client)
    provider.discovery_status = 503
    response = client.get("/accounts/oidc/google/login/callback/", {"code": "c", "state": state})
    assert response.status_code == 502


def test_the_login_confirmation_page_and_unknown_providers(client, provider):
    assert client.get("/accounts/oidc/google/login/").status_code == 200
    assert client.get("/accounts/oidc/google/login/?process=connect").status_code == 200
    assert client.post("/accounts/oidc/nobody/login/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/inactive/",
        "/accounts/confirm-email/",
        "/accounts/confirm-email/abc/",
        "/accounts/3rdparty/",
        "/accounts/3rdparty/signup/",
        "/accounts/social/login/cancelled/",
        "/accounts/password/reset/",
    ],
)
def test_no_other_allauth_page_is_routed(client, path):
    assert client.get(path).status_code == 404


# --- A school group's own domains and tenants --------------------------------------------------

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
OTHER_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"  # personal Microsoft accounts


def restrict(group, domains="", tenants=""):
    group.signin_domains, group.signin_tenants = domains, tenants
    group.full_clean()
    group.save()


def test_a_school_group_accepts_only_its_own_domains(client, world, provider):
    restrict(world.group, domains="scholengroep.be")
    world.staff_user.email = "leerkracht@gmail.test"
    world.staff_user.save()
    provider.says("leerkracht@gmail.test")
    response = sign_in(client)
    assert response.status_code == 403
    assert "alleen aanmelden met haar eigen schoolaccounts" in response.content.decode()
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()
    world.staff_user.email = "leerkracht@scholengroep.be"
    world.staff_user.save()
    provider.says("Leerkracht@Scholengroep.be")
    assert sign_in(client).status_code == 302
    assert signed_in_user(client) == str(world.staff_user.pk)


@pytest.mark.parametrize(
    ("claims", "allowed"),
    [
        ({"tid": TENANT}, True),
        ({"tid": TENANT.upper()}, True),
        ({"tid": OTHER_TENANT}, False),
        ({}, False),  # a personal account names no tenant or Workspace domain
        ({"hd": "scholengroep.be"}, True),
        ({"hd": "elders.be"}, False),
    ],
)
def test_a_school_group_accepts_only_its_own_tenants(client, world, provider, claims, allowed):
    restrict(world.group, tenants=f"{TENANT}\nscholengroep.be")
    world.staff_user.email = "leerkracht@school.test"
    world.staff_user.save()
    provider.says("leerkracht@school.test", **claims)
    response = sign_in(client)
    assert response.status_code == (302 if allowed else 403)
    assert (signed_in_user(client) == str(world.staff_user.pk)) is allowed


def test_an_invitation_into_a_restricted_group_needs_its_domain(client, world, provider):
    restrict(world.group, domains="scholengroep.be")
    member = world.staff[0]
    Invitation.objects.create(school=world.school, staff_member=member, email=member.email)
    provider.says(member.email)
    assert sign_in(client).status_code == 403
    member.refresh_from_db()
    assert member.user is None
    assert Invitation.objects.get().accepted_at is None


def test_a_restriction_also_holds_for_an_account_linked_earlier(client, world, provider):
    world.staff_user.email = "leerkracht@gmail.test"
    world.staff_user.save()
    provider.says("leerkracht@gmail.test")
    sign_in(client)
    client.logout()
    restrict(world.group, domains="scholengroep.be")
    assert sign_in(client).status_code == 403
    assert signed_in_user(client) is None


def test_a_restriction_of_another_group_does_not_apply(client, world, provider):
    from tests.teams.factories import SchoolGroupFactory

    restrict(SchoolGroupFactory(), domains="elders.be")
    world.staff_user.email = "leerkracht@school.test"
    world.staff_user.save()
    provider.says("leerkracht@school.test")
    assert sign_in(client).status_code == 302


def test_the_platform_administrator_sets_them_in_the_admin(admin_client, world):
    url = reverse("admin:teams_schoolgroup_change", args=[world.group.pk])
    page = admin_client.get(url).content.decode()
    assert "signin_domains" in page and "signin_tenants" in page
    data = {
        "name": world.group.name,
        "signin_domains": "Scholengroep.be, @andere.be",
        "signin_tenants": TENANT.upper(),
        "schools-TOTAL_FORMS": "0",
        "schools-INITIAL_FORMS": "0",
    }
    assert admin_client.post(url, data).status_code == 302
    world.group.refresh_from_db()
    assert world.group.signin_domains == "scholengroep.be\nandere.be"
    assert world.group.signin_tenants == TENANT
    response = admin_client.post(url, data | {"signin_domains": "geen domein!"})
    assert response.status_code == 200
    assert "“geen” is geen domein zoals school.be." in response.content.decode()
    world.group.refresh_from_db()
    assert world.group.signin_domains == "scholengroep.be\nandere.be"
