"""Celery jobs for the workload figures: thin wrappers, safe to run twice."""

from __future__ import annotations

from teams import job_list
from teams.workload import figures


@job_list.RECALCULATE_MARKED.runs
def recalculate_marked_job(school_ids: list[int] | None = None) -> int:
    """Recalculate marked schools: the given batch, or whatever is marked (coalesced)."""
    return figures.recalculate_marked(school_ids)


@job_list.NIGHTLY.runs
def nightly_job() -> int:
    """The coming school year when due, and today's copy of the figures for the trend."""
    return figures.nightly()
