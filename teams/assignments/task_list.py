"""A school's and school group's task list: adopting the catalogue, own tasks, local values."""

from __future__ import annotations

from decimal import Decimal

from tasks.models import Frequency, TaskGroup
from teams.models import (
    School,
    SchoolGroup,
    SchoolTask,
    SchoolYear,
)
from teams.workload.figures import mark_everything, schools_of
from teams.workload.services import mark_from_now

# --- Task lists -----------------------------------------------------------------------------


def adopt_catalogue_everywhere() -> int:
    """Adopt new catalogue tasks in every school group and school (the nightly run).

    Only the schools whose list grew are marked for new figures. Returns how
    many tasks were added.
    """
    added, grown = 0, set[int]()
    for group in SchoolGroup.objects.all():
        count = SchoolTask.objects.adopt_catalogue(school_group=group)
        if count:
            added += count
            grown.update(School.objects.filter(school_group=group).values_list("pk", flat=True))
    for school in School.objects.all():
        count = SchoolTask.objects.adopt_catalogue(school=school)
        if count:
            added += count
            grown.add(school.pk)
    mark_from_now(sorted(grown))
    return added


def follow_catalogue_change() -> int:
    """After a catalogue import: adopt its new tasks everywhere and, since its hours or
    groups may have changed, fan out new figures for every school. Returns tasks added."""
    added = adopt_catalogue_everywhere()
    for year in SchoolYear.from_current():
        mark_everything(year)
    return added


def add_own_task(
    *,
    title: str,
    group: TaskGroup,
    school: School | None = None,
    school_group: SchoolGroup | None = None,
    description: str = "",
    hours: Decimal | None = None,
    frequency: str = "",
) -> SchoolTask:
    """Add a task that is not in the catalogue to a school's or school group's list."""
    task = SchoolTask(
        school=school,
        school_group=school_group,
        title=title.strip(),
        description=description.strip(),
        group=group,
        local_hours=hours,
        local_frequency=frequency or Frequency.AD_HOC,
    )
    task.full_clean()
    task.save()
    mark_from_now(schools_of(task))
    return task


def set_hidden(*, task: SchoolTask, hidden: bool) -> None:
    """Mark a task not applicable here (hidden), or restore it; assignments are kept."""
    task.is_hidden = hidden
    task.save(update_fields=["is_hidden"])
    mark_from_now(schools_of(task))


def set_local_values(
    *,
    task: SchoolTask,
    hours: Decimal | None,
    frequency: str,
    title: str = "",
    description: str = "",
) -> SchoolTask:
    """Override the catalogue's hours and frequency here, or edit an own task."""
    task.local_hours = hours
    task.local_frequency = frequency
    if task.is_own:
        task.title, task.description = title.strip(), description.strip()
    task.full_clean()
    task.save()
    mark_from_now(schools_of(task))
    return task
