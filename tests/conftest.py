"""Shared fixtures, and the rule for tests that need a real service.

Tests marked ``postgres``, ``redis`` or ``browser`` need PostgreSQL (as the
database), a reachable Redis or a Chromium. When the part is missing they are
skipped with the reason in the summary; in CI (``CI`` set) they fail instead,
so a missing service can never pass unnoticed.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User

from guidelines.definitions import load_shipped
from ictteam.celery import PUBLISHER
from tasks.services import load_shipped_catalogue

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
IN_CI = bool(os.environ.get("CI"))


def redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 1):
            return True
    except OSError:
        return False


def _missing(marker: str) -> str | None:
    if marker == "postgres":
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    elif marker == "redis":
        if not _reachable(redis_url()):
            return f"needs Redis at {redis_url()}"
    elif marker == "browser" and not CHROMIUM.exists():
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def _is_browser_test(item: pytest.Item) -> bool:
    return "tests/browser/" in str(item.path).replace(os.sep, "/")


def pytest_configure(config: pytest.Config) -> None:
    # A real install loads the shipped catalogue and step plan after ``migrate``; the tests'
    # databases start without them (after a flush too), and a test that needs them asks
    # for ``shipped_content``.
    settings.LOAD_SHIPPED_CONTENT = False


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the browser tests and run them last.

    They use a live server and so a transactional database, which is emptied
    after each test, migrated data included. pytest's grouping of the browser
    parameter can undo pytest-django's ordering, so this runs after both.
    """
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)
    items.sort(key=_is_browser_test)


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _missing(marker)
        if reason and IN_CI:
            pytest.fail(f"{reason} (required in CI)", pytrace=False)
        if reason:
            pytest.skip(reason)


@pytest.fixture(autouse=True)
def _test_settings(settings):  # type: ignore[no-untyped-def]
    # Hashing passwords at full strength would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def shipped_content(db) -> None:  # type: ignore[no-untyped-def]
    """What ``migrate`` loads on a real install: the shipped catalogue and step plan."""
    load_shipped_catalogue()
    load_shipped()


@pytest.fixture
def maintainer(db) -> User:  # type: ignore[no-untyped-def]
    """A catalogue maintainer: may import the catalogue."""
    user = User.objects.create_user("beheerder", password="unused-Pass-123")
    user.user_permissions.add(Permission.objects.get(codename="import_catalogue"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def reader(db) -> User:  # type: ignore[no-untyped-def]
    """A signed-in user without catalogue rights."""
    return User.objects.create_user("lezer", password="unused-Pass-123")


@contextmanager
def celery_broker(url: str) -> Iterator[Any]:
    """Point the project's Celery app at a broker for a while; jobs then leave the process.

    The app keeps pools of connections to the broker it first used, so they are
    dropped on the way in and out.
    """
    from ictteam.celery import app

    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.update(broker_url=url, task_always_eager=False)
    app._after_fork()
    try:
        yield app
        # Let jobs still being handed over reach (or fail to reach) this broker.
        wait_until(lambda: not any(t.name == PUBLISHER for t in threading.enumerate()))
    finally:
        app.conf.update(saved)
        app._after_fork()


def wait_until(condition: Any, seconds: float = 15.0) -> None:
    """Poll ``condition`` until it holds; fail after ``seconds`` (a hang guard, not a timing)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still not true after {seconds} s: {condition}")
        time.sleep(0.05)


@pytest.fixture
def standard_data(db) -> None:  # type: ignore[no-untyped-def]
    """The groups and roles migrations create, which a transactional test may have flushed."""
    from tasks.models import TaskGroup
    from teams.models import Role, SchoolYear

    TaskGroup.objects.ensure_standard()
    Role.objects.ensure_standard()
    SchoolYear.ensure_current()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the site's language: a request in another one leaves it active."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
