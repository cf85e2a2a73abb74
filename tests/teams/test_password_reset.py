"""Password reset from the login page: no enumeration, throttled, in the account's language."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

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


def test_throttled_per_address_without_revealing_it(client, account):
    for _ in range(5):
        response = ask(client, "an@school.test")
        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 3


def test_throttled_per_client(client, account):
    for index in range(12):
        ask(client, f"iemand{index}@school.test")
    mail.outbox.clear()
    ask(client, "an@school.test")
    assert not mail.outbox


def test_english_pages(client):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("password_reset")).content.decode()
    assert "Forgot your password?" in page
