"""Background jobs of the catalogue: reading and writing large imports."""

from collections.abc import Iterator
from contextlib import contextmanager

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from ictteam.celery import enqueue_on_commit

from . import job_list, services
from .models import CatalogueImport
from .problems import Problem


@job_list.ANALYSE_IMPORT.runs
def analyse_import(import_id: int) -> None:
    """Prepare the preview of a large upload."""
    record = services.start_job(import_id)
    if record is not None:
        with _failing_ends(import_id):
            services.analyse(record)


@job_list.APPLY_IMPORT.runs
def apply_import(import_id: int) -> None:
    """Write a large confirmed import to the catalogue."""
    record = services.start_job(import_id)
    if record is not None:
        with _failing_ends(import_id):
            services.apply_confirmed(record)


@contextmanager
def _failing_ends(import_id: int) -> Iterator[None]:
    """End the import with a reason when its job breaks or runs out of time."""
    try:
        yield
    except SoftTimeLimitExceeded:
        limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
        services.mark_failed(import_id, Problem("too_slow", params={"limit": limit}))
    except Exception:
        services.mark_failed(import_id)
        raise


@job_list.RESUME_PENDING_IMPORTS.runs
def resume_pending_imports() -> None:
    """Re-enqueue imports whose job never ran, e.g. while the broker was down."""
    for record in services.stale_waiting_imports():
        analysing = record.status == CatalogueImport.Status.ANALYSING
        job = job_list.ANALYSE_IMPORT if analysing else job_list.APPLY_IMPORT
        enqueue_on_commit(job, record.pk)
