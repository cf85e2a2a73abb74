"""Background jobs of the teams app: keeping task lists and workload figures current."""

from celery import shared_task

from ictteam.celery import enqueue_on_commit

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


# On a busy day the e-mails are shared by several sender jobs, one per this many digests.
DIGESTS_PER_SENDER = 500
MAX_SENDERS = 8


@shared_task
def send_reminders_job() -> int:
    """The daily reminder scan for today: record what is due, then hand the digests to senders.

    Senders lock each digest while sending it, so several can share the outbox;
    returns how many were started.
    """
    scan.run_scan(send=False)
    pending = scan.pending_digests()
    senders = min(MAX_SENDERS, -(-pending // DIGESTS_PER_SENDER))
    for _ in range(senders):
        enqueue_on_commit(send_pending_digests_job)
    return senders


@shared_task
def send_pending_digests_job() -> int:
    """Send the digests a failing mail server held back (every quarter of an hour)."""
    return scan.send_digests()
