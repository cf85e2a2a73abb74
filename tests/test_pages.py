"""Login by default, Dutch first with English selectable, the health check."""

import gettext as gettext_module
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_require_login(client):
    response = client.get(reverse("tasks:catalogue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_dutch_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="nl">' in response.content.decode()
    assert "Aanmelden bij ICT-team" in response.content.decode()


def test_english_can_be_chosen(client, reader):
    client.force_login(reader)
    dutch_page = client.get(reverse("tasks:catalogue")).content.decode()
    assert "Takencatalogus" in dutch_page and "Task catalogue" not in dutch_page
    response = client.post(reverse("set_language"), {"language": "en", "next": "/catalogue/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("tasks:catalogue")).content.decode()
    assert '<html lang="en">' in page
    assert "Task catalogue" in page and "Takencatalogus" not in page
    # The source strings are English too, so the page alone cannot tell whether
    # there is an English catalogue: Django must find ours, and it must list every
    # message the Dutch one does.
    assert gettext_module.find("django", str(settings.LOCALE_PATHS[0]), ["en"]) is not None
    catalogues = Path(settings.BASE_DIR) / "locale"
    english = message_ids(catalogues / "en" / "LC_MESSAGES" / "django.po")
    dutch = message_ids(catalogues / "nl" / "LC_MESSAGES" / "django.po")
    assert "Task catalogue" in english
    assert dutch - english == set()


def message_ids(path: Path) -> set[str]:
    """The msgid of every entry of a .po file, continuation lines joined."""
    found: set[str] = set()
    current: list[str] | None = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("msgid "):
            current = [line.removeprefix("msgid ").strip('"')]
        elif current is not None and line.startswith('"'):
            current.append(line.strip('"'))
        elif current is not None:
            found.add("".join(current))
            current = None
    return found - {""}


def test_logging_in_and_out(client, reader):
    response = client.post(reverse("login"), {"username": "lezer", "password": "unused-Pass-123"})
    assert response.status_code == 302
    assert client.get(reverse("tasks:catalogue")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("tasks:catalogue")).status_code == 302


def test_wrong_password_shows_an_error(client, reader):
    response = client.post(reverse("login"), {"username": "lezer", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_repeated_failures_lock_the_account_out(client, reader, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "lezer", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "lezer", "password": "unused-Pass-123"})
    assert response.status_code == 429
    assert "Te veel mislukte aanmeldpogingen" in response.content.decode()


def test_health_check_needs_no_login(client):
    response = client.get(reverse("health"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200


def test_translation_catalogues_are_compiled_and_committed():
    for language in ("nl", "en"):
        path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.mo"
        assert path.stat().st_size > 0


def test_security_headers(client, reader):
    client.force_login(reader)
    response = client.get(reverse("tasks:catalogue"))
    assert response["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
