"""The Celery app that runs ICT-team's background jobs.

A "task" in ICT-team is an item of the ICT catalogue, so Celery code lives in
``jobs.py`` modules. Without a broker configured the jobs run in-process
(``CELERY_TASK_ALWAYS_EAGER``), which is the embedded default.
"""

import logging
import os
import threading
from typing import Any

from celery import Celery
from django.db import transaction
from kombu.exceptions import KombuError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ictteam.settings")

app = Celery("ictteam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")

logger = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, KombuError, OSError, TimeoutError)
PUBLISHER = "ictteam-publish"


def enqueue_on_commit(job: str | Any, *args: Any) -> None:
    """Send ``job(*args)`` to the broker once the current transaction commits.

    ``job`` is a job or its name. Services hand work to jobs by name, so they
    never import the ``jobs`` modules (which import the services): a service
    module states the name, its job is registered under it.

    The caller must already have recorded the work in the database. Sending
    happens on a background thread, so a request never waits on the broker;
    when the broker is down or hung, the failure is logged and a periodic
    scan picks the recorded work up later. Without a broker (jobs run
    in-process) the job runs right after the commit, in this thread.
    """
    name = job if isinstance(job, str) else job.name

    def send() -> None:
        if app.conf.task_always_eager:
            try:
                job_named(name).apply_async(args=args)
            except Exception:  # the change is saved; the recorded work waits for the scan
                logger.exception("In-process job %s%r failed", name, args)
            return
        threading.Thread(target=publish, args=(name, args), name=PUBLISHER, daemon=True).start()

    transaction.on_commit(send)


def job_named(name: str) -> Any:
    """The registered job of that name; the apps' ``jobs`` modules are imported when needed
    (a worker imports them at start, a web process on its first in-process job)."""
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def publish(name: str, args: tuple[Any, ...]) -> bool:
    """Hand a job to the broker by name; False (and a warning in the log) when it cannot.

    ``send_task`` only ever publishes: the job never runs in this thread.
    """
    try:
        app.send_task(name, args=args, retry=False)
    except BROKER_ERRORS:
        logger.warning("Broker unavailable; %s%r left for the periodic scan", name, args)
        return False
    return True
