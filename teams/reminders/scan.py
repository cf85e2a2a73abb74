"""The daily scan: occurrences, reminders and digests, each written once, then the e-mails.

Jobs are delivered at least once and two scans may run at the same time, so
every step is idempotent and guarded by the database: an occurrence is
unique per schedule and day, a reminder per person, kind and subject; a
reminder joins one digest only (an UPDATE of rows without one); and a digest
is sent while its row is locked, marked sent in the same transaction. A
mail server that fails rolls that transaction back: the digest stays in the
outbox for the next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from teams.models import Digest, Occurrence, Reminder, ReminderSettings, Schedule, StaffMember
from teams.reminders.recurrence import due_dates
from teams.reminders.sources import OCCURRENCE_SOURCES, SOURCES, Scan

logger = logging.getLogger(__name__)

# A schedule left unscanned for longer than this catches up no further back.
MAX_CATCH_UP = 60


@dataclass(frozen=True)
class ScanResult:
    occurrences: int
    reminders: int
    digests: int
    sent: int


def run_scan(*, on: date | None = None, send: bool = True) -> ScanResult:
    """Everything the daily job does, for the day ``on`` (default today); safe to run twice.

    With ``send`` false the digests stay in the outbox for senders to share.
    """
    day = on or timezone.localdate()
    occurrences = record_occurrences(on=day)
    reminders = record_reminders(on=day)
    digests = gather_digests(on=day)
    sent = send_digests() if send else 0
    return ScanResult(occurrences, reminders, digests, sent)


def scan_task(school_task_id: int, *, on: date) -> ScanResult:
    """The daily scan's recording for one task, at once (a schedule saved within its lead
    time); safe to run twice.

    Its due dates whose lead time has begun become occurrences and their people's
    reminders are recorded, by the same rules and under the same constraints as the
    daily scan, which then finds them made and adds nothing. Nothing is gathered or
    sent: the reminders are in the bell now and in each person's next digest.
    """
    only = frozenset({school_task_id})
    occurrences = record_occurrences(on=on, only=only)
    reminders = record_reminders(on=on, only=only)
    return ScanResult(occurrences, reminders, digests=0, sent=0)


def pending_digests() -> int:
    return Digest.objects.filter(sent_at__isnull=True, skipped=False).count()


def _due_within_lead(schedule: Schedule, on: date) -> tuple[list[date], date | None]:
    """The due dates whose reminding has begun by ``on``, and the next one after them."""
    assert schedule.next_due_on is not None
    start = date.fromordinal(schedule.next_due_on.toordinal() - 1)
    found: list[date] = []
    for due in due_dates(schedule.rhythm, schedule.anchor, after=start):
        if due - timedelta(days=schedule.lead_days) > on:
            return found[-MAX_CATCH_UP:], due
        found.append(due)
    return found[-MAX_CATCH_UP:], None


def record_occurrences(*, on: date, only: frozenset[int] | None = None) -> int:
    """Turn every due date whose lead time has begun into an occurrence; returns how many.

    Only schedules whose ``remind_on`` has come are read (of the tasks ``only``
    names, when given). A task marked not applicable moves its schedule on
    without an occurrence.
    """
    due = Schedule.objects.filter(remind_on__lte=on)
    if only is not None:
        due = due.filter(school_task_id__in=only)
    pending = list(due.select_related("school_task__catalogue_task"))
    if not pending:
        return 0
    new: list[Occurrence] = []
    for schedule in pending:
        dates, following = _due_within_lead(schedule, on)
        task = schedule.school_task
        applies = not task.is_hidden and (
            task.catalogue_task is None or task.catalogue_task.is_active
        )
        if applies:
            new += [
                Occurrence(
                    schedule=schedule,
                    school_task_id=schedule.school_task_id,
                    due_on=due,
                    remind_on=due - timedelta(days=schedule.lead_days),
                )
                for due in dates
            ]
        schedule.next_due_on = following
        schedule.remind_on = following - timedelta(days=schedule.lead_days) if following else None
    with transaction.atomic():
        created = Occurrence.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
        Schedule.objects.bulk_update(pending, ["next_due_on", "remind_on"], batch_size=1000)
    return len(created)


def record_reminders(*, on: date, only: frozenset[int] | None = None) -> int:
    """Ask every source what people should be told, and record it; returns the proposals.

    With ``only``, the sources about occurrences are asked about those tasks alone.
    Proposals already on record are left alone by the unique constraint, so the
    count includes reminders recorded by an earlier run.
    """
    scan = Scan(on, only=only)
    sources = SOURCES if only is None else OCCURRENCE_SOURCES
    drafts = [draft for source in sources for draft in source(scan)]
    if drafts:
        Reminder.objects.bulk_create(
            [draft.as_reminder() for draft in drafts], ignore_conflicts=True, batch_size=1000
        )
    return len(drafts)


def _settings_of(member_ids: list[int]) -> dict[int, ReminderSettings]:
    return {
        row.staff_member_id: row
        for row in ReminderSettings.objects.filter(staff_member_id__in=member_ids)
    }


def gather_digests(*, on: date) -> int:
    """Put each person's reminders not yet in a digest into a new one; returns the digests.

    People who turned e-mail off, or have no address, get a digest that is
    closed at once (``skipped``): the reminders stay in their bell. Weekly
    readers are gathered on Mondays only.
    """
    member_ids = list(
        Reminder.objects.filter(digest__isnull=True)
        .order_by()
        .values_list("staff_member_id", flat=True)
        .distinct()
    )
    if not member_ids:
        return 0
    prefs = _settings_of(member_ids)
    addresses = dict(StaffMember.objects.filter(pk__in=member_ids).values_list("pk", "email"))
    made = 0
    for member_id in member_ids:
        pref = prefs.get(member_id) or ReminderSettings(staff_member_id=member_id)
        mail = pref.digest != ReminderSettings.Digest.OFF and bool(addresses.get(member_id))
        if mail and not pref.wants_digest_on(on):
            continue
        with transaction.atomic():
            digest = Digest.objects.create(
                staff_member_id=member_id, skipped=not mail, sent_at=None
            )
            taken = Reminder.objects.filter(staff_member_id=member_id, digest__isnull=True).update(
                digest=digest
            )
            if not taken:  # another run took them first
                digest.delete()
                continue
        made += 1
    return made


def send_digests() -> int:
    """Send every digest in the outbox; returns how many e-mails went out.

    Each is sent inside a transaction that holds its row (skipping rows
    another sender holds) and marks it sent; when the mail server fails the
    transaction rolls back and the digest waits for the next run.
    """
    pending = list(
        Digest.objects.filter(sent_at__isnull=True, skipped=False)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    if not pending:
        return 0
    connection = get_connection(fail_silently=False)
    sent = 0
    for pk in pending:
        try:
            with transaction.atomic():
                digest = (
                    Digest.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(pk=pk, sent_at__isnull=True, skipped=False)
                    .select_related("staff_member__reminder_settings")
                    .first()
                )
                if digest is None:
                    continue
                message = build_message(digest)
                if message is not None:
                    connection.send_messages([message])
                    sent += 1
                else:
                    digest.skipped = True
                digest.sent_at = timezone.now()
                digest.save(update_fields=["sent_at", "skipped"])
        except Exception as error:  # the mail server's failure: leave it in the outbox
            logger.warning("Digest %s not sent, left for the next run: %s", pk, error)
            Digest.objects.filter(pk=pk).update(
                attempts=F("attempts") + 1, last_error=str(error)[:500]
            )
    return sent


def build_message(digest: Digest) -> EmailMultiAlternatives | None:
    """The digest's e-mail in the person's language; None when nothing in it still matters.

    A reminder about an occurrence that has been done since is left out, and so
    is one about a school the person no longer works in (they left after it was
    recorded): nothing of that school reaches them any more.
    """
    member = digest.staff_member
    items = [
        reminder
        for reminder in digest.reminders.about_where_they_work()
        .select_related("occurrence", "school")
        .order_by("due_on", "pk")
        if reminder.occurrence is None or reminder.occurrence.done_at is None
    ]
    if not items or not member.email:
        return None
    try:
        language = member.reminder_settings.language
    except ReminderSettings.DoesNotExist:
        language = settings.LANGUAGE_CODE
    context = {
        "member": member,
        "groups": _grouped(items),
        "site_url": settings.SITE_URL.rstrip("/"),
        "count": len(items),
    }
    with translation.override(language):
        subject = render_to_string("teams/reminders/digest_subject.txt", context).strip()
        body = render_to_string("teams/reminders/digest.txt", context)
        html = render_to_string("teams/reminders/digest.html", context)
    message = EmailMultiAlternatives(subject, body, to=[member.email])
    message.attach_alternative(html, "text/html")
    return message


def _grouped(items: list[Reminder]) -> list[tuple[str, list[Reminder]]]:
    order = [kind for kind, _label in Reminder.Kind.choices]
    by_kind: dict[str, list[Reminder]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    return [(kind, by_kind[kind]) for kind in order if kind in by_kind]
