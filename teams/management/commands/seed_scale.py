"""``manage.py seed_scale --schools N --staff-per-school S --tasks-per-school T``.

Adds random schools with staff, budgets, tasks and assignments, fast, for
benchmarks. Refuses to run in production mode.
"""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from teams.scale import seed_scale


class Command(BaseCommand):
    help = "Fill the database with Flanders-sized random data for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schools", type=int, required=True)
        parser.add_argument("--staff-per-school", type=int, default=20)
        parser.add_argument("--tasks-per-school", type=int, default=150)
        parser.add_argument("--seed", type=int, default=2024, help="random seed")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_scale refuses to run in production mode.")
        if (
            options["schools"] < 1
            or options["staff_per_school"] < 3
            or options["tasks_per_school"] < 1
        ):
            raise CommandError(
                "Need at least 1 school, 3 staff and 1 task per school.", returncode=2
            )
        start = time.perf_counter()
        result = seed_scale(
            schools=options["schools"],
            staff_per_school=options["staff_per_school"],
            tasks_per_school=options["tasks_per_school"],
            seed=options["seed"],
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.schools} schools, {result.staff} staff, "
                f"{result.school_tasks} tasks and {result.assignments} assignments "
                f"in {time.perf_counter() - start:.1f} s."
            )
        )
