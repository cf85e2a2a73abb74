"""Production start-up as ``docs/deployment.md`` describes it, on a clean clone."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``args`` in the project with only ``env`` on top of a clean environment."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "ICTTEAM_", "CELERY_", "REDIS_"))
        and name not in ("CACHE_URL", "EMAIL_URL", "STATIC_ROOT")
    }
    return subprocess.run(
        args, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=300
    )


def production(tmp_path: Path) -> dict[str, str]:
    return {
        "ICTTEAM_PRODUCTION": "true",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "ictteam.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        # A single-box trial: no PostgreSQL, Redis or mail server needed for these checks.
        "ICTTEAM_TRIAL_ALLOWS": "sqlite,local-cache,in-process-jobs,console-email",
    }


LOGIN_PAGE = """
from django.test import Client
response = Client().get("/login/", secure=True, HTTP_HOST="ictteam.example.org")
page = response.content.decode()
print(response.status_code)
print(" ".join(part.split('"')[0] for part in page.split('src="')[1:]))
print(" ".join(part.split('"')[0] for part in page.split('href="')[1:] if ".css" in part))
"""


def test_collectstatic_and_the_login_page_with_production_settings(tmp_path):
    env = production(tmp_path)
    collected = run([sys.executable, "manage.py", "collectstatic", "--noinput"], **env)
    assert collected.returncode == 0, collected.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").is_file()
    migrated = run([sys.executable, "manage.py", "migrate", "--noinput"], **env)
    assert migrated.returncode == 0, migrated.stderr[-2000:]

    login = run([sys.executable, "manage.py", "shell", "--no-imports", "-c", LOGIN_PAGE], **env)
    assert login.returncode == 0, login.stderr[-2000:]
    status, scripts, styles = login.stdout.strip().splitlines()[-3:]
    assert status == "200"
    # Hashed names from the manifest, each of them really collected.
    for url in [*scripts.split(), *styles.split()]:
        assert url.startswith("/static/"), url
        name = url.removeprefix("/static/")
        assert len(name.rsplit(".", 2)[-2]) == 12, f"{url} is not a manifest name"
        assert (tmp_path / "static" / name).is_file(), url


def test_no_vendored_file_names_a_missing_source_map():
    for path in (ROOT / "static").rglob("*"):
        if path.suffix not in (".js", ".css"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if "sourceMappingURL=" in line and "data:" not in line:
                target = line.split("sourceMappingURL=", 1)[1].strip(" */")
                assert (path.parent / target).is_file(), f"{path} names {target}"


def env_example() -> dict[str, str]:
    """The variables of ``.env.example``, read the way the settings read ``.env``."""
    import environ

    class Reader(environ.Env):
        ENVIRON: dict[str, str] = {}  # type: ignore[assignment]

    Reader.read_env(ROOT / ".env.example", overwrite=True)
    return Reader.ENVIRON


SETTINGS_SUMMARY = (
    "from django.conf import settings as s; "
    "print(s.DEBUG, s.CACHES['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER, "
    "s.SECRET_KEY == '', s.DATABASES['default']['ENGINE'], s.EMAIL_BACKEND)"
)


def test_settings_load_from_exactly_env_example():
    values = env_example()
    assert values["CACHE_URL"] == "" and values["DJANGO_DEBUG"] == ""  # the point of the test
    result = run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SETTINGS_SUMMARY], **values
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == [
        "True",
        "django.core.cache.backends.locmem.LocMemCache",
        "True",
        "False",
        "django.db.backends.sqlite3",
        "django.core.mail.backends.console.EmailBackend",
    ]


@pytest.mark.parametrize(
    "name", ["CACHE_URL", "DJANGO_DEBUG", "DATABASE_URL", "AXES_FAILURE_LIMIT", "STATIC_ROOT"]
)
def test_an_empty_value_means_the_default(name):
    result = run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SETTINGS_SUMMARY],
        **{name: "  "},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[:3] == [
        "True",
        "django.core.cache.backends.locmem.LocMemCache",
        "True",
    ]


@pytest.mark.parametrize(
    "key",
    [
        "xxxxxxxx",
        "x" * 60,
        "abcd" * 20,  # long enough, but only four different characters
        "django-insecure-" + "k3Y9-q7Rm2Lp8sVx4Tn6Wz1Jb5Hc0Gd" * 2,  # Django's own dev prefix
    ],
    ids=["short", "one-character", "four-characters", "insecure-prefix"],
)
def test_production_refuses_a_weak_secret_key(tmp_path, key):
    env = {**production(tmp_path), "DJANGO_SECRET_KEY": key}
    result = run([sys.executable, "manage.py", "check"], **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak for production mode" in result.stderr


def test_production_accepts_a_strong_secret_key(tmp_path):
    result = run([sys.executable, "manage.py", "check"], **production(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
