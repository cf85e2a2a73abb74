"""The cache is optional: with Redis down or hung every page answers, the password reset
and the login included; with Redis up the reset limit holds as before."""

import socket
import time
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache, caches
from django.test import override_settings
from django.urls import reverse

from .conftest import redis_url
from .test_settings import manage

pytestmark = pytest.mark.django_db


def forgiving(location: str) -> dict[str, dict[str, object]]:
    return {
        "default": {
            "BACKEND": "ictteam.cache.ForgivingRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


DOWN = forgiving("redis://127.0.0.1:1/0")  # port 1 refuses the connection at once


@pytest.fixture
def account(db):
    return User.objects.create_user("an", email="an@school.test", password="Old-Password-123")


def test_a_redis_cache_url_gives_the_forgiving_cache_with_short_timeouts():
    code = "from django.conf import settings as s; print(s.CACHES['default'])"
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        CACHE_URL="redis://127.0.0.1:6379/3",
        CACHE_SOCKET_TIMEOUT="0.5",
    )
    assert result.stdout.strip().splitlines()[-1] == str(
        {
            "BACKEND": "ictteam.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/3",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    )


def test_with_the_cache_down_reset_and_login_work(client, account, caplog):
    with override_settings(CACHES=DOWN):
        form = client.get(reverse("password_reset"))
        assert form.status_code == 200
        assert "Wachtwoord vergeten?" in form.content.decode()
        sent = client.post(reverse("password_reset"), {"email": "an@school.test"})
        assert (sent.status_code, sent["Location"]) == (302, reverse("password_reset_done"))
        assert mail.outbox[0].to == ["an@school.test"]
        assert client.get(reverse("login")).status_code == 200
        login = client.post(reverse("login"), {"username": "an", "password": "Old-Password-123"})
        assert login.status_code == 302
        assert client.get(reverse("health")).status_code == 503
    assert "Cache unavailable: get_many skipped." in caplog.text


def test_the_forgiving_cache_answers_as_an_empty_cache_when_down(caplog):
    with override_settings(CACHES=DOWN):
        down = caches["default"]
        assert down.add("key", 1, 60) is True
        assert down.get("key", "default") == "default"
        assert down.get_many(["key"]) == {}
        assert down.incr("key") == 1
        down.set("key", 1, 60)
        assert down.delete("key") is False
    assert "Cache unavailable: add skipped." in caplog.text


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A Redis that takes connections (the kernel completes them) and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def test_a_hung_cache_costs_a_reset_seconds_not_minutes(client, account, silent_port):
    with override_settings(CACHES=forgiving(f"redis://127.0.0.1:{silent_port}/0")):
        started = time.monotonic()
        sent = client.post(reverse("password_reset"), {"email": "an@school.test"})
        took = time.monotonic() - started
    assert sent.status_code == 302
    assert len(mail.outbox) == 1
    assert took < 10


@pytest.mark.redis
def test_with_redis_up_the_reset_limit_holds(client, account):
    with override_settings(CACHES=forgiving(redis_url())):
        cache.clear()
        try:
            answers = [
                client.post(reverse("password_reset"), {"email": "an@school.test"})
                for _ in range(4)
            ]
        finally:
            cache.clear()
    assert [answer.status_code for answer in answers] == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
