"""A database that does not answer fails a request within seconds, not at gunicorn's timeout."""

import copy
import json
import socket
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.postgresql.base import DatabaseWrapper

from ictteam.celery import _job_statement_timeout, use_job_statement_timeout

from .test_settings import manage

OPTIONS = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
)


def options(**env: str) -> dict[str, object]:
    result = manage("shell", "--no-imports", "-c", OPTIONS, **env)
    assert result.returncode == 0, result.stderr
    answer: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def test_postgresql_gets_connect_and_statement_timeouts_from_the_environment():
    url = "postgres://ictteam@db.example.org:5432/ictteam"
    assert options(DATABASE_URL=url) == {
        "connect_timeout": 5,
        "options": "-c statement_timeout=30000",
    }
    assert options(
        DATABASE_URL=url, DATABASE_CONNECT_TIMEOUT="3", DATABASE_STATEMENT_TIMEOUT="0.5"
    ) == {"connect_timeout": 3, "options": "-c statement_timeout=500"}
    # Options in the URL are kept; a connect timeout there wins.
    assert options(
        DATABASE_URL=url + "?connect_timeout=9&options=-c%20search_path%3Dpublic",
        DATABASE_STATEMENT_TIMEOUT="0",
    ) == {"connect_timeout": 9, "options": "-c search_path=public -c statement_timeout=0"}


def test_sqlite_keeps_its_own_busy_timeout():
    assert options(DATABASE_URL="sqlite:///unused.sqlite3") == {"timeout": 20}


def test_a_worker_gives_statements_the_jobs_limit():
    database = {
        "ENGINE": "django.db.backends.postgresql",
        "OPTIONS": {
            "connect_timeout": 5,
            "options": "-c search_path=public -c statement_timeout=30000",
        },
    }
    use_job_statement_timeout(database, 360)
    assert database["OPTIONS"] == {
        "connect_timeout": 5,
        "options": "-c search_path=public -c statement_timeout=360000",
    }
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"timeout": 20}}
    use_job_statement_timeout(sqlite, 360)
    assert sqlite["OPTIONS"] == {"timeout": 20}


@pytest.mark.postgres
def test_a_starting_worker_takes_the_setting(settings):
    settings.DATABASE_JOB_STATEMENT_TIMEOUT = 42
    saved = copy.deepcopy(settings.DATABASES["default"]["OPTIONS"])
    try:
        _job_statement_timeout()
        assert "-c statement_timeout=42000" in settings.DATABASES["default"]["OPTIONS"]["options"]
    finally:
        settings.DATABASES["default"]["OPTIONS"] = saved


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that takes connections (the kernel completes them) and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


@pytest.mark.django_db
def test_a_database_that_never_answers_fails_within_the_connect_timeout(silent_port):
    wrapper = DatabaseWrapper(
        {
            **copy.deepcopy(settings.DATABASES["default"]),
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "ictteam",
            "USER": "ictteam",
            "HOST": "127.0.0.1",
            "PORT": silent_port,
            "OPTIONS": {"connect_timeout": 2},  # libpq's smallest
            "CONN_HEALTH_CHECKS": False,
            "CONN_MAX_AGE": 0,
            "AUTOCOMMIT": True,
            "TIME_ZONE": None,
        },
        alias="silent",
    )
    started = time.monotonic()
    with pytest.raises(OperationalError, match="timeout"):
        wrapper.ensure_connection()
    assert time.monotonic() - started < 5


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_statement_longer_than_the_limit_is_cancelled():
    database = copy.deepcopy(settings.DATABASES["default"])
    database["OPTIONS"]["options"] = "-c statement_timeout=300"
    wrapper = DatabaseWrapper(database, alias="limited")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            started = time.monotonic()
            with pytest.raises(OperationalError, match="statement timeout"):
                cursor.execute("SELECT pg_sleep(10)")
            assert time.monotonic() - started < 3
    finally:
        wrapper.close()
