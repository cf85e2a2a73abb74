"""``manage.py seed_demo --password PW``: demo data for trying ICT-team out.

Idempotent: running it again changes nothing that is already there. Refuses
to run in production mode.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from teams.demo import seed_demo


class Command(BaseCommand):
    help = "Load the default catalogue and the demo school group with its accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", required=True, help="password of every demo account")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run in production mode.")
        accounts = seed_demo(password=options["password"])
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at /login/ with:"))
        for username, description in accounts:
            self.stdout.write(f"  {username:<22} {description}")
        self.stdout.write(f"Every demo account has the password: {options['password']}")
