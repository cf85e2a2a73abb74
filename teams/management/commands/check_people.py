"""``manage.py check_people [--json]``: addresses that more than one person holds.

Within a school group (or a stand-alone school) one e-mail address is one
person. Older data and imports before that rule could add a second person
with an address already known, in other letter case too. This lists each
such address with the people holding it, to merge or correct by hand: exit 1
when there are any, 0 when there are none.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from teams.staff.identity import duplicate_addresses


class Command(BaseCommand):
    help = "List e-mail addresses held by more than one staff member in a school group."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        duplicates = duplicate_addresses()
        if options["json"]:
            found = [
                {
                    "scope": duplicate.scope,
                    "email": duplicate.email,
                    "people": [{"id": m.pk, "name": m.full_name} for m in duplicate.members],
                }
                for duplicate in duplicates
            ]
            self.stdout.write(json.dumps({"duplicates": found}, ensure_ascii=False))
        else:
            for duplicate in duplicates:
                people = ", ".join(f"{m.full_name} (id {m.pk})" for m in duplicate.members)
                self.stdout.write(f"{duplicate.scope}: {duplicate.email}: {people}")
            if duplicates:
                self.stderr.write(f"{len(duplicates)} address(es) held by more than one person.")
            else:
                self.stdout.write(self.style.SUCCESS("No address is held by more than one person."))
        if duplicates:
            raise SystemExit(1)
