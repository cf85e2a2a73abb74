"""``manage.py import_staff --school ID PATH [--dry-run] [--json] [--post TEXT=POST ...]``.

The same import as the staff page, with the JSON contract and exit codes of
``import_catalogue``: 0 on success; 1 when the file is refused or has invalid
rows (nothing written, also in a dry run); 2 on usage errors. People on the
staff but not in the file are reported under ``not_in_file`` and never
removed from here. Two runs at the same moment add nobody twice: the second
finds the first one's people (``created`` 0).
"""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from teams.models import Post, School
from teams.staff.staff_file import StaffImportError, post_key
from teams.staff.staff_import import KEEP, StaffPlan, import_file


class Command(BaseCommand):
    help = "Import a school's staff list (.xlsx or .csv), matching people by e-mail address."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", type=int, required=True, help="the school's id")
        parser.add_argument("path", help="the staff list to import")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change; write nothing"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--post",
            action="append",
            default=[],
            metavar="TEXT=POST",
            help=(
                "what a post text of the file becomes, e.g. 'Zorgcoördinator=teacher'; POST is "
                f"one of {', '.join([*Post.values, KEEP])} (repeatable)"
            ),
        )

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
        post_map = {}
        for choice in options["post"]:
            text, _sep, post = choice.rpartition("=")
            if not text or post not in (*Post.values, KEEP):
                raise self._usage_error(
                    f"Not TEXT=POST with a known post: {choice}", options["json"]
                )
            post_map[post_key(text)] = post
        try:
            plan = import_file(
                school=school,
                data=path.read_bytes(),
                file_name=path.name,
                dry_run=options["dry_run"],
                post_map=post_map,
            )
        except ValidationError as refused:  # e.g. the school's last director among the leavers
            plan = StaffPlan(errors=[StaffImportError("refused", {"message": refused.messages[0]})])
        result = plan.as_json(dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self._report(result)
        if not plan.ok:
            raise SystemExit(1)

    def _report(self, result: dict[str, Any]) -> None:
        for error in result["errors"]:
            self.stderr.write(_where(error))
        if result["errors"]:
            self.stderr.write(f"{len(result['errors'])} problem(s); nothing was written.")
            return
        for error in result["left_out"]:
            self.stderr.write(f"not imported: {_where(error)}")
        summary = ", ".join(
            f"{kind} {result[kind]}" for kind in ("created", "updated", "unchanged")
        )
        suffix = " (dry run: nothing written)" if result["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(summary + suffix))
        for post in result["unknown_posts"]:
            self.stdout.write(f"post not recognised: {post['text']} -> {post['becomes']}")
        for person in result["not_in_file"]:
            self.stdout.write(f"not in the file (kept): {person}")


def _where(error: dict[str, Any]) -> str:
    where = error["cell"] or (f"row {error['row']}" if error["row"] else "")
    return f"{where}: {error['message']}" if where else error["message"]
