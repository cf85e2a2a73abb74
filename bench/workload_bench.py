"""Nightly recalculation against a plain SQL aggregate over the same assignments.

Usage: DATABASE_URL=postgres://... python bench/workload_bench.py
       [--schools 4000] [--staff-per-school 30] [--tasks-per-school 150] [--repeat 3]

Seeds the database with seed_scale first when it holds fewer schools than
asked (the seeding time is printed apart). Then times, in the same process,
the nightly recalculation of every school and one plain aggregate of
assignment hours per school and person over the same rows, and prints both
and their ratio (target: at most 2).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PLAIN_AGGREGATE = """
SELECT st.school_id, a.staff_member_id,
       SUM(COALESCE(a.hours, st.local_hours, t.hours_per_year, 0))
FROM teams_assignment a
JOIN teams_schooltask st ON st.id = a.school_task_id
LEFT JOIN tasks_task t ON t.id = st.catalogue_task_id
WHERE a.school_year_id = %s
GROUP BY st.school_id, a.staff_member_id
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=4000)
    parser.add_argument("--staff-per-school", type=int, default=30)
    parser.add_argument("--tasks-per-school", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ictteam.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from teams.models import Assignment, School, SchoolYear, StaffWorkload, WorkloadSnapshot
    from teams.scale import seed_scale
    from teams.workload import recalculate_all

    call_command("migrate", verbosity=0)
    if connection.vendor != "postgresql":
        print(f"note: running on {connection.vendor}; the target is set for PostgreSQL")
    present = School.objects.filter(name__startswith="Schaalschool ").count()
    if present < args.schools:
        start = time.perf_counter()
        seed_scale(schools=args.schools - present, staff_per_school=args.staff_per_school,
                   tasks_per_school=args.tasks_per_school)  # fmt: skip
        print(f"seeded {args.schools - present} schools in {time.perf_counter() - start:.1f} s")
    year = SchoolYear.current()
    rows = Assignment.objects.filter(school_year=year).count()
    print(f"database: {connection.vendor}; {School.objects.count()} schools, "
          f"{rows} assignments this school year")  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    nightly, plain = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        recalculate_all(year)
        nightly.append(time.perf_counter() - start)
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(PLAIN_AGGREGATE, [year.pk])
            result = cursor.fetchall()
        plain.append(time.perf_counter() - start)
    night, base = statistics.median(nightly), statistics.median(plain)
    print(f"staff figures written: {StaffWorkload.objects.filter(school_year=year).count()}, "
          f"school snapshots today: {WorkloadSnapshot.objects.filter(school_year=year).count()}, "
          f"plain aggregate rows: {len(result)}")  # fmt: skip
    print("nightly runs: " + ", ".join(f"{t:.3f}" for t in nightly) + " s (the first after "
          "seeding writes every figure; later ones only what changed)")  # fmt: skip
    print(f"nightly recalculation of all schools: {night:.3f} s (median of {args.repeat})")
    print(f"plain SQL aggregate over the same rows: {base:.3f} s")
    print(f"ratio: {night / base:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
