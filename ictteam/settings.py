"""ICT-team settings, driven by environment variables.

Every variable has a safe development default (SQLite, jobs in-process, e-mail to
the console). With ``ICTTEAM_PRODUCTION=true`` the defaults that are only fit
for a developer's laptop are refused: see ``.env.example`` for the full list.
"""

import sys
import tempfile
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from celery.schedules import crontab
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent
# templates/, static/, locale/ and fixtures/: at the top of a checkout, and inside this
# package once installed from the wheel (setup.py), where there is no checkout around it.
_INSTALLED_CONTENT = Path(__file__).resolve().parent / "content"
CONTENT_DIR = _INSTALLED_CONTENT if _INSTALLED_CONTENT.is_dir() else BASE_DIR

# Admin and form classes take their model as a type argument (ModelAdmin[Task]), as the
# type checker reads them; Django's own classes accept one only after this.
django_stubs_ext.monkeypatch()


class _Env(environ.Env):  # type: ignore[misc]  # django-environ ships no type hints
    """django-environ, except that an empty value means "use the default".

    ``.env.example`` leaves most variables empty; a copy of it must behave like
    no ``.env`` at all, for every variable (``CACHE_URL=`` is not an invalid URL,
    ``DJANGO_DEBUG=`` is not "off").
    """

    def get_value(
        self,
        var: str,
        cast: Any = None,
        default: Any = environ.Env.NOTSET,
        parse_default: bool = False,
    ) -> Any:
        name = f"{self.prefix}{var}"
        value = self.ENVIRON.get(name)
        if value is None or value.strip():
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        if default is self.NOTSET:
            raise ImproperlyConfigured(f"Set the {name} environment variable")
        if parse_default and default is not None:
            return self.parse_value(default, cast)
        return default


env = _Env()
_Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Mode -----------------------------------------------------------------------------

PRODUCTION = env.bool("ICTTEAM_PRODUCTION", default=False)
DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)

if PRODUCTION:
    _missing = [
        name
        for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL")
        if not env.str(name, default="")
    ]
    if _missing:
        raise ImproperlyConfigured(
            "Production mode needs these environment variables: " + ", ".join(_missing)
        )
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production mode.")
    # The same definition of a weak key as Django's deploy check, which only warns.
    _key = env.str("DJANGO_SECRET_KEY")
    if (
        len(_key) < SECRET_KEY_MIN_LENGTH
        or len(set(_key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or _key.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is too weak for production mode: use at least "
            f"{SECRET_KEY_MIN_LENGTH} random characters (at least "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones), for instance from "
            f"python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )

SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    default="development-only-key-never-used-in-production-7f3c2a9e1b5d4c8f",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications -----------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_guid",
    "template_partials",
    "simple_history",
    "axes",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "health_check",
    "tasks",
    "teams",
    "guidelines",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id.
    "django_guid.middleware.guid_middleware",
    "ictteam.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "teams.staff.middleware.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "ictteam.security.PrivatePagesMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ictteam.urls"
WSGI_APPLICATION = "ictteam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [CONTENT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "teams.reminders.context.bell",
            ],
        },
    },
]

# --- Database and cache ---------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# A database that does not answer fails the request within seconds (the error page, 503
# from /health/) instead of holding a web worker until gunicorn gives up. Seconds; 0 is no
# limit. A statement in a job may run up to the job's own time limit (ictteam.celery).
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
DATABASE_STATEMENT_TIMEOUT = env.float("DATABASE_STATEMENT_TIMEOUT", default=30)
DATABASE_JOB_STATEMENT_TIMEOUT = env.float(
    "DATABASE_JOB_STATEMENT_TIMEOUT", default=env.float("CELERY_TASK_TIME_LIMIT", default=360)
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg2 has no connection pool in Django: keep connections and check them.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    _options["options"] = " ".join(
        [
            str(_options.get("options", "")),
            f"-c statement_timeout={round(DATABASE_STATEMENT_TIMEOUT * 1000)}",
        ]
    ).strip()
else:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Every page works without the cache (ictteam.cache), and a hung Redis costs a
    # request at most this many seconds per call.
    CACHES["default"]["BACKEND"] = "ictteam.cache.ForgivingRedisCache"
    _cache_timeout = env.float("CACHE_SOCKET_TIMEOUT", default=1)
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=_cache_timeout, socket_timeout=_cache_timeout
    )

