"""Problems found in an uploaded workbook, worded in the reader's language.

A problem is stored as a code with parameters, not as a sentence, so that the
import history reads in the language of whoever opens it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, Promise] = {
    # The file as a whole.
    "empty": _("The file is empty."),
    "too_large": _("The file is larger than %(limit)s MB."),
    "wrong_extension": _("Only Excel workbooks (.xlsx or .xlsm) can be imported."),
    "not_xlsx": _(
        "This file is not an Excel workbook (.xlsx or .xlsm). "
        "Open it in Excel and save it as an Excel workbook."
    ),
    "ole": _(
        "This is an old Excel 97-2003 file (.xls) or a password-protected workbook. "
        "Save it as an Excel workbook (.xlsx) without a password and try again."
    ),
    "damaged": _("The workbook is damaged or incomplete. Was the upload interrupted?"),
    "encrypted_part": _("The workbook contains encrypted parts and cannot be read."),
    "too_many_parts": _("The workbook contains too many parts (%(count)s, at most %(limit)s)."),
    "unpacks_too_large": _(
        "The workbook unpacks to more than %(limit)s MB, far more than a task overview needs."
    ),
    "part_too_large": _(
        "The part %(part)s of the workbook unpacks to about %(size)s MB. At most %(limit)s MB "
        "is accepted per part, far more than a task overview needs (one of 200 tasks needs "
        "well under 1 MB). Copy the task sheet into a new, empty workbook and upload that."
    ),
    "unsafe_xml": _(
        "The workbook contains XML constructs that are not allowed (document type "
        "declarations or entities)."
    ),
    "too_many_cells": _(
        "The sheet %(part)s of the workbook declares %(cells)s cells; at most %(limit)s are "
        "accepted. Copy the rows you need into a new, empty workbook and upload that."
    ),
    "too_many_rows": _("The sheet has more than %(limit)s rows; split it up."),
    "no_task_sheet": _(
        "No sheet has a task column in its first %(rows)s rows. Name the column with "
        "the tasks Taak, Taken, ICT-taak or Task."
    ),
    "unreadable": _("The workbook could not be read: %(detail)s"),
    "no_tasks": _(
        "No tasks found: the sheet has a task column but no task rows under it. "
        "Nothing was imported and no task was retired."
    ),
    "retires_too_many": _(
        "This import would retire %(retired)s of the %(active)s active tasks, more than a "
        "quarter of the catalogue. Nothing was written. Check that this is the whole task "
        "overview; to retire them anyway, import again with --allow-retire."
    ),
    "groups_changed": _(
        "A group of the catalogue was removed since the preview. Upload the workbook again."
    ),
    "catalogue_changed": _(
        "The catalogue changed while this import was being written. Nothing was written; "
        "run the import again."
    ),
    "job_gave_up": _(
        "The import was stopped %(count)s times before it could finish (it took too long "
        "or too much memory). Nothing was changed. Remove what the task overview does not "
        "need, or split it, and upload it again."
    ),
    "too_slow": _(
        "Reading or importing the workbook took longer than %(limit)s seconds and was "
        "stopped. Nothing was changed."
    ),
    # One row or cell.
    "title_missing": _("this row has no task title"),
    "formula_without_value": _(
        "the cell holds a formula (%(formula)s) but no value: the program that saved the "
        "workbook did not calculate it. Open the workbook in Excel or LibreOffice Calc, "
        "save it there and upload it again, or type the value instead of the formula"
    ),
    "title_too_long": _("the task title is longer than %(limit)s characters"),
    "code_too_long": _("the code is longer than %(limit)s characters"),
    "role_too_long": _("the role is longer than %(limit)s characters"),
    "hours_not_number": _('"%(value)s" is not a number of hours'),
    "hours_negative": _("hours cannot be negative (%(value)s)"),
    "hours_too_high": _("%(value)s hours a year is more than the maximum of %(limit)s"),
    "duplicate_code": _('code "%(code)s" is used more than once (also in %(other)s)'),
    "duplicate_task": _('task "%(title)s" appears twice in this group (also in %(other)s)'),
    "unknown_group": _('"%(value)s" is not a known group (known groups: %(known)s)'),
    "no_group": _("no group for this task: add a group column or a group heading above it"),
    "unknown_heading": _(
        '"%(value)s" stands where a group heading would, but is not a known group '
        "(known groups: %(known)s)"
    ),
    "unknown_level": _('"%(value)s" is not a level: use school or school group'),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload; ``cell`` is empty for the file as a whole."""

    code: str
    sheet: str = ""
    cell: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % self.params if self.params else str(MESSAGES[self.code])

    @property
    def location(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def as_stored(self) -> dict[str, Any]:
        return {"code": self.code, "sheet": self.sheet, "cell": self.cell, "params": self.params}

    def as_json(self) -> dict[str, str]:
        return {"sheet": self.sheet, "cell": self.cell, "message": self.message}

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Problem:
        return cls(
            data["code"], data.get("sheet", ""), data.get("cell", ""), data.get("params", {})
        )


class RefusedFile(Exception):
    """The upload cannot be read as a task overview at all."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem
