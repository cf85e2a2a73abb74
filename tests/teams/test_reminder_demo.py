"""The demo data gives every demo account with tasks reminders over a school year."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from teams.models import Assignment, Reminder, Schedule, StaffMember

pytestmark = pytest.mark.django_db


def test_every_demo_account_with_tasks_is_reminded_during_the_school_year(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(datetime(2026, 9, 1, 8, tzinfo=ZoneInfo("Europe/Brussels"))):
        call_command("seed_demo", "--password", "Demo-Pass-1")
        call_command("seed_demo", "--password", "Demo-Pass-1")  # still idempotent
    assert Schedule.objects.count() > 40
    day = date(2026, 9, 1)  # a scan a week over the whole school year
    while day <= date(2027, 8, 31):
        call_command("send_reminders", "--date", day.isoformat(), stdout=StringIO())
        day += timedelta(days=7)
    with_tasks = StaffMember.objects.filter(
        user__isnull=False, assignments__kind=Assignment.Kind.RESPONSIBLE
    ).distinct()
    assert with_tasks.count() == 5
    for member in with_tasks:
        assert Reminder.objects.filter(staff_member=member).exists(), member.user.username
