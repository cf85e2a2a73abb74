"""``manage.py send_reminders [--date YYYY-MM-DD]``: the daily reminder scan, in this process."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from teams.reminders.scan import run_scan


class Command(BaseCommand):
    help = "Run the daily reminder scan for a day (default today); the last line is e-mails sent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to scan for, as YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"--date must look like 2026-09-01: {error}") from error
        result = run_scan(on=day)
        self.stdout.write(f"occurrences recorded: {result.occurrences}")
        self.stdout.write(f"reminders proposed: {result.reminders}")
        self.stdout.write(f"digests gathered: {result.digests}")
        self.stdout.write(f"e-mails sent: {result.sent}")