# --- Authentication ---------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password-reset links stay valid this long (seconds).
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign in with the school's Microsoft 365 or Google Workspace account (OpenID Connect),
# offered only for providers whose client id and secret are set. Password login
# stays on Django's LoginView behind axes; allauth serves only the provider flow, and
# teams.staff.social decides which account a login may sign into (never a staff account).
SOCIALACCOUNT_ADAPTER = "teams.staff.social.SocialAccountAdapter"
SOCIALACCOUNT_ONLY = True
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_EMAIL_VERIFICATION = "none"
_OIDC_SERVERS = {
    "microsoft": (
        "Microsoft",
        "https://login.microsoftonline.com/"
        + env.str("OIDC_MICROSOFT_TENANT", default="organizations")
        + "/v2.0",
    ),
    "google": ("Google", "https://accounts.google.com"),
}
_OIDC_APPS = [
    {
        "provider_id": provider_id,
        "name": name,
        "client_id": env.str(f"OIDC_{provider_id.upper()}_CLIENT_ID"),
        "secret": env.str(f"OIDC_{provider_id.upper()}_CLIENT_SECRET"),
        "settings": {
            "server_url": env.str(f"OIDC_{provider_id.upper()}_SERVER_URL", default=url),
            # Who a login is comes from the signed ID token alone (teams.staff.social): the
            # user-info document could name another address than the one verified.
            "fetch_userinfo": False,
        },
    }
    for provider_id, (name, url) in _OIDC_SERVERS.items()
    if env.str(f"OIDC_{provider_id.upper()}_CLIENT_ID", default="")
    and env.str(f"OIDC_{provider_id.upper()}_CLIENT_SECRET", default="")
]
# Where the provider-login buttons end up after the redirect (for the CSP's form-action).
_OIDC_ORIGINS = ["/".join(str(app["settings"]["server_url"]).split("/")[:3]) for app in _OIDC_APPS]
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": _OIDC_APPS}}

# Per username and address; and per address over all usernames (password spraying),
# higher because a whole school often shares one public address.
AXES_HANDLER = "ictteam.login_guard.LoginGuardHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Reverse proxies in front: the client is the address the outermost one forwarded, for
# the lock-out and the password-reset limit alike (ictteam.login_guard.client_ip). Not
# named AXES_PROXY_COUNT: axes warns about that old name of a setting of its own.
REVERSE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "ictteam.login_guard.client_ip"
AXES_VERBOSE = False

