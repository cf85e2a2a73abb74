"""Background jobs of the teams app: keeping task lists and workload figures current."""

from celery import shared_task

from . import services, workload


@shared_task
def adopt_catalogue_everywhere() -> int:
    """Put tasks new in the catalogue on every school's and school group's list."""
    added = services.adopt_catalogue_everywhere()
    workload.recalculate_all()
    return added


@shared_task
def recalculate_requested_job() -> int:
    """Recalculate every school whose figures were marked out of date (coalesced)."""
    return workload.recalculate_requested()


@shared_task
def recalculate_all_job() -> None:
    """The nightly run: every school's figures, set-wise."""
    workload.recalculate_all()
