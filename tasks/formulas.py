"""Formulas stored without a value, which a reader of values sees as empty cells.

A workbook saved by a program that does not calculate formulas (a script, some
exports) stores them without their result. Read for values, such a cell is
empty: a "missing" title, or worse, hours or a group silently left out. The
importer notes the empty cells of task rows; this finds which of them hold a
formula, in one streaming pass over that sheet, only when there are any.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Collection

from defusedxml.ElementTree import iterparse
from openpyxl.xml.constants import SHEET_MAIN_NS

CELL_TAG = f"{{{SHEET_MAIN_NS}}}c"
FORMULA_TAG = f"{{{SHEET_MAIN_NS}}}f"
VALUE_TAG = f"{{{SHEET_MAIN_NS}}}v"
SHOWN_LENGTH = 60


def formulas_without_value(data: bytes, sheet_path: str, cells: Collection[str]) -> dict[str, str]:
    """The formula of each of ``cells`` (like "C5") that has one but no stored value.

    Formulas are shortened to ``SHOWN_LENGTH`` characters for a message. The
    parser's errors propagate: the caller decides what a broken file means.
    """
    found: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(sheet_path) as part:
        for _, element in iterparse(part, forbid_dtd=True):
            if element.tag != CELL_TAG:
                continue
            reference = element.get("r", "")
            if reference in cells:
                formula = element.find(FORMULA_TAG)
                if formula is not None and not element.findtext(VALUE_TAG):
                    found[reference] = _shown("=" + (formula.text or "..."))
            element.clear()  # keep memory flat on a long sheet
    return found


def _shown(formula: str) -> str:
    if len(formula) <= SHOWN_LENGTH:
        return formula
    return formula[: SHOWN_LENGTH - 3] + "..."
