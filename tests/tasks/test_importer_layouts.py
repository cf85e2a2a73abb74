"""The layouts real copies of the task overview come in."""

import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from tasks.importer import read_workbook
from tasks.models import Frequency, Level, TaskGroup
from tasks.workbook_guard import check_upload

from .workbooks import as_xlsm, replace_part, simple_rows, workbook_bytes

pytestmark = pytest.mark.django_db


def read(data: bytes):
    return read_workbook(data, list(TaskGroup.objects.all()))


def test_header_below_title_rows_and_group_column(groups):
    rows = [["Takenoverzicht ICT-coördinatie"], ["Versie 2023"], [], *simple_rows(2)]
    parsed = read(workbook_bytes(rows))
    assert parsed.problems == []
    assert [(t.code, t.title, t.group.kind, t.row) for t in parsed.tasks] == [
        ("T01", "Taak 1", "pedagogical", 5),
        ("T02", "Taak 2", "policy", 6),
    ]
    first = parsed.tasks[0]
    assert first.description == "Omschrijving 1"
    assert first.suggested_role == "technicus"
    assert first.frequency == Frequency.WEEKLY
    assert first.hours_per_year == Decimal("2.00")
    assert first.level == Level.SCHOOL


def test_header_as_late_as_row_30_is_found(groups):
    rows = [[f"inleiding {n}"] for n in range(27)] + [[], *simple_rows(1)]
    parsed = read(workbook_bytes(rows))
    assert [t.title for t in parsed.tasks] == ["Taak 1"]
    assert parsed.tasks[0].row == 30


def test_group_headings_as_merged_bold_section_rows(groups):
    rows = [
        ["Overzicht van de ICT-taken"],
        ["Nr", "ICT-taak", "Toelichting", "Hoe vaak", "Tijd (u/jaar)"],
        ["1. Technische taken"],
        ["1.1", "Wifi beheren", "", "wekelijks", "20"],
        ["1.2", "Back-ups", "", "maandelijks", "12 uur"],
        [],
        ["2. Pedagogisch-didactische taken"],
        ["2.1", "Leerkrachten coachen", "In de klas", "wekelijks", "ca. 40"],
        ["3. BELEID EN VISIE"],
        ["3.1", "ICT-beleidsplan", "", "jaarlijks", "2,5"],
        ["ADMINISTRATIEF"],
        ["4.1", "GDPR-register", "", "", ""],
    ]
    parsed = read(workbook_bytes(rows, merge_headings=True))
    assert parsed.problems == []
    assert [(t.code, t.group.kind, t.hours_per_year) for t in parsed.tasks] == [
        ("1.1", "technical", Decimal("20.00")),
        ("1.2", "technical", Decimal("12.00")),
        ("2.1", "pedagogical", Decimal("40.00")),
        ("3.1", "policy", Decimal("2.50")),
        ("4.1", "administrative", None),
    ]


def test_headings_in_the_task_column(groups):
    rows = [["Taak", "Uren"], ["Technisch"], ["Wifi", 3], ["Administratief"], ["GDPR", 1]]
    parsed = read(workbook_bytes(rows))
    assert [(t.title, t.group.kind) for t in parsed.tasks] == [
        ("Wifi", "technical"),
        ("GDPR", "administrative"),
    ]


def test_english_headers(groups):
    rows = [
        ["ID", "Task", "Description", "Group", "Role", "Frequency", "Hours", "Level"],
        [
            "X1",
            "Network",
            "Wifi and cabling",
            "Technical",
            "technician",
            "weekly",
            12.5,
            "school group",
        ],
    ]
    parsed = read(workbook_bytes(rows))
    task = parsed.tasks[0]
    assert (task.code, task.group.kind, task.frequency, task.hours_per_year, task.level) == (
        "X1",
        "technical",
        Frequency.WEEKLY,
        Decimal("12.50"),
        Level.SCHOOL_GROUP,
    )


def test_only_a_task_column_is_required(groups):
    rows = [["Taken"], ["Technische taken"], ["Wifi"], ["Printers"]]
    parsed = read(workbook_bytes(rows))
    assert parsed.problems == []
    assert [t.title for t in parsed.tasks] == ["Wifi", "Printers"]
    assert all(t.hours_per_year is None and t.frequency == Frequency.AD_HOC for t in parsed.tasks)


def test_task_sheet_is_found_after_notes_and_info_sheets(groups):
    data = workbook_bytes(
        simple_rows(2),
        title="Takenlijst",
        before=[
            ("Info", [["Lees dit eerst"], ["Pas de lijst aan voor je school."]]),
            ("Notities", [["Vergadering 3/10"], ["Wie neemt wat op?"]]),
        ],
    )
    parsed = read(data)
    assert parsed.sheet == "Takenlijst"
    assert len(parsed.tasks) == 2


