"""The Celery app that runs ICT-team's background jobs.

A "task" in ICT-team is an item of the ICT catalogue, so Celery code lives in
``jobs.py`` modules. Without a broker configured the jobs run in-process
(``CELERY_TASK_ALWAYS_EAGER``), which is the embedded default.
"""

import logging
import os
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


def enqueue_on_commit(job: Any, *args: Any) -> None:
    """Send ``job(*args)`` to the broker once the current transaction commits.

    The caller must already have recorded the work in the database: when the
    broker is down or hung, sending fails fast, is logged, and a periodic scan
    picks the recorded work up later. The web request never waits on it.
    """

    def send() -> None:
        try:
            job.apply_async(args=args, retry=False)
        except BROKER_ERRORS:
            logger.warning("Broker unavailable; %s%r left for the periodic scan", job.name, args)

    transaction.on_commit(send)
