"""Password guessing is locked out per account and, over all accounts, per address."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "unused-Pass-123"


def log_in(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.fixture
def accounts(db):
    return [User.objects.create_user(f"leerkracht{n}", password=PASSWORD) for n in range(12)]


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_ADDRESS_FAILURE_LIMIT = 40


def test_spraying_many_accounts_from_one_address_locks_the_address(client, accounts, limits):
    # Four guesses per account: under the per-account limit of five, 40 in all.
    answers = [
        log_in(client, account.username, f"guess-{attempt}").status_code
        for account in accounts[:10]
        for attempt in range(4)
    ]
    assert answers == [200] * 39 + [429]  # the 40th failure locks the address
    response = log_in(client, accounts[11].username, PASSWORD)
    assert response.status_code == 429
    assert "Te veel mislukte aanmeldpogingen" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_below_the_address_limit_other_accounts_still_log_in(client, accounts, limits):
    for account in accounts[:9]:  # 36 failures: under 40
        for attempt in range(4):
            log_in(client, account.username, f"guess-{attempt}")
    response = log_in(client, accounts[11].username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(accounts[11].pk)


def test_a_locked_address_does_not_lock_another_address(client, accounts, limits):
    for account in accounts[:10]:
        for attempt in range(4):
            log_in(client, account.username, f"guess-{attempt}")
    # The spraying address is locked even for the right password...
    assert log_in(client, accounts[11].username, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # ...while the same account logs in from another address.
    response = log_in(client, accounts[11].username, PASSWORD, address="198.51.100.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(accounts[11].pk)


def test_one_account_is_still_locked_at_its_own_lower_limit(client, accounts, limits):
    for attempt in range(5):
        log_in(client, accounts[0].username, f"guess-{attempt}")
    assert log_in(client, accounts[0].username, PASSWORD).status_code == 429
    assert log_in(client, accounts[1].username, PASSWORD).status_code == 302


PROXY = "192.0.2.1"


def via_proxy(client, username, password, address):
    """A login through the documented reverse proxy, which appends the client's address."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def test_behind_the_proxy_a_locked_client_does_not_lock_everyone(
    client, accounts, limits, settings
):
    settings.REVERSE_PROXY_COUNT = 1
    for account in accounts[:10]:
        for attempt in range(4):
            via_proxy(client, account.username, f"guess-{attempt}", "203.0.113.66")
    assert via_proxy(client, accounts[11].username, PASSWORD, "203.0.113.66").status_code == 429
    response = via_proxy(client, accounts[11].username, PASSWORD, "198.51.100.5")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "192.0.2.1"),  # no proxy configured: the header is the client's word
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the left entry is forged
        (2, "6.6.6.6, 203.0.113.9, 192.0.2.7", "203.0.113.9"),
        (2, "203.0.113.9", "192.0.2.1"),  # fewer entries than proxies
        (1, "", "192.0.2.1"),
        (1, "not-an-address", "192.0.2.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_behind_proxies(rf, settings, count, forwarded, expected):
    from axes.helpers import get_client_ip_address

    settings.REVERSE_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert get_client_ip_address(request) == expected
