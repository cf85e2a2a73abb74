"""Background jobs of the teams app: keeping task lists and workload figures current.

Jobs are thin: they take ids, call one service and are safe to run twice.
"""

from datetime import date

from celery.exceptions import SoftTimeLimitExceeded
from django.core.management import call_command

from ictteam.celery import enqueue_on_commit
from teams import job_list
from teams.assignments import task_list as services
from teams.reminders import scan
from teams.staff import staff_import

# The workload jobs live with the rest of workload; importing them here registers them.
from teams.workload.jobs import nightly_job, recalculate_marked_job

__all__ = [
    "adopt_catalogue_everywhere",
    "analyse_staff_import",
    "clear_expired_sessions",
    "follow_catalogue_change",
    "nightly_job",
    "recalculate_marked_job",
    "scan_task_job",
    "send_pending_digests_job",
    "send_reminders_job",
    "tidy_staff_imports",
]


@job_list.ADOPT_CATALOGUE_EVERYWHERE.runs
def adopt_catalogue_everywhere() -> int:
    """Put tasks new in the catalogue on every list; new figures only where a list grew."""
    return services.adopt_catalogue_everywhere()


@job_list.FOLLOW_CATALOGUE_CHANGE.runs
def follow_catalogue_change() -> int:
    """After a catalogue import: adopt its new tasks and fan out new figures everywhere."""
    return services.follow_catalogue_change()


# On a busy day the e-mails are shared by several sender jobs, one per this many digests.
DIGESTS_PER_SENDER = 500
MAX_SENDERS = 8


@job_list.SEND_REMINDERS.runs
def send_reminders_job() -> int:
    """The daily reminder scan for today: record what is due, then hand the digests to senders.

    Senders lock each digest while sending it, so several can share the outbox;
    returns how many were started.
    """
    scan.run_scan(send=False)
    pending = scan.pending_digests()
    senders = min(MAX_SENDERS, -(-pending // DIGESTS_PER_SENDER))
    for _ in range(senders):
        enqueue_on_commit(job_list.SEND_PENDING_DIGESTS)
    return senders


@job_list.SCAN_TASK.runs
def scan_task_job(school_task_id: int, day: str) -> int:
    """Record one task's due occurrences and reminders now; returns the reminders proposed.

    The daily scan would find the same and adds nothing after it; should this job
    never run, the daily scan records them instead.
    """
    return scan.scan_task(school_task_id, on=date.fromisoformat(day)).reminders


@job_list.SEND_PENDING_DIGESTS.runs
def send_pending_digests_job() -> int:
    """Send the digests a failing mail server held back (every quarter of an hour)."""
    return scan.send_digests()


@job_list.ANALYSE_STAFF_IMPORT.runs
def analyse_staff_import(import_id: int) -> None:
    """Read a large staff list for its preview."""
    record = staff_import.start_job(import_id)
    if record is None:
        return
    try:
        staff_import.analyse(record)
    except SoftTimeLimitExceeded:
        staff_import.mark_failed(import_id)
    except Exception:
        staff_import.mark_failed(import_id)
        raise


@job_list.TIDY_STAFF_IMPORTS.runs
def tidy_staff_imports() -> int:
    """Send again the reading jobs that never ran and drop previews left unconfirmed."""
    stale = staff_import.tidy_imports()
    for import_id in stale:
        enqueue_on_commit(job_list.ANALYSE_STAFF_IMPORT, import_id)
    return len(stale)


@job_list.CLEAR_EXPIRED_SESSIONS.runs
def clear_expired_sessions() -> None:
    """Drop sessions past their idle limit from the database (nightly)."""
    call_command("clearsessions")
