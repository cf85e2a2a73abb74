"""The Celery app that runs ICT-team's background jobs.

A "task" in ICT-team is an item of the ICT catalogue, so Celery code lives in
``jobs.py`` modules. Without a broker configured the jobs run in-process
(``CELERY_TASK_ALWAYS_EAGER``), which is the embedded default.

A job's ``jobs.py`` imports the services it calls, so those services cannot
import it to send it. Each app therefore lists its jobs in its ``job_list``
module, which imports nothing of the app: a :class:`Job` there is what a
service sends (``enqueue_on_commit(job_list.X, ...)``, its arguments checked
by mypy), and the function in ``jobs.py`` that runs it is made with
``@job_list.X.runs``, which checks on import that the job's name is where that
function lives. From the sender, "go to definition" leads to the declaration,
and its name to the function.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, ParamSpec, TypeVar, cast

from celery import Celery, shared_task
from celery.signals import celeryd_init
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from kombu.exceptions import KombuError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ictteam.settings")

app = Celery("ictteam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")

logger = logging.getLogger(__name__)

STATEMENT_TIMEOUT = re.compile(r"-c statement_timeout=\d+")


def use_job_statement_timeout(database: dict[str, Any], seconds: float) -> None:
    """Let the statements of this process run up to ``seconds`` (0: no limit) instead of
    the web's limit, on PostgreSQL: a job may rightly run a statement longer than a page
    should wait for one. Changes the connection settings, so it acts on connections made
    afterwards."""
    if database.get("ENGINE") != "django.db.backends.postgresql":
        return
    options = database.setdefault("OPTIONS", {})
    limit = f"-c statement_timeout={round(seconds * 1000)}"
    current = str(options.get("options", ""))
    options["options"] = (
        STATEMENT_TIMEOUT.sub(limit, current)
        if STATEMENT_TIMEOUT.search(current)
        else f"{current} {limit}".strip()
    )


def _job_statement_timeout(**kwargs: Any) -> None:
    """A worker starts with the jobs' statement limit, before it forks its children."""
    use_job_statement_timeout(
        settings.DATABASES["default"], settings.DATABASE_JOB_STATEMENT_TIMEOUT
    )


celeryd_init.connect(_job_statement_timeout)


BROKER_ERRORS = (OperationalError, KombuError, OSError, TimeoutError)
PUBLISHER = "ictteam-publish"

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Job(Generic[P]):
    """A job as the code that sends it knows it: the name it runs under, and (as the type's
    parameters) the arguments it takes.

    ``name`` is the dotted path of the function that runs the job, which
    :meth:`runs` registers and checks.
    """

    name: str

    def runs(self, func: Callable[P, R]) -> Callable[P, R]:
        """Register ``func`` as the function that runs this job (a decorator in ``jobs.py``).

        Refuses, when the module is imported, a function that does not live at the
        declared name, so the name always leads to it.
        """
        where = f"{func.__module__}.{func.__qualname__}"
        if where != self.name:
            raise ImproperlyConfigured(f"The job {self.name} is declared, but {where} runs it.")
        return cast("Callable[P, R]", shared_task(name=self.name)(func))


def enqueue_on_commit(job: Job[P], *args: P.args, **kwargs: P.kwargs) -> None:
    """Send ``job(*args, **kwargs)`` to the broker once the current transaction commits.

    The caller must already have recorded the work in the database. Sending
    happens on a background thread, so a request never waits on the broker;
    when the broker is down or hung, the failure is logged and a periodic
    scan picks the recorded work up later. Without a broker (jobs run
    in-process) the job runs right after the commit, in this thread.
    """
    name = job.name

    def send() -> None:
        if app.conf.task_always_eager:
            try:
                job_named(name).apply_async(args=args, kwargs=kwargs)
            except Exception:  # the change is saved; the recorded work waits for the scan
                logger.exception("In-process job %s%r failed", name, args)
            return
        threading.Thread(
            target=publish, args=(name, args, kwargs), name=PUBLISHER, daemon=True
        ).start()

    transaction.on_commit(send)


def job_named(name: str) -> Any:
    """The registered job of that name; the apps' ``jobs`` modules are imported when needed
    (a worker imports them at start, a web process on its first in-process job)."""
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def publish(name: str, args: tuple[Any, ...], kwargs: dict[str, Any] | None = None) -> bool:
    """Hand a job to the broker by name; False (and a warning in the log) when it cannot.

    ``send_task`` only ever publishes: the job never runs in this thread.
    """
    try:
        app.send_task(name, args=args, kwargs=kwargs or {}, retry=False)
    except BROKER_ERRORS:
        logger.warning("Broker unavailable; %s%r left for the periodic scan", name, args)
        return False
    return True


@dataclasses.dataclass
class BrokerCheck(HealthCheck):  # type: ignore[misc]  # django-health-check ships no type hints
    """For ``/health/``: whether the broker takes a connection within a few seconds."""

    def run(self) -> None:
        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        except BROKER_ERRORS as error:
            raise ServiceUnavailable("Broker unavailable") from error
