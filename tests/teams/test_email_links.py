"""Every link the site sends or hands out starts with SITE_URL, whatever host the request
that caused it came in on: a reverse proxy's inner name, or a host header an attacker sets."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from teams.models import ReminderSettings

from .factories import UserFactory

SITE = "https://ict.school.example"
OTHER_HOST = "intern.local"


@pytest.fixture(autouse=True)
def _site(settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = SITE + "/"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, OTHER_HOST]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def links(body: str) -> list[str]:
    found = re.findall(r"https?://\S+", body)
    assert found, body
    return found


def test_an_invitation_links_to_the_site_address(client, world):
    member = world.staff[0]
    client.force_login(world.director)
    response = client.post(
        reverse("teams:invite", args=[world.school.pk, member.pk]),
        {"language": "nl", "kind": "staff"},
        HTTP_HOST=OTHER_HOST,
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert all(link.startswith(SITE + "/") for link in links(message.body)), message.body
    assert any("/welcome/" in link for link in links(message.body))


def test_a_password_reset_links_to_the_site_address(client, world):
    user = UserFactory(username="ann.reset", email="ann.reset@school.test")
    user.set_password("Oude-Sleutel-2024")
    user.save()
    client.post(reverse("password_reset"), {"email": user.email}, HTTP_HOST=OTHER_HOST)
    (message,) = mail.outbox
    reset = [link for link in links(message.body) if "/password-reset/" in link]
    assert reset and all(link.startswith(SITE + "/password-reset/") for link in reset)
    assert OTHER_HOST not in message.body


def test_the_calendar_address_is_on_the_site_address(client, world):
    member = world.staff[2]  # Carla has the staff login
    token = ReminderSettings.objects.create(staff_member=member).feed_token
    client.force_login(world.staff_user)
    page = client.get(reverse("teams:reminder_settings"), HTTP_HOST=OTHER_HOST).content.decode()
    assert SITE + reverse("teams:feed", args=[token]) in page
    assert OTHER_HOST not in page
