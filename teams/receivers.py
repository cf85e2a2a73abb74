"""Plumbing: hand a catalogue change to a job once the import has committed."""

from typing import Any

from django.dispatch import receiver

from ictteam.celery import enqueue_on_commit
from tasks.signals import catalogue_changed

from .jobs import follow_catalogue_change


@receiver(catalogue_changed)
def adopt_new_tasks(**kwargs: Any) -> None:
    enqueue_on_commit(follow_catalogue_change)
