"""Load or update a guideline version from a definition file and report what changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guidelines.definitions import DefinitionError, load_file


class Command(BaseCommand):
    help = "Load or update a guideline version from a definition file (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the version and move open cycles onto it",
        )

    def handle(self, *args: Any, path: Path, publish: bool, **options: Any) -> None:
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: cannot be read ({error.strerror})") from None
        try:
            report = load_file(raw, publish=publish)
        except DefinitionError as error:
            raise CommandError(
                f"{path} was refused; nothing changed:\n"
                + "\n".join(f"  - {problem}" for problem in error.problems)
            ) from None
        self.stdout.write(f"{report.version}: {report.outcome}")
        if report.compared_with is not None and report.compared_with != report.version:
            self.stdout.write(f"compared with version {report.compared_with.number}:")
        changes = report.changes
        for label, found, side in (
            ("new", changes.added, "new"),
            ("reworded", changes.reworded, "new"),
            ("removed", changes.removed, "old"),
        ):
            for change in found:
                item = getattr(change, side)
                self.stdout.write(f"  {label}: {change.key} ({item.title_nl})")
        if publish:
            self.stdout.write(f"published; {report.cycles_moved} cycle(s) moved onto it")