# --- Internationalisation -------------------------------------------------------------

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [CONTENT_DIR / "locale"]
# English times as 14:42, not "2:42 a.m.", which doubled a sentence's full stop.
FORMAT_MODULE_PATH = ["ictteam.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------

STATIC_URL = "static/"
# Production serves collected files; development serves them from the apps and static/.
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")) if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [CONTENT_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Forms and pages -----------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
CRISPY_FAIL_SILENTLY = not DEBUG

# Uploads larger than this are refused before they reach the importer.
CATALOGUE_UPLOAD_MAX_BYTES = env.int("CATALOGUE_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# A workbook whose parsed parts (sheets, shared strings, styles...) unpack to more
# than this is read by a job, never in the web request (a 200-task overview: ~0.1 MB).
CATALOGUE_JOB_THRESHOLD_BYTES = env.int("CATALOGUE_JOB_THRESHOLD_BYTES", default=1024 * 1024)
# A confirmed import that writes more tasks than this is written by a job.
CATALOGUE_JOB_THRESHOLD_ROWS = env.int("CATALOGUE_JOB_THRESHOLD_ROWS", default=2000)
# Staff lists (Excel or CSV) larger than this are refused.
STAFF_UPLOAD_MAX_BYTES = env.int("STAFF_UPLOAD_MAX_BYTES", default=2 * 1024 * 1024)
# A staff workbook whose parsed parts unpack to more than this is read by a job.
STAFF_JOB_THRESHOLD_BYTES = env.int("STAFF_JOB_THRESHOLD_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Shipped content ------------------------------------------------------------------------

# After ``migrate`` (ictteam/first_run.py): an empty catalogue gets the task overview shipped in
# fixtures/, and a step plan with no version the shipped one, published. Nothing that is there
# is ever replaced. The tests turn it off: they start from an empty catalogue.
LOAD_SHIPPED_CONTENT = env.bool("ICTTEAM_LOAD_SHIPPED_CONTENT", default=True)

# --- E-mail -----------------------------------------------------------------------------------

# EMAIL_URL such as smtp+tls://user:password@mail.example.org:587 (see django-environ).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ICT-team <noreply@ictteam.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address links in e-mails and calendar feeds start with.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Jobs (Celery) --------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default=""))
# Without a broker, jobs run in-process right after the request's transaction commits.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    # With a host named, kombu does not warn that it falls back to "localhost".
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# One job never holds a worker for long: SoftTimeLimitExceeded lets it end its record
# cleanly, the hard limit kills the child process. A child that has grown past the
# memory limit (KiB) is replaced after its job, so one file cannot keep its memory.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=512 * 1024
)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A web request must never hang on the broker: fail fast, the periodic scan retries.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    # A job taken by a worker that died is handed out again once this has passed: just
    # after the hard time limit, when no live worker can still be running it. (No job is
    # sent with a countdown, which the broker would also hold back this long.)
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
    "max_retries": 0,
}
# Beat keeps when each entry last ran in this file (and a few with suffixes next to it):
# outside the checkout and the installed package; a state directory in production.
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME",
    default=str(Path(tempfile.gettempdir()) / "ictteam-celerybeat-schedule"),
)
CELERY_BEAT_SCHEDULE = {
    "resume-pending-catalogue-imports": {
        "task": "tasks.jobs.resume_pending_imports",
        "schedule": 300.0,
    },
    "tidy-staff-imports": {
        "task": "teams.jobs.tidy_staff_imports",
        "schedule": 300.0,
    },
    "adopt-catalogue-nightly": {
        "task": "teams.jobs.adopt_catalogue_everywhere",
        "schedule": crontab(hour=2, minute=30),
    },
    # Picks up recalculations whose job never reached the broker.
    "recalculate-marked-workload": {
        "task": "teams.workload.jobs.recalculate_marked_job",
        "schedule": 60.0,
    },
    # The coming school year when due, and the day's copy of the figures for the trend.
    "workload-nightly": {
        "task": "teams.workload.jobs.nightly_job",
        "schedule": crontab(hour=3, minute=0),
    },
    # The daily reminder scan, before the school day starts.
    "send-reminders-daily": {
        "task": "teams.jobs.send_reminders_job",
        "schedule": crontab(hour=6, minute=30),
    },
    # Digests a failing mail server held back go out as soon as it answers again.
    "send-pending-digests": {
        "task": "teams.jobs.send_pending_digests_job",
        "schedule": 900.0,
    },
    # Sessions past their idle limit are dropped from the database.
    "clear-expired-sessions": {
        "task": "teams.jobs.clear_expired_sessions",
        "schedule": crontab(hour=4, minute=15),
    },
}

# --- What production mode refuses ------------------------------------------------------------

