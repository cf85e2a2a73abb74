"""Background jobs of the teams app: keeping task lists and workload figures current.

Jobs are thin: they take ids, call one service and are safe to run twice.
"""

from celery import shared_task

from . import services

# The workload jobs live with the rest of workload; importing them here registers them.
from .workload.jobs import nightly_job, recalculate_marked_job

__all__ = [
    "adopt_catalogue_everywhere",
    "follow_catalogue_change",
    "nightly_job",
    "recalculate_marked_job",
]


@shared_task
def adopt_catalogue_everywhere() -> int:
    """Put tasks new in the catalogue on every list; new figures only where a list grew."""
    return services.adopt_catalogue_everywhere()


@shared_task
def follow_catalogue_change() -> int:
    """After a catalogue import: adopt its new tasks and fan out new figures everywhere."""
    return services.follow_catalogue_change()
