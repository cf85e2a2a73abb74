"""``manage.py import_catalogue PATH [--dry-run] [--allow-retire] [--json]``.

Exit status: 0 on success; 1 when the file is refused, has invalid rows, or
would retire more than a quarter of the active catalogue without
``--allow-retire`` (nothing written); 2 on usage errors. With ``--json`` exactly one JSON object
is printed on stdout.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tasks.services import import_file


class Command(BaseCommand):
    help = "Import a task overview workbook (.xlsx or .xlsm) into the task catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the workbook to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change; write nothing"
        )
        parser.add_argument(
            "--allow-retire",
            action="store_true",
            help="retire the tasks missing from the workbook even when they are more than a "
            "quarter of the active catalogue",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            message = f"No such file: {path}"
            if options["json"]:
                self.stdout.write(json.dumps({"error": message}))
            raise CommandError(message, returncode=2)
        outcome = import_file(
            data=path.read_bytes(),
            file_name=path.name,
            dry_run=options["dry_run"],
            allow_retire=options["allow_retire"],
        )
        result = outcome.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self._report(result)
        if not outcome.ok:
            raise SystemExit(1)

    def _report(self, result: dict[str, Any]) -> None:
        for error in result["errors"]:
            where = f"{error['sheet']}!{error['cell']}" if error["cell"] else error["sheet"]
            self.stderr.write(f"{where}: {error['message']}" if where else error["message"])
        if result["errors"]:
            self.stderr.write(f"{len(result['errors'])} problem(s); nothing was written.")
            return
        summary = ", ".join(
            f"{kind} {result[kind]}" for kind in ("created", "updated", "unchanged", "retired")
        )
        suffix = " (dry run: nothing written)" if result["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(summary + suffix))
