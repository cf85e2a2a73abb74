"""Reminder scans at the same moment on a real PostgreSQL: still one e-mail per digest."""

from datetime import date

import pytest
from django.core import mail

from teams.models import Assignment, Digest, Occurrence, Reminder, Rhythm, SchoolYear
from teams.reminders import services
from teams.reminders.scan import run_scan, send_digests
from tests.test_postgres import at_once

from .conftest import world  # noqa: F401  (the cast of the teams tests)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scheduled(world, settings):  # type: ignore[no-untyped-def]  # noqa: F811
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    year, _ = SchoolYear.objects.get_or_create(start_year=2026)
    for index, task in enumerate(world.tasks):
        for kind, member in (("responsible", world.staff[index]), ("backup", world.staff[2])):
            if kind == "backup" and member == world.staff[index]:
                continue
            Assignment.objects.create(
                school_task=task, school_year=year, kind=kind, staff_member=member
            )
        services.set_schedule(
            school_task=task, rhythm=Rhythm.MONTHLY, anchor=date(2026, 10, 1), lead_days=5,
            today=date(2026, 9, 1),
        )  # fmt: skip
    return world


def test_four_scans_at_once_record_and_send_everything_once(scheduled):
    day = date(2026, 9, 28)
    results = at_once(*[lambda: run_scan(on=day)] * 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Occurrence.objects.count() == 3
    assert Reminder.objects.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        member.email for member in scheduled.staff
    )
    assert sum(r.sent for r in results) == 3  # type: ignore[union-attr]
    assert not Digest.objects.filter(sent_at__isnull=True).exists()


def test_senders_at_once_after_a_crash_send_each_digest_once(scheduled):
    from teams.reminders import scan

    day = date(2026, 10, 8)  # a week late: responsibles and backups are told
    scan.record_occurrences(on=day)
    scan.record_reminders(on=day)
    scan.gather_digests(on=day)  # the job stopped here, before sending
    pending = Digest.objects.filter(sent_at__isnull=True).count()
    assert pending == 3
    results = at_once(send_digests, send_digests, send_digests)
    assert sum(results) == pending  # type: ignore[arg-type]
    assert len(mail.outbox) == pending


def test_a_feed_address_with_a_nul_byte_answers_404_on_postgresql(client):
    """PostgreSQL refuses NUL bytes in a query: the address is turned away before that."""
    from django.urls import reverse

    for token in ("abc%00", "x" * 43 + "%00"):
        url = reverse("teams:feed", args=["TOKEN"]).replace("TOKEN", token)
        assert client.get(url).status_code == 404
