"""``manage.py export_catalogue PATH``: the active catalogue as a workbook."""

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tasks.excel import write_catalogue


class Command(BaseCommand):
    help = "Write the active task catalogue to an .xlsx workbook that imports back unchanged."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="where to write the workbook (.xlsx)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.parent.is_dir():
            raise CommandError(f"No such directory: {path.parent}", returncode=2)
        # Write beside the target and rename, so a failure never leaves half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".xlsx.tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                count = write_catalogue(stream)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stdout.write(self.style.SUCCESS(f"{count} tasks written to {path}"))
