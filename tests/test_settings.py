"""Settings: safe embedded defaults, and a production mode that refuses unsafe ones."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "ICTTEAM_", "CELERY_"))
        and k not in ("REDIS_URL", "CACHE_URL", "EMAIL_URL")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_hosts_and_database():
    result = manage("check", ICTTEAM_PRODUCTION="true")
    assert result.returncode != 0
    assert (
        "Production mode needs these environment variables: "
        "DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL" in result.stderr
    )


def test_production_refuses_debug():
    result = manage(
        "check",
        ICTTEAM_PRODUCTION="true",
        DJANGO_DEBUG="true",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="ictteam.example.org",
        DATABASE_URL="sqlite:///unused.sqlite3",
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


SERVICES = {
    "DATABASE_URL": "postgres://ictteam@127.0.0.1:5432/ictteam",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "REDIS_URL": "redis://127.0.0.1:6379/2",
    "EMAIL_URL": "smtp://127.0.0.1:25",
}


def production(**env: str) -> dict[str, str]:
    return {
        "ICTTEAM_PRODUCTION": "true",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "ictteam.example.org",
        **SERVICES,
        **env,
    }


def test_production_refuses_each_development_default_and_says_what_to_set():
    refused = {
        "DATABASE_URL": ("sqlite:///unused.sqlite3", "SQLite (set DATABASE_URL=postgres://...)"),
        "CACHE_URL": ("locmemcache://", "a cache per process (set CACHE_URL=redis://...)"),
        "REDIS_URL": ("", "jobs in the web process (set REDIS_URL or CELERY_BROKER_URL)"),
        "EMAIL_URL": ("consolemail://", "e-mail on the console (set EMAIL_URL=smtp://...)"),
    }
    assert manage("check", **production()).returncode == 0
    for name, (value, words) in refused.items():
        result = manage("check", **production(**{name: value}))
        assert result.returncode != 0, name
        assert "Production mode does not run on development defaults: " + words in result.stderr
        assert "ICTTEAM_TRIAL_ALLOWS" in result.stderr


def test_a_trial_allows_named_defaults_and_says_so_at_start():
    result = manage(
        "check",
        **production(
            DATABASE_URL="sqlite:///unused.sqlite3",
            EMAIL_URL="consolemail://",
            ICTTEAM_TRIAL_ALLOWS="sqlite,console-email",
        ),
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "ICT-team runs a trial in production mode on SQLite (set DATABASE_URL=postgres://...).",
        "ICT-team runs a trial in production mode on e-mail on the console "
        "(set EMAIL_URL=smtp://...).",
    ]
    # What is not named stays refused, and a name the setting does not know is refused.
    assert (
        manage(
            "check", **production(CACHE_URL="locmemcache://", ICTTEAM_TRIAL_ALLOWS="sqlite")
        ).returncode
        != 0
    )
    unknown = manage("check", **production(ICTTEAM_TRIAL_ALLOWS="sqlite,postgres"))
    assert unknown.returncode != 0 and "not postgres" in unknown.stderr


def test_development_mode_says_nothing_of_its_defaults():
    result = manage("check")
    assert result.returncode == 0 and "trial" not in result.stderr


def test_production_passes_the_deploy_check_with_no_warnings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_embedded_defaults_need_no_services():
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, "
        "s.LANGUAGE_CODE, s.DEBUG)"
    )
    result = manage("shell", "--no-imports", "-c", code)
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "nl",
        "True",
    ]


def test_a_broker_url_turns_in_process_jobs_off():
    code = (
        "from django.conf import settings as s; "
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)"
    )
    result = manage("shell", "--no-imports", "-c", code, REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.stdout.split() == ["False", "redis://127.0.0.1:6379/3"]


def test_provider_login_is_offered_only_with_client_id_and_secret():
    script = (
        "from django.conf import settings; "
        "print(sorted(a['provider_id'] for a in "
        "settings.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS']), "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}

    def apps(**env: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env={**clean, **env},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return result.stdout.strip().splitlines()[-1]

    assert apps() == "[] [\"'self'\"]"
    assert apps(OIDC_GOOGLE_CLIENT_ID="id") == "[] [\"'self'\"]"
    # The login form's redirect to the provider must pass the CSP's form-action.
    assert apps(OIDC_GOOGLE_CLIENT_ID="id", OIDC_GOOGLE_CLIENT_SECRET="s") == (
        "['google'] [\"'self'\", 'https://accounts.google.com']"
    )
    both = {
        "OIDC_GOOGLE_CLIENT_ID": "id",
        "OIDC_GOOGLE_CLIENT_SECRET": "s",
        "OIDC_MICROSOFT_CLIENT_ID": "id",
        "OIDC_MICROSOFT_CLIENT_SECRET": "s",
    }
    assert apps(**both).startswith("['google', 'microsoft'] ")
    assert "'https://login.microsoftonline.com'" in apps(**both)


def test_a_job_lost_with_its_worker_is_handed_out_again_just_after_the_time_limit():
    code = (
        "from django.conf import settings as s; "
        "print(s.CELERY_TASK_TIME_LIMIT, s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'])"
    )
    result = manage("shell", "--no-imports", "-c", code, CELERY_TASK_TIME_LIMIT="600")
    assert result.stdout.split() == ["600", "660"]


BEAT_SCHEDULE_FILE = "from ictteam.celery import app; print(app.conf.beat_schedule_filename)"


def test_beat_keeps_its_schedule_outside_the_checkout(tmp_path):
    default = manage("shell", "--no-imports", "-c", BEAT_SCHEDULE_FILE)
    assert default.returncode == 0, default.stderr[-2000:]
    path = Path(default.stdout.strip())
    assert path.is_absolute() and not path.is_relative_to(ROOT), path

    state = tmp_path / "state" / "celerybeat-schedule"
    chosen = manage(
        "shell", "--no-imports", "-c", BEAT_SCHEDULE_FILE, CELERY_BEAT_SCHEDULE_FILENAME=str(state)
    )
    assert chosen.returncode == 0, chosen.stderr[-2000:]
    assert chosen.stdout.strip() == str(state)


def test_production_cookies_are_secure_and_same_site():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, "
        "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_SAMESITE, "
        "s.SESSION_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_HTTPONLY)"
    )
    result = manage("shell", "--no-imports", "-c", code, **production())
    assert result.stdout.split() == ["True"] * 3 + ["Lax"] * 3 + ["True"] * 2, result.stderr


def test_session_limits_come_from_the_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_AGE, s.ICTTEAM_SESSION_ABSOLUTE_SECONDS)"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        ICTTEAM_SESSION_IDLE_SECONDS="1800",
        ICTTEAM_SESSION_ABSOLUTE_SECONDS="28800",
    )
    assert result.stdout.split() == ["1800", "28800"], result.stderr
