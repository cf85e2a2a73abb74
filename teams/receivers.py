"""Plumbing between the catalogue and the teams: enqueue work after catalogue changes."""

from typing import Any

from django.dispatch import receiver

from ictteam.celery import enqueue_on_commit
from tasks.signals import catalogue_changed

from .jobs import adopt_catalogue_everywhere


@receiver(catalogue_changed)
def adopt_new_tasks(**kwargs: Any) -> None:
    enqueue_on_commit(adopt_catalogue_everywhere)
