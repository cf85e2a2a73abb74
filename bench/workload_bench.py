"""Workload at Flanders scale: one school, a change to fresh figures, all schools, the trend.

Usage: DATABASE_URL=postgres://... REDIS_URL=redis://127.0.0.1:6379/9 \\
       python bench/workload_bench.py [--schools 4000] [--staff-per-school 30]
       [--tasks-per-school 150] [--sample 200] [--changes 50]

Seeds the database with seed_scale first when it holds fewer schools than asked
(the seeding time is printed apart). Then measures, in one run, and prints:

1. one school's recalculation (load, calculate, write) over ``--sample`` schools,
   p50/p95, against a bare fetch of that school's assignment rows (target: p95
   ratio <= 3);
2. the time from a director's change (a POST through Django's full request
   stack) to fresh figures on the dashboard, with the real Redis and one real
   Celery worker, over ``--changes`` changes (target: p95 <= 1 s);
3. the recalculation of every school as fanned-out jobs with 1 worker and with
   2 workers, against one plain SQL aggregate of the same hours (targets: <= 15x
   with 2 workers, and 2 workers >= 1.4x faster than 1);
4. the nightly snapshot against a plain INSERT ... SELECT of the same rows
   (target: <= 2x).
"""

import argparse
import datetime
import os
import random
import statistics
import subprocess
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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def worker(concurrency: int) -> subprocess.Popen[bytes]:
    """A real Celery worker on the same database and broker; returns once it is consuming."""
    celery = str(Path(sys.executable).with_name("celery"))
    process = subprocess.Popen(
        [celery, "-A", "ictteam", "worker", "--concurrency", str(concurrency), "--pool",
         "prefork", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel", "WARNING"],
        cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    from ictteam.celery import app

    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if time.monotonic() > deadline:
            process.terminate()
            raise SystemExit("the worker did not start")
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=60)


def one_school(year, sample: list[int]) -> None:  # type: ignore[no-untyped-def]  # a bench script: its Django types load only after django.setup()
    """One school's recalculation against a bare fetch of its assignment rows: the rows of
    every task on its list (its own and its school group's), as the board shows them; the
    fetch of its own tasks' rows alone is printed too."""
    from django.db.models import Q

    from teams.models import Assignment, School
    from teams.workload.figures import recalculate

    groups = dict(School.objects.filter(pk__in=sample).values_list("pk", "school_group_id"))
    recalc, fetch, own = [], [], []
    for school_id in sample:
        start = time.perf_counter()
        list(
            Assignment.objects.filter(school_year=year).filter(
                Q(school_task__school_id=school_id)
                | Q(school_task__school_group_id=groups[school_id])
            )
        )
        fetch.append(time.perf_counter() - start)
        start = time.perf_counter()
        list(Assignment.objects.filter(school_year=year, school_task__school_id=school_id))
        own.append(time.perf_counter() - start)
        start = time.perf_counter()
        recalculate([school_id], year)
        recalc.append(time.perf_counter() - start)
    p50, p95 = percentile(recalc, 0.5), percentile(recalc, 0.95)
    f50, f95 = percentile(fetch, 0.5), percentile(fetch, 0.95)
    o95 = percentile(own, 0.95)
    print(f"1. one school's recalculation over {len(sample)} schools: p50 {p50 * 1000:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms; bare fetch of the assignment rows of its list: p50 "
          f"{f50 * 1000:.1f} ms, p95 {f95 * 1000:.1f} ms; p95 ratio {p95 / f95:.2f} (target "
          f"<= 3); against its own tasks' rows alone (p95 {o95 * 1000:.1f} ms): "
          f"{p95 / o95:.2f}")  # fmt: skip


def change_to_fresh_figures(year, school_id: int, changes: int) -> None:  # type: ignore[no-untyped-def]  # a bench script: its Django types load only after django.setup()
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    from teams.assignments.distribution import task_row
    from teams.models import Assignment, Membership, School, SchoolWorkload, WorkloadRequest
    from teams.workload.reading import school_dashboard

    school = School.objects.get(pk=school_id)
    user, _ = User.objects.get_or_create(username="bench.directeur")
    Membership.objects.get_or_create(user=user, kind="director", school=school)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    tasks = list(
        school.tasks.filter(is_hidden=False).exclude(assignments__school_year=year).order_by("pk")
    )[:25]
    member = school.appointments.filter(is_active=True).first().staff_member
    process = worker(1)
    waits = []
    try:
        # Each task is given to someone, then taken back: two changes a task.
        # Round after round over the same tasks, until there were ``changes`` changes.
        rounds = [(task, action) for task in tasks for action in ("add", "remove")]
        steps = (rounds * (changes // max(1, len(rounds)) + 1))[:changes]
        for task, action in steps:
            before = SchoolWorkload.objects.get(school=school, school_year=year).computed_at
            start = time.perf_counter()
            if action == "add":
                response = client.post(
                    reverse("teams:assignment_add", args=[school.pk, task.pk]),
                    {f"t{task.pk}-staff_member": member.pk, f"t{task.pk}-kind": "responsible",
                     f"t{task.pk}-state": task_row(task, school, year).state,
                     "year": year.start_year},
                )  # fmt: skip
            else:
                given = Assignment.objects.get(school_task=task, school_year=year)
                response = client.post(
                    reverse("teams:assignment_remove", args=[school.pk, given.pk]),
                    {"version": given.version, "year": year.start_year, "confirm": "1"},
                )
            assert response.status_code == 302, response.status_code
            while True:
                data = school_dashboard(school, year)
                fresh = data.current is not None and data.current.computed_at > before
                if fresh and not WorkloadRequest.objects.filter(school=school).exists():
                    break
                time.sleep(0.005)
            waits.append(time.perf_counter() - start)
    finally:
        stop(process)
        Assignment.objects.filter(school_task__in=tasks, school_year=year).delete()
    print(f"2. change to fresh figures on the dashboard over {len(waits)} changes: "
          f"p50 {percentile(waits, 0.5) * 1000:.0f} ms, "
          f"p95 {percentile(waits, 0.95) * 1000:.0f} ms, "
          f"max {max(waits) * 1000:.0f} ms (target p95 <= 1000 ms)")  # fmt: skip


def everything(year) -> None:  # type: ignore[no-untyped-def]  # a bench script: its Django types load only after django.setup()
    from django.db import connection

    from teams.models import WorkloadRequest
    from teams.workload.figures import mark_everything

    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(PLAIN_AGGREGATE, [year.pk])
        rows = len(cursor.fetchall())
        plain = time.perf_counter() - start
    took = {}
    for concurrency in (1, 2):
        process = worker(concurrency)
        try:
            start = time.perf_counter()
            schools = mark_everything(year)
            while WorkloadRequest.objects.exists():
                time.sleep(0.05)
            took[concurrency] = time.perf_counter() - start
        finally:
            stop(process)
    print(f"3. all {schools} schools as fanned-out jobs: 1 worker {took[1]:.1f} s, 2 workers "
          f"{took[2]:.1f} s (speed-up {took[1] / took[2]:.2f}, target >= 1.4); plain SQL "
          f"aggregate {plain:.2f} s ({rows} rows); 2 workers / aggregate "
          f"{took[2] / plain:.1f}x (target <= 15)")  # fmt: skip


def snapshot(year) -> None:  # type: ignore[no-untyped-def]  # a bench script: its Django types load only after django.setup()
    from django.db import connection

    from teams.models import SCHOOL_FIGURES, WorkloadSnapshot
    from teams.workload.figures import take_snapshot

    columns = ", ".join(("school_id", "school_year_id", *SCHOOL_FIGURES))
    ours, plain = [], []
    night = datetime.date.today() + datetime.timedelta(days=100)  # nights with no copy yet
    for n in range(5):
        day = night + datetime.timedelta(days=n)
        start = time.perf_counter()
        copied = take_snapshot(year, day)
        ours.append(time.perf_counter() - start)
        with connection.cursor() as cursor:
            # The same rows into a table of the same shape, its indexes and constraints too.
            cursor.execute(
                "CREATE TEMPORARY TABLE bench_copy (LIKE teams_workloadsnapshot INCLUDING ALL)"
            )
            sql = (
                f"INSERT INTO bench_copy ({columns}, day) SELECT {columns}, %s "
                "FROM teams_schoolworkload WHERE school_year_id = %s"
            )
            start = time.perf_counter()
            cursor.execute(sql, [day, year.pk])
            plain.append(time.perf_counter() - start)
            cursor.execute("DROP TABLE bench_copy")
    WorkloadSnapshot.objects.filter(day__gte=night).delete()
    a, b = statistics.median(ours), statistics.median(plain)
    print(f"4. nightly snapshot of {copied} schools: {a * 1000:.1f} ms; plain INSERT ... SELECT "
          f"into a table of the same shape {b * 1000:.1f} ms; ratio {a / b:.2f} (target <= 2), "
          "medians of 5")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=4000)
    parser.add_argument("--staff-per-school", type=int, default=30)
    parser.add_argument("--tasks-per-school", type=int, default=150)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--changes", type=int, default=50)
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("set REDIS_URL: the change and fan-out figures need a real broker")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ictteam.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from teams.models import Assignment, School, SchoolYear
    from teams.scale import seed_scale
    from teams.workload.figures import mark_everything, recalculate_marked

    call_command("migrate", verbosity=0)
    if connection.vendor != "postgresql":
        print(f"note: running on {connection.vendor}; the targets are set for PostgreSQL")
    present = School.objects.filter(name__startswith="Schaalschool ").count()
    if present < args.schools:
        start = time.perf_counter()
        seed_scale(schools=args.schools - present, staff_per_school=args.staff_per_school,
                   tasks_per_school=args.tasks_per_school)  # fmt: skip
        print(f"seeded {args.schools - present} schools in {time.perf_counter() - start:.1f} s")
    year = SchoolYear.current()
    print(
        f"database: {connection.vendor}; {School.objects.count()} schools, "
        f"{Assignment.objects.filter(school_year=year).count()} assignments this school year"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    from ictteam.celery import app

    app.control.purge()
    # Figures for every school first, in this process, so each part starts from stored ones.
    from django.test.utils import override_settings

    with override_settings(CELERY_TASK_ALWAYS_EAGER=True):
        app.conf.task_always_eager = True
        mark_everything(year)
        app.conf.task_always_eager = False
    while recalculate_marked():
        pass
    ids = list(School.objects.filter(name__startswith="Schaalschool ").values_list("pk", flat=True))
    random.seed(7)
    one_school(year, random.sample(ids, min(args.sample, len(ids))))
    change_to_fresh_figures(year, random.choice(ids), args.changes)
    everything(year)
    snapshot(year)


if __name__ == "__main__":
    main()
