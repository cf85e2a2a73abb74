"""Re-import is an upsert: created, updated, unchanged and retired, never deleted."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext

from tasks.models import CatalogueImport, Task
from tasks.services import import_file

from .workbooks import simple_rows, workbook_bytes

pytestmark = pytest.mark.django_db


def run(rows, dry_run=False):
    # These tests are about matching and retiring: the share retired is not their subject.
    outcome = import_file(
        data=workbook_bytes(rows), file_name="t.xlsx", dry_run=dry_run, allow_retire=True
    )
    assert outcome.ok, outcome.problems
    return outcome.as_json()


def counts(result):
    return {key: result[key] for key in ("created", "updated", "unchanged", "retired")}


def test_first_import_creates_every_task():
    assert counts(run(simple_rows(4))) == {"created": 4, "updated": 0, "unchanged": 0, "retired": 0}
    task = Task.objects.get(code="T01")
    assert (task.title, task.title_key, task.hours_per_year, task.is_active) == (
        "Taak 1",
        "taak 1",
        Decimal("2.00"),
        True,
    )


def test_reimport_by_code_reports_each_kind():
    run(simple_rows(4))
    rows = simple_rows(5)
    rows[1][1] = "Taak 1, hernoemd"  # T01 changed
    rows[2][6] = "7,5"  # T02 changed
    del rows[4]  # T04 gone
    result = run(rows)
    assert counts(result) == {"created": 1, "updated": 2, "unchanged": 1, "retired": 1}
    assert Task.objects.get(code="T01").title == "Taak 1, hernoemd"
    assert Task.objects.get(code="T02").hours_per_year == Decimal("7.50")
    retired = Task.objects.get(code="T04")
    assert not retired.is_active and retired.retired_at is not None
    assert Task.objects.count() == 5


def test_retired_task_keeps_its_id_and_comes_back_when_it_reappears():
    run(simple_rows(2))
    pk = Task.objects.get(code="T02").pk
    run(simple_rows(1))
    result = run(simple_rows(2))
    assert counts(result) == {"created": 0, "updated": 1, "unchanged": 1, "retired": 0}
    task = Task.objects.get(code="T02")
    assert (task.pk, task.is_active, task.retired_at) == (pk, True, None)


def test_without_codes_tasks_match_on_group_and_normalised_title():
    rows = [
        ["Taak", "Groep", "Uren"],
        ["Wifi beheren", "Technisch", 3],
        ["GDPR", "Administratief", 1],
    ]
    run(rows)
    again = [
        ["Taak", "Groep", "Uren"],
        ["  WIFI   beheren ", "technisch", 4],
        ["Website", "Administratief", 2],
    ]
    result = run(again)
    assert counts(result) == {"created": 1, "updated": 1, "unchanged": 0, "retired": 1}
    assert Task.objects.get(title_key="wifi beheren").hours_per_year == 4


def test_codes_added_later_attach_to_the_tasks_already_there():
    run([["Taak", "Groep"], ["Wifi", "Technisch"]])
    pk = Task.objects.get().pk
    result = run([["Code", "Taak", "Groep"], ["T1", "Wifi", "Technisch"]])
    assert counts(result) == {"created": 0, "updated": 1, "unchanged": 0, "retired": 0}
    assert Task.objects.get().pk == pk
    assert Task.objects.get().code == "T1"


def test_dry_run_reports_but_writes_nothing():
    run(simple_rows(2))
    before = list(Task.objects.values())
    result = run(simple_rows(3), dry_run=True)
    assert result["dry_run"] is True
    assert counts(result) == {"created": 1, "updated": 0, "unchanged": 2, "retired": 0}
    assert list(Task.objects.values()) == before
    assert CatalogueImport.objects.first().status == CatalogueImport.Status.CHECKED


def test_each_import_is_recorded(maintainer):
    data = workbook_bytes(simple_rows(2))
    import_file(data=data, file_name="taken.xlsx", dry_run=False, user=maintainer)
    record = CatalogueImport.objects.get()
    assert (record.created_by, record.file_name, record.file_size, record.status) == (
        maintainer,
        "taken.xlsx",
        len(data),
        CatalogueImport.Status.APPLIED,
    )
    assert (record.created, record.row_count, record.sheet_name) == (2, 2, "Taken")
    assert record.finished_at is not None
    assert record.content is None


def test_catalogue_tasks_cannot_be_deleted_while_referenced_by_group():
    run(simple_rows(1))
    task = Task.objects.get()
    with pytest.raises(ProtectedError):
        task.group.delete()


def queries_for(rows) -> int:
    with CaptureQueriesContext(connection) as captured:
        run(rows)
    return len(captured)


def test_import_queries_grow_with_write_batches_not_with_rows():
    # SQLite caps a statement at 999 parameters, so its batches are smaller
    # than PostgreSQL's; either way far fewer than one query per row.
    small = queries_for(simple_rows(20))
    Task.objects.all().delete()
    assert queries_for(simple_rows(450)) <= small + 450 // 50
    rows = simple_rows(450)
    for row in rows[1:]:
        row[6] += 1
    assert queries_for(rows) <= small + 450 // 50


def test_a_title_match_never_takes_a_task_a_later_row_claims_by_code():
    run([["Code", "Taak", "Groep"], ["T1", "Wifi", "Technisch"]])
    result = run(
        [["Code", "Taak", "Groep"], ["", "Wifi", "Technisch"], ["T1", "Wifi 2", "Technisch"]]
    )
    assert counts(result) == {"created": 1, "updated": 1, "unchanged": 0, "retired": 0}
    assert Task.objects.get(code="T1").title == "Wifi 2"
    assert Task.objects.filter(code="", title="Wifi").exists()
