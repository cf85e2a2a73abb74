"""The daily reminder scan on Flanders-scale data: with about 1 % due, and with nothing due.

Usage: DATABASE_URL=postgres://... python bench/reminder_bench.py
       [--schools 4000] [--staff-per-school 30] [--tasks-per-school 150]
       [--due-percent 1] [--repeat 3]

Seeds the database with seed_scale when it holds fewer schools than asked,
gives every scale task without one a yearly schedule (set-wise), about
``--due-percent`` of them due on the scan day, and gives the staff e-mail
addresses. Then times the whole scan (occurrences, reminders, digests and
the e-mails, to an in-memory mail backend) a day on which nothing is due,
and on the scan day inside a transaction that is rolled back, so every run
sees the same data. Prints the time and the number of queries of each.
Targets: the nothing-due scan <= 0.2 s, and a query count that does not
depend on the number of schools.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LEAD_DAYS = 7


def _add_schedules(day, due_percent: float) -> int:  # type: ignore[no-untyped-def]  # a bench script: its Django types load only after django.setup()
    """A yearly schedule for every scale task without one; ``due_percent`` due on ``day``."""
    from django.db import transaction

    from teams.models import Schedule, SchoolTask

    tasks = list(
        SchoolTask.objects.filter(school__name__startswith="Schaalschool ", schedule__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rows = []
    for task_id in tasks:
        if random.random() * 100 < due_percent:
            due = day + timedelta(days=random.randint(0, LEAD_DAYS))
        else:
            due = day + timedelta(days=random.randint(LEAD_DAYS + 1, 330))
        rows.append(Schedule(school_task_id=task_id, rhythm="yearly", anchor=due,
                             lead_days=LEAD_DAYS, next_due_on=due,
                             remind_on=due - timedelta(days=LEAD_DAYS)))  # fmt: skip
    with transaction.atomic():
        Schedule.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _timed(day, *, keep: bool):  # type: ignore[no-untyped-def]  # a bench script: its Django types load only after django.setup()
    from django.db import connection, transaction

    from teams.reminders.scan import run_scan

    count = 0

    def counted(execute, sql, params, many, context):  # type: ignore[no-untyped-def]  # a bench script: its Django types load only after django.setup()
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(counted):
        start = time.perf_counter()
        result = run_scan(on=day)
        elapsed = time.perf_counter() - start
        if not keep:
            transaction.set_rollback(True)
    return elapsed, count, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=4000)
    parser.add_argument("--staff-per-school", type=int, default=30)
    parser.add_argument("--tasks-per-school", type=int, default=150)
    parser.add_argument("--due-percent", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ictteam.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["EMAIL_URL"] = "memorymail://"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from teams.models import Occurrence, Schedule, School, StaffMember
    from teams.scale import seed_scale

    random.seed(13)
    call_command("migrate", verbosity=0)
    if connection.vendor != "postgresql":
        print(f"note: running on {connection.vendor}; the targets are set for PostgreSQL")
    present = School.objects.filter(name__startswith="Schaalschool ").count()
    if present < args.schools:
        start = time.perf_counter()
        seed_scale(schools=args.schools - present, staff_per_school=args.staff_per_school,
                   tasks_per_school=args.tasks_per_school)  # fmt: skip
        print(f"seeded {args.schools - present} schools in {time.perf_counter() - start:.1f} s")
    day = timezone.localdate() + timedelta(days=30)
    start = time.perf_counter()
    # Schedules from an earlier run were seeded for another day: start again.
    scale = {"school_task__school__name__startswith": "Schaalschool "}
    Occurrence.objects.filter(**scale)._raw_delete(connection.alias)  # type: ignore[attr-defined]  # _raw_delete is Django's private fast delete, absent from the stubs
    Schedule.objects.filter(**scale)._raw_delete(connection.alias)  # type: ignore[attr-defined]  # _raw_delete is Django's private fast delete, absent from the stubs
    added = _add_schedules(day, args.due_percent)
    StaffMember.objects.filter(email="").update(email="bench@example.org")
    print(f"added {added} schedules in {time.perf_counter() - start:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    due = Schedule.objects.filter(remind_on__lte=day).count()
    print(f"database: {connection.vendor}; {School.objects.count()} schools, "
          f"{Schedule.objects.count()} schedules, {due} due on {day}")  # fmt: skip

    quiet = day - timedelta(days=LEAD_DAYS + 1)
    nothing = [_timed(quiet, keep=False) for _ in range(args.repeat)]
    busy = [_timed(day, keep=False) for _ in range(args.repeat)]
    for label, runs in (("nothing due", nothing), (f"~{args.due_percent:g} % due", busy)):
        times = [t for t, _q, _r in runs]
        _t, count, result = runs[-1]
        print(f"scan, {label}: {statistics.median(times):.3f} s (median of {args.repeat}; "
              + ", ".join(f"{t:.3f}" for t in times) + f"), {count} queries; "
              f"{result.occurrences} occurrences, {result.reminders} reminders, "
              f"{result.digests} digests, {result.sent} e-mails")  # fmt: skip
    quiet_time = statistics.median(t for t, _q, _r in nothing)
    print(f"target: nothing-due scan <= 0.2 s: {'met' if quiet_time <= 0.2 else 'NOT met'}")


if __name__ == "__main__":
    main()