def test_visible_task_sheet_wins_over_a_hidden_copy(groups):
    book = Workbook()
    hidden = book.active
    hidden.title = "Oud"
    for row in simple_rows(5):
        hidden.append(row)
    hidden.sheet_state = "hidden"
    current = book.create_sheet("Nieuw")
    for row in simple_rows(2):
        current.append(row)
    stream = io.BytesIO()
    book.save(stream)
    parsed = read(stream.getvalue())
    assert parsed.sheet == "Nieuw"
    assert len(parsed.tasks) == 2


def test_blank_rows_hidden_columns_and_totals_are_skipped(groups):
    rows = simple_rows(2)
    rows.insert(2, [])
    rows.insert(2, [None, "   ", None])
    rows.append(["", "Totaal", "", "", "", "", 6, ""])
    parsed = read(workbook_bytes(rows, hidden_columns=["C", "E"]))
    assert parsed.problems == []
    assert [t.title for t in parsed.tasks] == ["Taak 1", "Taak 2"]
    assert parsed.tasks[0].description == "Omschrijving 1"


def test_numeric_codes_lose_their_spurious_decimals(groups):
    rows = [
        ["Nr", "Taak", "Groep"],
        [1, "Eerste", "Technisch"],
        [2.0, "Tweede", "Technisch"],
        [2.1, "Derde", "Technisch"],
    ]
    parsed = read(workbook_bytes(rows))
    assert [t.code for t in parsed.tasks] == ["1", "2", "2.1"]


def formula_workbook(*rows: list[object]) -> bytes:
    """A workbook as openpyxl saves it: formulas without a calculated value."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Taken"
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def test_formula_cells_read_their_saved_values(groups):
    data = formula_workbook(["Taak", "Groep", "Uren"], ["Wifi", "Technisch", "=2*6"])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    calculated = sheet.replace(b"<f>2*6</f>", b"<f>2*6</f><v>12</v>")
    assert calculated != sheet
    parsed = read(replace_part(data, "xl/worksheets/sheet1.xml", calculated))
    assert parsed.problems == []
    assert parsed.tasks[0].hours_per_year == Decimal("12.00")


def test_hours_formula_without_a_value_is_reported_not_read_as_unknown(groups):
    data = formula_workbook(
        ["Taak", "Groep", "Uren"], ["Wifi", "Technisch", "=2*6"], ["Back-ups", "Technisch", 4]
    )
    parsed = read(data)
    assert [t.title for t in parsed.tasks] == ["Back-ups"]
    assert [(p.code, p.cell, p.params) for p in parsed.problems] == [
        ("formula_without_value", "C2", {"formula": "=2*6"})
    ]
    message = parsed.problems[0].message
    assert "formule (=2*6) maar geen waarde" in message and "bewaar ze daar" in message


def test_title_formula_without_a_value_is_not_called_a_missing_title(groups):
    data = formula_workbook(
        ["Code", "Taak", "Groep"],
        ["T1", '=CONCATENATE("Wi", "fi")', "Technisch"],
        ["T2", "Back-ups", "Technisch"],
    )
    parsed = read(data)
    assert [(p.code, p.cell) for p in parsed.problems] == [("formula_without_value", "B2")]
    assert parsed.problems[0].params["formula"] == '=CONCATENATE("Wi", "fi")'


def test_xlsm_workbook_is_read_as_values_and_its_macros_ignored(groups):
    data = as_xlsm(workbook_bytes(simple_rows(1)))
    check_upload(data, "taken.xlsm", max_bytes=10**7)
    parsed = read(data)
    assert [t.title for t in parsed.tasks] == ["Taak 1"]


def test_footnote_after_the_last_task_is_ignored(groups):
    rows = [*simple_rows(1), [], ["* uren zijn schattingen"]]
    parsed = read(workbook_bytes(rows))
    assert parsed.problems == []
    assert len(parsed.tasks) == 1


def test_a_custom_group_is_recognised_by_its_exact_name(groups):
    TaskGroup.objects.create(name="Communicatie", position=5)
    rows = [["Taak", "Groep"], ["Nieuwsbrief", "communicatie"]]
    parsed = read(workbook_bytes(rows))
    assert parsed.tasks[0].group.name == "Communicatie"


def test_declared_dimension_is_not_trusted(groups):
    data = workbook_bytes(simple_rows(3))
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    lying = re.sub(rb'<dimension ref="[^"]+"\s*/>', b'<dimension ref="A1:A1"/>', sheet_xml)
    assert lying != sheet_xml
    parsed = read(replace_part(data, "xl/worksheets/sheet1.xml", lying))
    assert len(parsed.tasks) == 3
