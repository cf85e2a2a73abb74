"""Plumbing: enqueue work after catalogue changes, keep assignments' staffing fields in step."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ictteam.celery import enqueue_on_commit
from tasks.signals import catalogue_changed

from . import staffing
from .jobs import adopt_catalogue_everywhere
from .middleware import stamp_login
from .models import Assignment


@receiver(catalogue_changed)
def adopt_new_tasks(**kwargs: Any) -> None:
    enqueue_on_commit(adopt_catalogue_everywhere)


@receiver(post_save, sender=Assignment)
@receiver(post_delete, sender=Assignment)
def recount_task(instance: Assignment, raw: bool = False, **kwargs: Any) -> None:
    """One assignment saved or deleted (services, admin): recount its task's year.

    Bulk paths (``bulk_create``, ``QuerySet.update``) send no signals and call
    :func:`teams.staffing.recount` themselves.
    """
    if raw:
        return  # loading a fixture: the fixture holds the fields
    staffing.recount(
        school_task_ids=[instance.school_task_id], school_year_id=instance.school_year_id
    )


user_logged_in.connect(stamp_login, dispatch_uid="teams.stamp_login")
