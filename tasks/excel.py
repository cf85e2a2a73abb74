"""Writing workbooks that are safe to open: user text never runs as a formula."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .models import Level, Task


class Writable(Protocol):
    def write(self, data: bytes, /) -> Any: ...


# A spreadsheet treats text starting with one of these as a formula or command.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def cell(sheet: WriteOnlyWorksheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    """A cell for ``value``; text is always stored as text, never as a formula.

    Text that a spreadsheet would execute is also marked with Excel's quote
    prefix, so editing the cell later does not turn it into a formula either.
    The text itself is kept unchanged, so it reads back exactly.
    """
    if isinstance(value, Decimal):
        value = float(value)
    result = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        result.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            result.quotePrefix = True
    if bold:
        result.font = Font(bold=True)
    return result


def write_table(
    workbook: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int],
) -> WriteOnlyWorksheet:
    """Add a sheet with a bold, frozen, filterable header row and ``rows`` under it."""
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([cell(sheet, header, bold=True) for header in headers])
    count = 0
    for row in rows:
        sheet.append([cell(sheet, value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    return sheet


def catalogue_headers() -> list[str]:
    return [
        _("Code"),
        _("Group"),
        _("Task"),
        _("Description"),
        _("Role"),
        _("Frequency"),
        _("Hours per year"),
        _("Level"),
    ]


def write_catalogue(stream: Writable, tasks: QuerySet[Task] | None = None) -> int:
    """Write the active catalogue as a workbook the importer reads back unchanged.

    Returns the number of tasks written. Headers and labels are in the active
    language; the importer recognises both Dutch and English.
    """
    if tasks is None:
        tasks = Task.objects.active()
    tasks = tasks.select_related("group").order_by("group__position", "group__name", "code", "pk")
    levels = dict(Level.choices)
    rows = [
        [
            task.code,
            task.group.name,
            task.title,
            task.description,
            task.suggested_role,
            task.get_frequency_display(),
            task.hours_per_year,
            str(levels[task.level]),
        ]
        for task in tasks
    ]
    workbook = Workbook(write_only=True)
    write_table(
        workbook, _("Tasks"), catalogue_headers(), rows, widths=[10, 24, 50, 70, 28, 16, 14, 14]
    )
    info = workbook.create_sheet(_("Info"))
    info.append([cell(info, _("ICT-team task catalogue"), bold=True)])
    info.append(
        [
            cell(info, _("Exported on")),
            cell(info, date_format(timezone.localtime(), "DATETIME_FORMAT")),
        ]
    )
    info.append([cell(info, _("Number of tasks")), cell(info, len(rows))])
    workbook.save(stream)
    return len(rows)
