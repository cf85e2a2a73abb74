"""``manage.py recalculate_workload``: the workload figures, from the one calculator.

- ``--school ID --json`` prints the calculator's result for that school and
  year as one JSON object and writes nothing;
- ``--school ID`` recalculates and stores that school's figures now;
- ``--all`` (or no option) marks every school and fans the work out as jobs
  (run in this process when no broker is configured);
- ``--check`` lists the schools whose stored figures differ from a fresh
  calculation (exit 1 when there are any), writing nothing.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from teams.models import School, SchoolYear, StaffMember
from teams.workload.calculator import SchoolCalculation
from teams.workload.figures import calculate_school, mark_everything, recalculate, stale_schools
from teams.workload.ranking import loads_in


class Command(BaseCommand):
    help = "Recalculate (or print, or check) the workload figures of one school or all of them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", type=int, help="only this school (its id)")
        parser.add_argument("--year", type=int, help="first calendar year of the school year")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--json", action="store_true", help="print the figures, write nothing")
        scope.add_argument("--all", action="store_true", help="every school, fanned out as jobs")
        scope.add_argument(
            "--check", action="store_true", help="list schools whose stored figures are stale"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = self._year(options["year"])
        school = self._school(options["school"])
        if options["json"]:
            if school is None:
                raise CommandError("--json needs --school ID.", returncode=2)
            self.stdout.write(json.dumps(as_json(school, year, calculate_school(school, year))))
            return
        if options["check"]:
            stale = stale_schools(year, None if school is None else [school.pk])
            for pk in stale:
                self.stdout.write(f"stale: school {pk}")
            if stale:
                raise CommandError(f"{len(stale)} school(s) with stale figures.", returncode=1)
            self.stdout.write(self.style.SUCCESS(f"All figures for {year} are current."))
            return
        if school is not None and not options["all"]:
            recalculate([school.pk], year)
            self.stdout.write(self.style.SUCCESS(f"Recalculated {school} for {year}."))
            return
        with transaction.atomic():
            count = mark_everything(year)
        self.stdout.write(self.style.SUCCESS(f"Recalculation of {count} schools for {year} sent."))

    def _year(self, start: int | None) -> SchoolYear:
        if start is None:
            return SchoolYear.current()
        year = SchoolYear.objects.filter(start_year=start).first()
        if year is None:
            raise CommandError(f"No school year {start} on record.", returncode=2)
        return year

    def _school(self, school_id: int | None) -> School | None:
        if school_id is None:
            return None
        school = School.objects.filter(pk=school_id).first()
        if school is None:
            raise CommandError(f"No school with id {school_id}.", returncode=2)
        return school


def as_json(school: School, year: SchoolYear, result: SchoolCalculation) -> dict[str, Any]:
    """The calculator's result in the command's JSON contract (hours as numbers), its people
    ranked as every page ranks them."""
    members = StaffMember.objects.filter(pk__in=list(result.people))
    return {
        "school": school.pk,
        "year": year.start_year,
        "people": [
            {
                "staff_id": p.staff_id,
                "name": member.full_name,
                "budget_hours": float(p.budget_hours) if p.budget_hours is not None else None,
                "carried_hours": float(p.carried_hours),
                "backup_hours": float(p.backup_hours),
                "percent": p.percent,
                "state": p.state,
                "by_group": {kind: float(hours) for kind, hours in p.by_group.items()},
            }
            for member, p in ((load.member, load.figures) for load in loads_in(members, result))
        ],
        "unassigned_tasks": result.risks.unassigned,
        "tasks_without_backup": result.risks.without_backup,
    }