# The embedded defaults suit one developer's machine, not a school's data: SQLite, a cache
# each process keeps for itself (the login and reset limits would count per process), jobs
# in the web process, e-mail on the console. Production mode refuses each one it would use,
# unless ICTTEAM_TRIAL_ALLOWS names it for a single-box trial; then it says so at start.
DEVELOPMENT_DEFAULTS = {
    "sqlite": (
        DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3",
        "SQLite (set DATABASE_URL=postgres://...)",
    ),
    "local-cache": (
        CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache",
        "a cache per process (set CACHE_URL=redis://...)",
    ),
    "in-process-jobs": (
        CELERY_TASK_ALWAYS_EAGER,
        "jobs in the web process (set REDIS_URL or CELERY_BROKER_URL)",
    ),
    "console-email": (
        EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend",
        "e-mail on the console (set EMAIL_URL=smtp://...)",
    ),
}
TRIAL_ALLOWS = set(env.list("ICTTEAM_TRIAL_ALLOWS", default=[]))
if unknown := TRIAL_ALLOWS - set(DEVELOPMENT_DEFAULTS):
    raise ImproperlyConfigured(
        "ICTTEAM_TRIAL_ALLOWS knows only " + ", ".join(DEVELOPMENT_DEFAULTS)
        + "; not " + ", ".join(sorted(unknown))
    )  # fmt: skip
if PRODUCTION:
    _in_use = {name: what for name, (used, what) in DEVELOPMENT_DEFAULTS.items() if used}
    if _refused := [what for name, what in _in_use.items() if name not in TRIAL_ALLOWS]:
        raise ImproperlyConfigured(
            "Production mode does not run on development defaults: "
            + "; ".join(_refused)
            + ". For a single-box trial, name them in ICTTEAM_TRIAL_ALLOWS."
        )
    for _what in _in_use.values():
        sys.stderr.write(f"ICT-team runs a trial in production mode on {_what}.\n")

# --- Security -------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
# School computers are shared: a session ends after this long without a request (a
# session in use is renewed once a minute, teams.staff.middleware), and at the latest this
# long after logging in, active or not.
SESSION_COOKIE_AGE = env.int("ICTTEAM_SESSION_IDLE_SECONDS", default=2 * 60 * 60)
ICTTEAM_SESSION_ABSOLUTE_SECONDS = env.int("ICTTEAM_SESSION_ABSOLUTE_SECONDS", default=10 * 60 * 60)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
# Browser features no page uses are switched off for the pages and anything they embed.
ICTTEAM_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), fullscreen=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # Browsers check the redirect after a form post too: the provider-login buttons
        # post here and are sent on to the provider.
        "form-action": ["'self'", *_OIDC_ORIGINS],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Logging -------------------------------------------------------------------------------

# Every record is one JSON line (LOG_FORMAT=json, the default in production) with a UTC
# timestamp, its level, the request id (django-guid, carried into the jobs a request sends)
# and the fields the record adds; LOG_FORMAT=text reads better on a developer's console.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "RETURN_HEADER": True,
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=True)],
}
_LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "correlation_id": {"()": "django_guid.log_filters.CorrelationId"},
        "celery_tracing": {"()": "django_guid.integrations.celery.log_filters.CeleryTracing"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(levelname)s %(name)s %(message)s %(correlation_id)s %(celery_parent_id)s",
            "rename_fields": {"levelname": "level", "correlation_id": "request_id"},
            "timestamp": True,
        },
        "text": {
            "format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": _LOG_FORMAT,
            "filters": ["correlation_id", "celery_tracing"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per request from ictteam.requests; Django's own would repeat it.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "ictteam.requests": {"level": env.str("REQUEST_LOG_LEVEL", default="INFO")},
        "django_guid": {"level": "WARNING"},
        "axes": {"level": env.str("AXES_LOG_LEVEL", default="WARNING")},
        "celery.app.trace": {"level": env.str("JOB_LOG_LEVEL", default="WARNING")},
    },
}
