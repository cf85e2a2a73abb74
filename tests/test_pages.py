"""Login by default, Dutch first with English selectable, the health check."""

import ast
import gettext as gettext_module
import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import OperationalError
from django.urls import reverse
from django.utils import translation
from health_check.checks import Database

from .conftest import celery_broker, redis_url

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


@dataclass(frozen=True)
class Message:
    """One entry of a .po file."""

    context: str | None
    msgid: str
    plural: str | None
    translations: tuple[str, ...]
    fuzzy: bool

    @property
    def translated(self) -> bool:
        return not self.fuzzy and any(self.translations)


def po_messages(path: Path) -> list[Message]:
    """Every entry of a .po file but the header, continuation lines joined, escapes read."""
    found: list[Message] = []
    fields: dict[str, str] = {}
    field = ""
    fuzzy = False

    def close() -> None:
        nonlocal fields, fuzzy
        if fields.get("msgid"):
            found.append(
                Message(
                    context=fields.get("msgctxt"),
                    msgid=fields["msgid"],
                    plural=fields.get("msgid_plural"),
                    translations=tuple(
                        text for key, text in sorted(fields.items()) if key.startswith("msgstr")
                    ),
                    fuzzy=fuzzy,
                )
            )
        fields, fuzzy = {}, False

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith('"'):
            fields[field] += ast.literal_eval(line)
            continue
        if field.startswith("msgstr") and not line.startswith("msgstr"):
            close()  # the entry's last field is over
            field = ""
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msg"):
            field, _space, text = line.partition(" ")
            fields[field] = ast.literal_eval(text)
    return found


def message_ids(path: Path) -> set[str]:
    return {message.msgid for message in po_messages(path)}


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


CACHE_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # port 1 refuses the connection at once
    }
}


def test_health_check_needs_no_login_and_says_only_ok(client):
    response = client.get(reverse("health"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.content.decode() == "ok\n"


def test_health_check_shows_each_check_to_a_platform_administrator(client):
    client.force_login(User.objects.create_user("beheer", is_staff=True))
    response = client.get(reverse("health"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {
        "Database(alias='default')": "OK",
        "Cache(alias='default')": "OK",
        "Storage(alias='default')": "OK",
    }


def test_health_check_answers_503_and_nothing_more_when_the_cache_is_down(client, settings):
    settings.CACHES = CACHE_DOWN
    for accept in ("application/json", "text/html", "text/plain"):
        response = client.get(reverse("health"), HTTP_ACCEPT=accept)
        assert response.status_code == 503
        assert response.content.decode() == "unavailable\n"
    for form in ("json", "atom", "rss", "openmetrics"):
        response = client.get(reverse("health"), {"format": form})
        assert (response.status_code, response.content.decode()) == (503, "unavailable\n")


def test_health_check_answers_503_when_the_database_fails(client):
    with mock.patch.object(Database, "run", side_effect=OperationalError("server closed")):
        response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.content.decode() == "unavailable\n"


def test_a_platform_administrator_sees_which_check_failed(client, settings):
    client.force_login(User.objects.create_user("beheer", is_staff=True))
    settings.CACHES = CACHE_DOWN
    response = client.get(reverse("health"), HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    answer = response.json()
    assert answer["Database(alias='default')"] == "OK"
    assert answer["Cache(alias='default')"] != "OK"


def test_health_check_answers_503_when_the_broker_is_down(client):
    with celery_broker("redis://127.0.0.1:1/0"):  # nothing listens there
        started = time.monotonic()
        response = client.get(reverse("health"))
        took = time.monotonic() - started
    assert (response.status_code, response.content.decode()) == (503, "unavailable\n")
    assert took < 10


@pytest.mark.redis
def test_health_check_checks_a_configured_broker(client):
    client.force_login(User.objects.create_user("beheer", is_staff=True))
    with celery_broker(redis_url()):
        response = client.get(reverse("health"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["BrokerCheck()"] == "OK"


def compiled(path: Path) -> dict[str | tuple[str, int], str]:
    """The messages a compiled .mo file holds, keyed as Python's gettext keys them."""
    with path.open("rb") as file:
        catalogue = gettext_module.GNUTranslations(file)._catalog  # type: ignore[attr-defined]
    return {key: text for key, text in catalogue.items() if key != ""}


def expected_catalogue(messages: list[Message]) -> dict[str | tuple[str, int], str]:
    """What msgfmt makes of the entries: translated ones only, plural forms by index."""
    expected: dict[str | tuple[str, int], str] = {}
    for message in messages:
        if not message.translated:
            continue
        key = f"{message.context}\x04{message.msgid}" if message.context else message.msgid
        if message.plural is None:
            expected[key] = message.translations[0]
        else:
            for index, text in enumerate(message.translations):
                expected[(key, index)] = text
    return expected


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_compiled_catalogues_hold_exactly_the_messages_of_the_sources(language):
    # A .po edited without running msgfmt afterwards leaves the pages on the old words.
    folder = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES"
    messages = po_messages(folder / "django.po")
    assert compiled(folder / "django.mo") == expected_catalogue(messages)


def test_every_dutch_message_is_translated_and_served_from_the_catalogue():
    messages = po_messages(Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po")
    assert len(messages) > 1000
    assert [m.msgid for m in messages if not m.translated] == []
    with translation.override("nl"):
        for m in messages:
            if m.plural is None and m.context is None:
                assert translation.gettext(m.msgid) == m.translations[0], m.msgid
            elif m.plural is None:
                assert translation.pgettext(m.context, m.msgid) == m.translations[0], m.msgid
            else:
                for count, text in ((1, m.translations[0]), (2, m.translations[1])):
                    served = (
                        translation.npgettext(m.context, m.msgid, m.plural, count)
                        if m.context
                        else translation.ngettext(m.msgid, m.plural, count)
                    )
                    assert served == text, m.msgid


def test_security_headers(client, reader):
    client.force_login(reader)
    response = client.get(reverse("tasks:catalogue"))
    assert response["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
