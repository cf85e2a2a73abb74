"""Background jobs of the teams app: keeping task lists and workload figures current.

Jobs are thin: they take ids, call one service and are safe to run twice.
"""

from celery import shared_task

from ictteam.celery import enqueue_on_commit

from . import services
from .reminders import scan

# The workload jobs live with the rest of workload; importing them here registers them.
from .workload.jobs import nightly_job, recalculate_marked_job

__all__ = [
    "adopt_catalogue_everywhere",
    "follow_catalogue_change",
    "nightly_job",
    "recalculate_marked_job",
    "send_pending_digests_job",
    "send_reminders_job",
]


@shared_task
def adopt_catalogue_everywhere() -> int:
    """Put tasks new in the catalogue on every list; new figures only where a list grew."""
    return services.adopt_catalogue_everywhere()


@shared_task(name=services.FOLLOW_CATALOGUE_JOB)
def follow_catalogue_change() -> int:
    """After a catalogue import: adopt its new tasks and fan out new figures everywhere."""
    return services.follow_catalogue_change()


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
