"""``manage.py import_staff --school ID PATH [--dry-run] [--json]``.

The same import as the staff page, with the JSON contract and exit codes of
``import_catalogue``: 0 on success; 1 when the file is refused or has invalid
rows (nothing written); 2 on usage errors. People on the staff but not in the
file are reported under ``not_in_file`` and never removed from here.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from teams.models import School
from teams.staff_import import apply_import, plan_import


class Command(BaseCommand):
    help = "Import a school's staff list (.xlsx or .csv), upserting by e-mail address."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", type=int, required=True, help="the school's id")
        parser.add_argument("path", help="the staff list to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change; write nothing"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def _usage_error(self, message: str, as_json: bool) -> CommandError:
        if as_json:
            self.stdout.write(json.dumps({"error": message}))
        return CommandError(message, returncode=2)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        school = School.objects.filter(pk=options["school"]).first()
        if school is None:
            raise self._usage_error(f"No school with id {options['school']}", options["json"])
        if not path.is_file():
            raise self._usage_error(f"No such file: {path}", options["json"])
        data, name = path.read_bytes(), path.name
        if options["dry_run"]:
            plan = plan_import(school=school, data=data, file_name=name)
        else:
            plan = apply_import(school=school, data=data, file_name=name)
        result = plan.as_json(dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self._report(result)
        if not plan.ok:
            raise SystemExit(1)

    def _report(self, result: dict[str, Any]) -> None:
        for error in result["errors"]:
            where = error["cell"] or (f"row {error['row']}" if error["row"] else "")
            self.stderr.write(f"{where}: {error['message']}" if where else error["message"])
        if result["errors"]:
            self.stderr.write(f"{len(result['errors'])} problem(s); nothing was written.")
            return
        summary = ", ".join(
            f"{kind} {result[kind]}" for kind in ("created", "updated", "unchanged")
        )
        suffix = " (dry run: nothing written)" if result["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(summary + suffix))
        for person in result["not_in_file"]:
            self.stdout.write(f"not in the file (kept): {person}")
