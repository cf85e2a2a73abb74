"""``manage.py recalculate_workload [--school ID] [--recount]``: workload figures, now, here.

``--recount`` first recounts every assignment's staffing fields (see
``teams.staffing``), for a maintainer who changed assignments by hand in the
database.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from teams import staffing
from teams.models import School, SchoolYear
from teams.workload import recalculate, recalculate_all


class Command(BaseCommand):
    help = "Recalculate the workload figures of every school, or of one, for the current year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", type=int, help="only this school (its id)")
        parser.add_argument(
            "--recount",
            action="store_true",
            help="first recount every assignment's staffing fields (after changes made by hand)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = SchoolYear.current()
        if options["recount"]:
            written = staffing.recount_all()
            self.stdout.write(f"Recounted the staffing of {written} assignments.")
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
