"""Password reset from the login page: no enumeration, throttled per address and per real
client (also behind the reverse proxy), in the account's language."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from teams.models import AccountSettings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def account(db):
    return User.objects.create_user(
        "an@school.test", email="an@school.test", password="Old-Password-123"
    )


def ask(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def test_login_page_links_to_the_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in page
    assert "Wachtwoord vergeten?" in page


def test_known_and_unknown_addresses_get_the_same_answer(client, account):
    known = ask(client, "an@school.test")
    unknown = ask(client, "niemand@school.test")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["an@school.test"]
    done = client.get(reverse("password_reset_done")).content.decode()
    assert "Als het adres bij een account hoort" in done


def test_the_link_sets_a_new_password_once(client, account):
    ask(client, "an@school.test")
    message = mail.outbox[0]
    assert message.subject == "Een nieuw wachtwoord voor ICT-team"
    path = re.search(r"https?://[^/]+(/password-reset/\S+/)", message.body).group(1)
    form = client.get(path, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "Nieuw-Wachtwoord-456", "new_password2": "Nieuw-Wachtwoord-456"}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password("Nieuw-Wachtwoord-456")
    again = client.get(path, follow=True).content.decode()
    assert "Deze link werkt niet meer" in again


def test_reset_mail_follows_the_accounts_language(client, account):
    AccountSettings.objects.create(user=account, language="en")
    ask(client, "an@school.test")
    assert mail.outbox[0].subject == "A new password for ICT-team"


PROXY = "192.0.2.1"  # the documented reverse proxy: every request arrives from it
LIMIT = "Er zijn te veel aanvragen voor een nieuw wachtwoord gedaan"


def ask_from(client, email, address, forwarded_by=""):
    """A reset request from ``address``: directly, or behind the proxy that appends it."""
    if not forwarded_by:
        return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)
    chain = f"{forwarded_by}, {address}" if forwarded_by != PROXY else address
    return client.post(
        reverse("password_reset"),
        {"email": email},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=chain,
    )


def sent(response):
    return response.status_code == 302 and response["Location"] == reverse("password_reset_done")


def page_without(response, email):
    """The page as it would read for any address: the typed address and token taken out."""
    page = response.content.decode().replace(email, "ADDRESS")
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", page)  # the CSRF token


def test_over_the_limit_nothing_is_sent_and_the_page_says_so_for_every_address(client, account):
    answers = {}
    for email in ("an@school.test", "niemand@school.test"):
        responses = [ask_from(client, email, "203.0.113.7") for _ in range(4)]
        assert [sent(response) for response in responses] == [True, True, True, False]
        answers[email] = responses[-1]
    assert len(mail.outbox) == 3
    for response in answers.values():
        assert response.status_code == 429
        assert LIMIT in response.content.decode()
        assert "Er is deze keer niets verstuurd" in response.content.decode()
    # The same answer, word for word, whether or not the address has an account.
    assert page_without(answers["an@school.test"], "an@school.test") == page_without(
        answers["niemand@school.test"], "niemand@school.test"
    )


def test_a_client_that_sprays_addresses_is_stopped_and_told(client, account):
    answers = [ask_from(client, f"iemand{n}@school.test", "203.0.113.7") for n in range(12)]
    assert [sent(answer) for answer in answers] == [True] * 10 + [False] * 2
    assert answers[-1].status_code == 429
    assert not sent(ask_from(client, "an@school.test", "203.0.113.7"))
    assert not mail.outbox


def test_behind_the_proxy_junk_from_one_client_silences_nobody_else(client, account, settings):
    """All requests arrive from the proxy; ten junk requests used to stop every reset."""
    settings.REVERSE_PROXY_COUNT = 1
    for n in range(12):
        ask_from(client, f"rommel{n}@school.test", "203.0.113.66", forwarded_by=PROXY)
    assert sent(ask_from(client, "an@school.test", "198.51.100.5", forwarded_by=PROXY))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["an@school.test"]


def test_a_forged_forwarded_address_does_not_escape_the_limit(client, account, settings):
    settings.REVERSE_PROXY_COUNT = 1
    answers = [
        ask_from(
            client, f"iemand{n}@school.test", "203.0.113.66", forwarded_by=f"203.0.113.{100 + n}"
        )
        for n in range(11)
    ]
    assert not sent(answers[-1])  # the proxy's own entry counts, not the client's claim


def test_nobody_can_use_up_another_persons_resets(client, account):
    for _ in range(5):
        ask_from(client, "an@school.test", "203.0.113.66")
    mail.outbox.clear()
    assert sent(ask_from(client, "an@school.test", "198.51.100.5"))
    assert len(mail.outbox) == 1


def test_one_mailbox_gets_at_most_ten_mails_an_hour(client, account):
    answers = [
        ask_from(client, "an@school.test", f"203.0.113.{n}")
        for n in range(1, 5)
        for _attempt in range(3)
    ]
    assert [sent(answer) for answer in answers].count(True) == 10
    assert len(mail.outbox) == 10
    assert LIMIT in answers[-1].content.decode()


def test_the_limits_end_after_an_hour(client, account):
    for _ in range(4):
        ask_from(client, "an@school.test", "203.0.113.7")
    assert len(mail.outbox) == 3
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert sent(ask_from(client, "an@school.test", "203.0.113.7"))
    assert len(mail.outbox) == 4


def test_a_failing_cache_lets_resets_through(client, account, caplog):
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    with override_settings(CACHES=down):
        assert sent(ask_from(client, "an@school.test", "203.0.113.7"))
    assert len(mail.outbox) == 1
    assert "the cache failed" in caplog.text


def test_english_pages(client):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("password_reset")).content.decode()
    assert "Forgot your password?" in page


def test_the_password_pages_say_je_like_every_other_page(client, account):
    """Django's own Dutch for the password rules says "Uw"; the site's catalogue wins."""
    ask(client, "an@school.test")
    path = re.search(r"https?://[^/]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(path, follow=True).redirect_chain[-1][0]
    rules = client.get(set_url).content.decode()
    refused = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})
    for page in (rules, refused.content.decode()):
        assert "Je wachtwoord moet minstens 8 tekens lang zijn." in page
        assert "Je wachtwoord mag niet volledig uit cijfers bestaan." in page
        assert not re.search(r"\b(Uw|uw|U)\b", re.sub(r"<[^>]*>", " ", page))
