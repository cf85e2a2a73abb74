"""All or nothing: one invalid row, and nothing is written; every problem is listed."""

import pytest
from django.utils import translation

from tasks.models import CatalogueImport, Task
from tasks.services import import_file

from .workbooks import simple_rows, workbook_bytes

pytestmark = pytest.mark.django_db


def problems(rows, **options) -> list[str]:
    before = list(Task.objects.values_list("pk", "title", "hours_per_year"))
    outcome = import_file(data=workbook_bytes(rows, **options), file_name="t.xlsx", dry_run=False)
    assert list(Task.objects.values_list("pk", "title", "hours_per_year")) == before
    assert outcome.record.status == CatalogueImport.Status.INVALID
    return [str(problem) for problem in outcome.problems]


def test_hours_that_are_no_number_are_reported_in_dutch_with_sheet_and_cell():
    rows = simple_rows(13)
    rows[13][6] = "veel"
    with translation.override("nl"):
        assert problems(rows) == ['Taken!G14: "veel" is geen aantal uren']


def test_the_same_problem_in_english():
    rows = simple_rows(2)
    rows[2][6] = "veel"
    with translation.override("en"):
        assert problems(rows) == ['Taken!G3: "veel" is not a number of hours']


def test_every_problem_is_listed_and_nothing_written(groups):
    Task.objects.create(title="Bestaand", group=groups["technical"], hours_per_year=5)
    rows = simple_rows(6)
    rows[1][6] = -2
    rows[2][6] = "5000"
    rows[3][1] = ""
    rows[5][0] = "T01"
    rows[6][3] = "Sport"
    with translation.override("en"):
        found = problems(rows)
    assert found == [
        "Taken!G2: hours cannot be negative (-2)",
        "Taken!G3: 5000 hours a year is more than the maximum of 1000",
        "Taken!B4: this row has no task title",
        'Taken!A6: code "T01" is used more than once (also in Taken!B2)',
        'Taken!D7: "Sport" is not a known group (known groups: Technisch, '
        "Pedagogisch-didactisch, Beleid en visie, Administratief)",
    ]


def test_task_without_any_group():
    with translation.override("en"):
        found = problems([["Taak", "Uren"], ["Wifi", 3]])
    assert found == [
        "Taken!A2: no group for this task: add a group column or a group heading above it"
    ]


def test_unknown_group_heading_above_tasks():
    rows = [["Nr", "Taak"], ["Communicatie en promotie"], ["1", "Nieuwsbrief"]]
    with translation.override("en"):
        found = problems(rows)
    assert found[0].startswith('Taken!A2: "Communicatie en promotie" stands where a group heading')
    assert "Taken!B3: no group for this task" in found[1]


def test_duplicate_titles_without_codes():
    rows = [["Taak", "Groep"], ["Wifi", "Technisch"], [" wifi ", "technisch"]]
    with translation.override("en"):
        found = problems(rows)
    assert found == ['Taken!A3: task "wifi" appears twice in this group (also in Taken!A2)']


def test_unknown_level():
    rows = [["Taak", "Groep", "Niveau"], ["Wifi", "Technisch", "planeet"]]
    with translation.override("en"):
        assert problems(rows) == ['Taken!C2: "planeet" is not a level: use school or school group']


def test_problems_are_stored_and_read_back_in_the_readers_language():
    rows = simple_rows(1)
    rows[1][6] = "veel"
    import_file(data=workbook_bytes(rows), file_name="t.xlsx", dry_run=False)
    record = CatalogueImport.objects.get()
    assert record.errors == [
        {"code": "hours_not_number", "sheet": "Taken", "cell": "G2", "params": {"value": "veel"}}
    ]
