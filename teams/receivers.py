"""Plumbing: hand a catalogue change to a job once the import has committed; sign a
deactivated account out everywhere; give SQLite the collation names sort by."""

from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models.signals import post_save
from django.dispatch import receiver

from ictteam.celery import enqueue_on_commit
from tasks.signals import catalogue_changed
from teams import job_list
from teams.models import NAME_COLLATION, compare_names
from teams.staff.middleware import stamp_login
from teams.staff.sessions import end_all_sessions


@receiver(catalogue_changed)
def adopt_new_tasks(**kwargs: Any) -> None:
    enqueue_on_commit(job_list.FOLLOW_CATALOGUE_CHANGE)


@receiver(post_save, sender=User)
def end_sessions_of_deactivated_account(instance: User, created: bool, **kwargs: Any) -> None:
    """A deactivated account (in the admin or anywhere else) is signed out everywhere."""
    if not created and not instance.is_active:
        end_all_sessions(instance.pk)


@receiver(connection_created)
def add_name_collation(connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """PostgreSQL has the ICU collation names sort by; SQLite gets one of the same name."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(NAME_COLLATION, compare_names)


user_logged_in.connect(stamp_login, dispatch_uid="teams.stamp_login")
