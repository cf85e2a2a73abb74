"""Reading a task overview workbook into rows, however it was edited by hand.

The reader finds the task sheet and its header row, recognises columns and
group headings by meaning, parses hours typed as text, and collects every
problem with its sheet and cell. It never touches the database apart from
reading the groups, and it reports progress through a callback, so the same
code serves a command, a web request and a job.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

import openpyxl
from celery.exceptions import SoftTimeLimitExceeded
from defusedxml import DefusedXmlException
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.exceptions import InvalidFileException

from .formulas import formulas_without_value
from .models import MAX_TASK_HOURS, Level, Task, TaskGroup
from .problems import Problem, RefusedFile
from .vocabulary import HoursError, field_for_header, find_group, parse_frequency, parse_hours
from .vocabulary import parse_level as _parse_level

HEADER_SEARCH_ROWS = 30
MAX_ROWS = 50_000
PROGRESS_EVERY = 500
TOTAL_WORDS = {"totaal", "total", "totalen", "subtotaal", "subtotal", "som", "sum", "totaal uren"}

Progress = Callable[[int, int], None]
logger = logging.getLogger(__name__)


@dataclass(slots=True)
class ParsedTask:
    """One task row as read from the workbook, with where it came from."""

    row: int
    title_cell: str
    code: str
    title: str
    title_key: str
    description: str
    group: TaskGroup
    suggested_role: str
    frequency: str
    hours_per_year: Decimal | None
    level: str

    def values(self) -> dict[str, Any]:
        """The task fields this row sets, keyed like :class:`tasks.models.Task`."""
        return {
            "code": self.code,
            "title": self.title,
            "description": self.description,
            "group_id": self.group.pk,
            "suggested_role": self.suggested_role,
            "frequency": self.frequency,
            "hours_per_year": self.hours_per_year,
            "level": self.level,
        }

    def as_stored(self) -> dict[str, Any]:
        """A JSON-ready copy, kept with an import between its preview and its writing."""
        values = self.values()
        hours = values["hours_per_year"]
        values["hours_per_year"] = None if hours is None else str(hours)
        return {
            **values,
            "row": self.row,
            "title_cell": self.title_cell,
            "title_key": self.title_key,
        }

    @classmethod
    def from_stored(cls, data: dict[str, Any], groups: dict[int, TaskGroup]) -> ParsedTask:
        """The row :meth:`as_stored` kept; ``KeyError`` when its group is gone."""
        hours = data["hours_per_year"]
        return cls(
            row=data["row"],
            title_cell=data["title_cell"],
            code=data["code"],
            title=data["title"],
            title_key=data["title_key"],
            description=data["description"],
            group=groups[data["group_id"]],
            suggested_role=data["suggested_role"],
            frequency=data["frequency"],
            hours_per_year=None if hours is None else Decimal(hours),
            level=data["level"],
        )


@dataclass
class ParsedWorkbook:
    """What the reader found: the task sheet, its tasks, and every problem."""

    sheet: str = ""
    tasks: list[ParsedTask] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def has_codes(self) -> bool:
        return any(task.code for task in self.tasks)


@dataclass
class _Header:
    row: int
    columns: dict[str, int]
    score: tuple[int, int]


def read_workbook(
    data: bytes, groups: Sequence[TaskGroup], progress: Progress | None = None
) -> ParsedWorkbook:
    """Read the task sheet of an already checked workbook (see ``workbook_guard``).

    Raises :class:`RefusedFile` when no sheet has a task column or the file
    turns out unreadable; row-level problems are collected, not raised.
    """
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except SoftTimeLimitExceeded:  # a job's time limit, not the file's fault
        raise
    except Exception as exc:
        raise _refusal(exc) from exc
    try:
        parsed, blanks = _read(workbook, list(groups), progress)
        if blanks:
            _report_formulas(parsed, data, blanks)
    finally:
        workbook.close()
    if not parsed.tasks and not parsed.problems:
        raise RefusedFile(Problem("no_tasks", parsed.sheet))
    return parsed


def _rows(sheet: Any, first: int, last: int | None = None) -> Iterator[tuple[Any, ...]]:
    """The values of a sheet's rows; the parser's failures become refusals.

    Only the parser is guarded here: a bug in our own reading code must still
    surface as one, not pass for a broken file.
    """
    rows = sheet.iter_rows(min_row=first, max_row=last, values_only=True)
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except SoftTimeLimitExceeded:  # a job's time limit, not the file's fault
            raise
        except Exception as exc:
            raise _refusal(exc) from exc
        yield values


def _refusal(exc: Exception) -> RefusedFile:
    """The message for a workbook the parser could not get through.

    The file is untrusted input at this point, so any failure of the parser is
    the file's fault and becomes a clear refusal rather than a server error.
    """
    cause: BaseException | None = exc
    while cause is not None:  # openpyxl wraps the parser's errors in its own
        if isinstance(cause, DefusedXmlException):
            return RefusedFile(Problem("unsafe_xml"))
        if isinstance(cause, zipfile.BadZipFile | EOFError):
            return RefusedFile(Problem("damaged"))
        cause = cause.__cause__ or cause.__context__
    logger.info("Unreadable workbook", exc_info=exc)
    detail = str(exc)[:200] if isinstance(exc, InvalidFileException) else type(exc).__name__
    return RefusedFile(Problem("unreadable", params={"detail": detail}))


def _read(
    workbook: Any, groups: list[TaskGroup], progress: Progress | None
) -> tuple[ParsedWorkbook, _Blanks]:
    declared_rows = {}
    try:
        sheets = list(workbook.worksheets)
        for sheet in sheets:
            declared_rows[sheet.title] = sheet.max_row or 0
            sheet.reset_dimensions()  # the declared dimension may be wrong: read what is there
    except SoftTimeLimitExceeded:  # a job's time limit, not the file's fault
        raise
    except Exception as exc:
        raise _refusal(exc) from exc
    sheet, header = _find_task_sheet(sheets)
    if sheet is None or header is None:
        raise RefusedFile(Problem("no_task_sheet", params={"rows": HEADER_SEARCH_ROWS}))
    reader = _SheetReader(sheet.title, header.columns, groups)
    for number, values in enumerate(_rows(sheet, header.row + 1), start=header.row + 1):
        if number > MAX_ROWS:
            raise RefusedFile(Problem("too_many_rows", sheet.title, params={"limit": MAX_ROWS}))
        reader.read_row(number, values)
        if progress and number % PROGRESS_EVERY == 0:
            progress(number, max(declared_rows[sheet.title], number))
    # openpyxl keeps the archive path of a read-only sheet only privately.
    return reader.finish(), _Blanks(sheet._worksheet_path, reader.blank_cells)


@dataclass
class _Blanks:
    """Empty cells of task rows, which may hide formulas that were never calculated."""

    sheet_path: str
    cells: set[str]

    def __bool__(self) -> bool:
        return bool(self.cells)


def _report_formulas(parsed: ParsedWorkbook, data: bytes, blanks: _Blanks) -> None:
    """Report the rows whose empty cells hold a formula without a value (see ``formulas``).

    Such a row is reported with its formula cells instead of with what their
    emptiness caused (a missing title, no group), and is not imported.
    """
    try:
        formulas = formulas_without_value(data, blanks.sheet_path, blanks.cells)
    except SoftTimeLimitExceeded:  # a job's time limit, not the file's fault
        raise
    except Exception as exc:  # the parser already read this sheet once
        raise _refusal(exc) from exc
    if not formulas:
        return
    rows = {_row_of(cell) for cell in formulas}
    parsed.tasks = [task for task in parsed.tasks if task.row not in rows]
    problems = [p for p in parsed.problems if not p.cell or _row_of(p.cell) not in rows]
    problems += [
        Problem("formula_without_value", parsed.sheet, cell, {"formula": formula})
        for cell, formula in formulas.items()
    ]
    parsed.problems = sorted(problems, key=lambda p: _position(p.cell))


def _row_of(cell: str) -> int:
    return int(coordinate_from_string(cell)[1])


def _position(cell: str) -> tuple[int, int]:
    if not cell:
        return (0, 0)
    column, row = coordinate_from_string(cell)
    return (row, column_index_from_string(column))


def _find_task_sheet(sheets: list[Any]) -> tuple[Any, _Header | None]:
    """The sheet whose header names the most fields; visible sheets first."""
    best_sheet, best_header, best_score = None, None, (-1, -1, -1)
    for sheet in sheets:
        header = _find_header(sheet)
        if header is None:
            continue
        score = (int(sheet.sheet_state == "visible"), *header.score)
        if score > best_score:
            best_sheet, best_header, best_score = sheet, header, score
    return best_sheet, best_header


def _find_header(sheet: Any) -> _Header | None:
    """The row among the first rows that names the most fields, including the task."""
    best: _Header | None = None
    for number, values in enumerate(_rows(sheet, 1, HEADER_SEARCH_ROWS), start=1):
        columns, exact = _columns(values)
        if "title" not in columns:
            continue
        score = (len(columns), exact)
        if best is None or score > best.score:
            best = _Header(number, columns, score)
    return best


def _columns(values: Iterable[Any]) -> tuple[dict[str, int], int]:
    """Which column holds which field, and how many headers matched exactly."""
    exact: dict[str, int] = {}
    loose: dict[str, int] = {}
    for index, value in enumerate(values):
        if not isinstance(value, str):
            continue
        name, is_exact = field_for_header(value)
        if name is not None:
            (exact if is_exact else loose).setdefault(name, index)
    columns = dict(exact)
    for name, index in loose.items():
        if name not in columns and index not in columns.values():
            columns[name] = index
    return columns, len(exact)


def _text(value: Any) -> str:
    """A cell value as clean text; numbers without a spurious ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _SheetReader:
    """Turns the rows under the header into tasks, following group headings.

    This runs once per row of files with tens of thousands of rows, so values
    that repeat (hours, groups, frequencies, levels) are parsed once and cached.
    """

    def __init__(self, sheet: str, columns: dict[str, int], groups: list[TaskGroup]) -> None:
        self.sheet = sheet
        self.columns = columns
        self.title_index = columns["title"]
        self.groups = groups
        self.known_groups = ", ".join(group.name for group in groups)
        self.result = ParsedWorkbook(sheet=sheet)
        self.current_group: TaskGroup | None = None
        self.unknown_heading: tuple[str, str] | None = None
        self.codes: dict[str, str] = {}
        self.titles: dict[tuple[int, str], str] = {}
        self.group_for = lru_cache(maxsize=256)(self._group_for)
        self.letters = {name: get_column_letter(index + 1) for name, index in columns.items()}
        self.blank_cells: set[str] = set()

    def problem(self, problem_code: str, cell: str, **params: Any) -> None:
        self.result.problems.append(Problem(problem_code, self.sheet, cell, params))

    def cell(self, name: str, number: int) -> str:
        return f"{self.letters[name]}{number}"

    def read_row(self, number: int, values: Sequence[Any]) -> None:
        filled = [
            index
            for index, value in enumerate(values)
            if value is not None and (not isinstance(value, str) or value.strip())
        ]
        if not filled:
            self.blank_cells.add(self.cell("title", number))  # a lone uncalculated title
            return
        if len(filled) == 1 and self._heading(number, filled[0], values[filled[0]]):
            return
        row = {name: values[index] if index < len(values) else None
               for name, index in self.columns.items()}  # fmt: skip
        self.blank_cells.update(
            self.cell(name, number) for name, value in row.items() if value is None
        )
        title = _text(row["title"])
        if not title:
            self.problem("title_missing", self.cell("title", number))
            return
        title_key = Task.key_for(title)
        if title_key in TOTAL_WORDS:
            return
        if self.unknown_heading:
            cell, text = self.unknown_heading
            self.problem("unknown_heading", cell, value=text, known=self.known_groups)
            self.unknown_heading = None
        task = self._task(number, row, title, title_key)
        if task is not None:
            self.result.tasks.append(task)

    def _heading(self, number: int, index: int, value: Any) -> bool:
        """Handle a row with one filled cell; True when it is not a task row."""
        if not isinstance(value, str):
            return False
        group = self.group_for(value.strip())
        if group is not None:
            self.current_group = group
            self.unknown_heading = None
            return True
        if index == self.title_index:
            return False
        # Text beside the task column: a heading if tasks follow, else a footnote.
        self.unknown_heading = (f"{get_column_letter(index + 1)}{number}", value.strip())
        return True

    def _group_for(self, text: str) -> TaskGroup | None:
        return find_group(text, self.groups)

    def _task(
        self, number: int, row: dict[str, Any], title: str, title_key: str
    ) -> ParsedTask | None:
        ok = True
        code = _text(row.get("code"))
        role = " ".join(_text(row.get("role")).split())
        for name, value, limit in (("code", code, 30), ("title", title, 300), ("role", role, 200)):
            if len(value) > limit:
                self.problem(f"{name}_too_long", self.cell(name, number), limit=limit)
                ok = False
        group = self._read_group(number, row)
        hours_ok, hours = self._read_hours(number, row)
        level = _level(_text(row.get("level")))
        if level is None:
            self.problem("unknown_level", self.cell("level", number), value=_text(row["level"]))
        title_cell = self.cell("title", number)
        ok = self._unique(number, title_cell, code, title_key, title, group) and ok
        if not ok or not hours_ok or group is None or level is None:
            return None
        return ParsedTask(
            row=number,
            title_cell=title_cell,
            code=code,
            title=" ".join(title.split()),
            title_key=title_key,
            description=_text(row.get("description")),
            group=group,
            suggested_role=role,
            frequency=_frequency(_text(row.get("frequency"))),
            hours_per_year=hours,
            level=level,
        )

    def _read_group(self, number: int, row: dict[str, Any]) -> TaskGroup | None:
        text = _text(row.get("group"))
        if text:
            group = self.group_for(text)
            if group is None:
                self.problem(
                    "unknown_group", self.cell("group", number), value=text, known=self.known_groups
                )
            return group
        if self.current_group is None:
            self.problem("no_group", self.cell("title", number))
        return self.current_group

    def _read_hours(self, number: int, row: dict[str, Any]) -> tuple[bool, Decimal | None]:
        """Whether the hours are valid, and the hours (None when unknown)."""
        raw = row.get("hours")
        try:
            problem, hours = _hours(raw)
        except TypeError:  # an unhashable cell value cannot be cached
            problem, hours = _hours.__wrapped__(raw)
        if problem:
            params: dict[str, Any] = {"value": _text(raw)}
            if problem == "hours_too_high":
                params["limit"] = int(MAX_TASK_HOURS)
            self.problem(problem, self.cell("hours", number), **params)
            return False, None
        return True, hours

    def _unique(
        self,
        number: int,
        title_cell: str,
        code: str,
        title_key: str,
        title: str,
        group: TaskGroup | None,
    ) -> bool:
        """False after reporting a code, or a title within its group, seen before."""
        here = f"{self.sheet}!{title_cell}"
        if code:
            other = self.codes.setdefault(code, here)
            if other != here:
                self.problem("duplicate_code", self.cell("code", number), code=code, other=other)
                return False
            return True
        if group is None:
            return True
        other = self.titles.setdefault((group.pk, title_key), here)
        if other != here:
            self.problem("duplicate_task", title_cell, title=title, other=other)
            return False
        return True

    def finish(self) -> ParsedWorkbook:
        return self.result


@lru_cache(maxsize=4096, typed=True)  # typed: True and 1.0 are different cells
def _hours(raw: Any) -> tuple[str, Decimal | None]:
    """The problem code ("" if none) and the hours of one cell value."""
    try:
        hours = parse_hours(raw.strip() if isinstance(raw, str) else raw)
    except HoursError:
        return "hours_not_number", None
    if hours is None:
        return "", None
    if hours < 0:
        return "hours_negative", None
    if hours > MAX_TASK_HOURS:
        return "hours_too_high", None
    return "", hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@lru_cache(maxsize=512)
def _frequency(text: str) -> str:
    return parse_frequency(text)


@lru_cache(maxsize=512)
def _level(text: str) -> str | None:
    return _parse_level(text) if text else Level.SCHOOL
