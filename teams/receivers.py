"""Plumbing: hand a catalogue change to a job once the import has committed."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from ictteam.celery import enqueue_on_commit
from tasks.signals import catalogue_changed
from teams.assignments.task_list import FOLLOW_CATALOGUE_JOB
from teams.staff.middleware import stamp_login


@receiver(catalogue_changed)
def adopt_new_tasks(**kwargs: Any) -> None:
    enqueue_on_commit(FOLLOW_CATALOGUE_JOB)


user_logged_in.connect(stamp_login, dispatch_uid="teams.stamp_login")
