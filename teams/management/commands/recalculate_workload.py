"""``manage.py recalculate_workload [--school ID]``: workload figures, now, in this process."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from teams.models import School, SchoolYear
from teams.workload import recalculate, recalculate_all


class Command(BaseCommand):
    help = "Recalculate the workload figures of every school, or of one, for the current year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", type=int, help="only this school (its id)")

    def handle(self, *args: Any, **options: Any) -> None:
        year = SchoolYear.current()
        school_id = options["school"]
        if school_id is None:
            recalculate_all(year)
            self.stdout.write(self.style.SUCCESS(f"Recalculated every school for {year}."))
            return
        school = School.objects.filter(pk=school_id).first()
        if school is None:
            raise CommandError(f"No school with id {school_id}.", returncode=2)
        recalculate(school_year=year, school_ids=[school.pk])
        self.stdout.write(self.style.SUCCESS(f"Recalculated {school} for {year}."))
