"""Small task-overview workbooks built in the tests, in the layouts people really use."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

Row = Sequence[Any]


def workbook_bytes(
    rows: Sequence[Row],
    *,
    title: str = "Taken",
    before: Sequence[tuple[str, Sequence[Row]]] = (),
    merge_headings: bool = False,
    hidden_columns: Sequence[str] = (),
    hidden: bool = False,
) -> bytes:
    """An .xlsx with ``rows`` on sheet ``title``, after the sheets in ``before``.

    With ``merge_headings``, every row holding a single value in column A is
    merged across the width of the sheet, as group headings often are.
    """
    book = Workbook()
    book.remove(book.active)
    for name, sheet_rows in before:
        sheet = book.create_sheet(name)
        for row in sheet_rows:
            sheet.append(list(row))
    sheet = book.create_sheet(title)
    width = max((len(row) for row in rows), default=1)
    for number, row in enumerate(rows, start=1):
        sheet.append(list(row))
        filled = [value for value in row if value not in (None, "")]
        if merge_headings and len(filled) == 1 and row and row[0] == filled[0] and width > 1:
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
    for column in hidden_columns:
        sheet.column_dimensions[column].hidden = True
    if hidden:
        sheet.sheet_state = "hidden"
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook ``data`` with its archive member ``name`` replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            body = content if member.filename == name else source.read(member)
            target.writestr(member, body)
    return stream.getvalue()


SIMPLE_HEADER = [
    "Nr.",
    "Taak",
    "Omschrijving",
    "Groep",
    "Rol",
    "Frequentie",
    "Uren per jaar",
    "Niveau",
]


def simple_rows(count: int = 3, **overrides: Any) -> list[list[Any]]:
    """A header and ``count`` valid tasks with codes, groups in a column."""
    groups = ["Technisch", "Pedagogisch-didactisch", "Beleid en visie", "Administratief"]
    rows: list[list[Any]] = [SIMPLE_HEADER]
    for index in range(1, count + 1):
        rows.append(
            [
                f"T{index:02d}",
                f"Taak {index}",
                f"Omschrijving {index}",
                groups[index % 4],
                "technicus",
                "wekelijks",
                index * 2,
                "school",
            ]
        )
    return rows


def add_part(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook ``data`` with one more archive member."""
    stream = io.BytesIO(data)
    with zipfile.ZipFile(stream, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return stream.getvalue()


def as_xlsm(data: bytes) -> bytes:
    """A macro-enabled copy of ``data``: the .xlsm content type and a VBA project part."""
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    data = replace_part(data, "[Content_Types].xml", types)
    # Not a real VBA project: the point is that nothing ever tries to run it.
    return add_part(data, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 512)
