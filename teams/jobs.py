"""Background jobs of the teams app."""

from celery import shared_task

from . import services


@shared_task
def adopt_catalogue_everywhere() -> int:
    """Put tasks new in the catalogue on every school's and school group's list."""
    return services.adopt_catalogue_everywhere()
