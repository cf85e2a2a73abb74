"""Export writes a workbook the importer reads back with zero changes, safe to open."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from tasks.excel import write_catalogue
from tasks.models import Frequency, Level, Task
from tasks.services import import_file

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil","klik")', "+1+1", "-2+3", "@SUM(A1)"]


@pytest.fixture
def catalogue(groups):
    tasks = [
        Task(
            code="T1",
            title="Wifi",
            description="Regel 1\nRegel 2",
            group=groups["technical"],
            suggested_role="netwerkbeheerder",
            frequency=Frequency.WEEKLY,
            hours_per_year=Decimal("12.5"),
            level=Level.SCHOOL,
        ),
        Task(
            code="P1",
            title="Coaching",
            group=groups["pedagogical"],
            frequency=Frequency.TRIMESTER,
            level=Level.SCHOOL_GROUP,
        ),
        Task(
            code="R1",
            title="Oud",
            group=groups["policy"],
            is_active=False,
            retired_at="2024-01-01T00:00Z",
        ),
    ]
    tasks += [
        Task(
            code=f"X{index}",
            title=text,
            description=text,
            suggested_role=text,
            group=groups["administrative"],
            frequency=Frequency.AD_HOC,
        )
        for index, text in enumerate(HOSTILE)
    ]
    for task in tasks:
        task.save()
    return tasks


def exported(language="nl") -> bytes:
    stream = io.BytesIO()
    with translation.override(language):
        write_catalogue(stream)
    return stream.getvalue()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_export_then_import_changes_nothing(catalogue, language):
    outcome = import_file(data=exported(language), file_name="export.xlsx", dry_run=False)
    assert outcome.ok, outcome.problems
    assert outcome.as_json() | {"errors": []} == {
        "created": 0,
        "updated": 0,
        "unchanged": 6,
        "retired": 0,
        "errors": [],
        "dry_run": False,
    }


def test_export_holds_only_active_tasks_with_readable_labels(catalogue):
    sheet = load_workbook(io.BytesIO(exported("nl"))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Code",
        "Groep",
        "Taak",
        "Omschrijving",
        "Rol",
        "Frequentie",
        "Uren per jaar",
        "Niveau",
    )
    assert (
        "T1",
        "Technisch",
        "Wifi",
        "Regel 1\nRegel 2",
        "netwerkbeheerder",
        "wekelijks",
        12.5,
        "school",
    ) in rows
    assert all(row[0] != "R1" for row in rows)


def test_text_a_spreadsheet_would_execute_is_written_as_inert_text(catalogue):
    data = exported()
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    book = load_workbook(io.BytesIO(data))
    cells = [
        cell
        for row in book.worksheets[0].iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    ]
    assert len(cells) == 3 * len(HOSTILE)
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    assert {cell.value for cell in cells} == set(HOSTILE)


@pytest.mark.parametrize("text", ["\tTab", "\rCR", "=1+1", "plain"])
def test_cells_never_hold_formulas(text):
    from openpyxl import Workbook

    from tasks.excel import cell

    sheet = Workbook(write_only=True).create_sheet()
    written = cell(sheet, text)
    assert written.data_type == "s"
    assert bool(written.quotePrefix) == (text != "plain")
