"""Import speed: a 10,000-task workbook against a raw openpyxl read of the same file.

Usage: python bench/import_bench.py [--tasks N] [--repeat R]

Runs on DATABASE_URL when set (an empty database: it deletes the catalogue
between runs), else on a throwaway SQLite file. Prints the
median wall time of a full import (checks, reading, comparing, writing,
recording), of a raw read-only iteration over the same workbook, their ratio
(target: at most 1.5), and the number of queries per import.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_workbook(count: int) -> bytes:
    from openpyxl import Workbook

    groups = ["Technisch", "Pedagogisch-didactisch", "Beleid en visie", "Administratief"]
    frequencies = ["dagelijks", "wekelijks", "maandelijks", "per trimester", "jaarlijks", "ad hoc"]
    # A normal (not write-only) workbook, so the sheet declares its dimension as
    # Excel's files do; the raw read then needs no extra pass to find it.
    book = Workbook()
    sheet = book.active
    sheet.title = "Takenoverzicht"
    sheet.append(["Takenoverzicht ICT-coördinatie"])
    sheet.append([])
    sheet.append(
        ["Nr.", "Taak", "Omschrijving", "Groep", "Rol", "Frequentie", "Uren per jaar", "Niveau"]
    )
    for index in range(count):
        sheet.append(
            [
                f"T{index:05d}",
                f"ICT-taak nummer {index} voor het team",
                f"Omschrijving van taak {index}: wat er moet gebeuren, door wie en wanneer.",
                groups[index % 4],
                ["technicus", "helpdesk", "mediacoach", "beleidsmedewerker"][index % 4],
                frequencies[index % len(frequencies)],
                f"{index % 40},5" if index % 3 else index % 60,
                "scholengroep" if index % 10 == 0 else "school",
            ]
        )
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def raw_read(data: bytes) -> int:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = 0
    for sheet in book.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            rows += 1
    book.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="ictteam-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ictteam.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # As in production: with DEBUG on, Django formats and keeps every query.
    os.environ.setdefault("DJANGO_DEBUG", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tasks.models import CatalogueImport, Task, TaskGroup
    from tasks.services import import_file

    call_command("migrate", verbosity=0)
    if Task.objects.exists():
        raise SystemExit(
            "import_bench deletes the catalogue between runs: give it an empty database "
            "(leave DATABASE_URL unset for a throwaway SQLite file)."
        )
    TaskGroup.objects.ensure_standard()
    data = build_workbook(args.tasks)
    print(f"database: {connection.vendor}; workbook: {args.tasks} tasks, {len(data) / 1e6:.2f} MB")

    queries = {}
    for count, workbook in ((100, build_workbook(100)), (args.tasks, data)):
        Task.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            import_file(data=workbook, file_name="bench.xlsx", dry_run=False)
        queries[count] = len(captured)

    raw_times, import_times, reimport_times = [], [], []
    for _ in range(args.repeat):
        Task.objects.all().delete()
        CatalogueImport.objects.all().delete()
        start = time.perf_counter()
        raw_read(data)
        raw_times.append(time.perf_counter() - start)

        start = time.perf_counter()
        outcome = import_file(data=data, file_name="bench.xlsx", dry_run=False)
        import_times.append(time.perf_counter() - start)
        assert outcome.ok and outcome.record.created == args.tasks, outcome.problems

        start = time.perf_counter()
        outcome = import_file(data=data, file_name="bench.xlsx", dry_run=False)
        reimport_times.append(time.perf_counter() - start)
        assert outcome.record.unchanged == args.tasks

    raw, first, again = (statistics.median(t) for t in (raw_times, import_times, reimport_times))
    print(f"raw openpyxl read-only iteration: {raw:.3f} s (median of {args.repeat})")
    print(f"import, all tasks new:            {first:.3f} s")
    print(f"re-import, all unchanged:         {again:.3f} s")
    print(f"ratio import / raw read:          {first / raw:.2f} (target <= 1.5)")
    print(f"ratio re-import / raw read:       {again / raw:.2f}")
    print(
        "queries per import:               "
        + ", ".join(f"{n} for {count} rows" for count, n in queries.items())
        + " (grows with write batches, not per row)"
    )


if __name__ == "__main__":
    main()
