"""What the step plan adds to the reminders: overdue steps in the digests and the calendar.

:class:`GuidelinesConfig` hands these to the reminders when the app is ready
(``teams.reminders.sources.add_source``, ``teams.reminders.feed.add_entries``):
the step plan builds on teams, and teams never imports it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date

from teams.models import Appointment, Membership, Reminder, StaffMember
from teams.reminders.feed import Entry
from teams.reminders.sources import Draft, Scan, staff_of_accounts

from .services import OverdueStep, overdue_steps


def overdue_step_reminders(scan: Scan) -> Iterable[Draft]:
    """Overdue guideline steps: their owner is told, or the coordinators if nobody owns one.

    An owner who no longer works in the step's school owns it no more: the
    coordinators are told, as for a step nobody owns.
    """
    steps = overdue_steps(on=scan.on)
    owner_ids = {step.owner.pk for step in steps if step.owner is not None}
    working = (
        set(
            Appointment.objects.current()
            .filter(staff_member_id__in=owner_ids)
            .values_list("staff_member_id", "school_id")
        )
        if owner_ids
        else set()
    )

    def owner(step: OverdueStep) -> int | None:
        if step.owner is not None and (step.owner.pk, step.school.pk) in working:
            return int(step.owner.pk)
        return None

    unowned = {step.school.pk for step in steps if owner(step) is None}
    coordinators = staff_of_accounts(Membership.Kind.COORDINATOR, unowned) if unowned else {}
    for step in steps:
        found = owner(step)
        owners = [found] if found is not None else coordinators.get(step.school.pk, [])
        for member_id in owners:
            yield Draft(
                staff_member_id=member_id,
                kind=Reminder.Kind.STEP,
                key=f"step:{step.school.pk}:{step.url}"[:200],
                school_id=step.school.pk,
                title=str(step.title),
                url=str(step.url),
                due_on=step.target_date,
            )


def owned_steps(member: StaffMember, on: date) -> Iterable[Entry]:
    """The overdue steps a person owns in the schools they work in now, as calendar days."""
    schools = Appointment.objects.current().filter(staff_member=member)
    steps = overdue_steps(
        staff_member=member, school_ids=schools.values_list("school_id", flat=True), on=on
    )
    for step in steps:
        url = str(step.url)
        assert step.target_date is not None  # an overdue step has passed its target date
        yield Entry(
            uid=f"step-{step.school.pk}-{hashlib.sha256(url.encode()).hexdigest()[:16]}@ictteam",
            day=step.target_date,
            summary=str(step.title),
            description=str(step.school),
            url=url,
        )
