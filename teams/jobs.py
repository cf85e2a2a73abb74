"""Background jobs of the teams app: keeping task lists and workload figures current."""

from celery import shared_task

from . import services, workload
from .reminders import scan


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


@shared_task
def send_reminders_job() -> int:
    """The daily reminder scan for today: record what is due, then send the digests."""
    return scan.run_scan().sent


@shared_task
def send_pending_digests_job() -> int:
    """Send the digests a failing mail server held back (every quarter of an hour)."""
    return scan.send_digests()
