"""Celery jobs for the workload figures: thin wrappers, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from teams.workload import figures


@shared_task(name=figures.RECALCULATE_JOB)
def recalculate_marked_job(school_ids: list[int] | None = None) -> int:
    """Recalculate marked schools: the given batch, or whatever is marked (coalesced)."""
    return figures.recalculate_marked(school_ids)


@shared_task
def nightly_job() -> int:
    """The coming school year when due, and today's copy of the figures for the trend."""
    return figures.nightly()
