"""Plumbing: hand a catalogue change to a job once the import has committed."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from ictteam.celery import enqueue_on_commit
from tasks.signals import catalogue_changed
from teams import job_list
from teams.staff.middleware import stamp_login


@receiver(catalogue_changed)
def adopt_new_tasks(**kwargs: Any) -> None:
    enqueue_on_commit(job_list.FOLLOW_CATALOGUE_CHANGE)


user_logged_in.connect(stamp_login, dispatch_uid="teams.stamp_login")
