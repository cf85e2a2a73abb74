"""Reading a staff list as the school administration software exports it.

An upload is refused cheaply first (:func:`check_file`: size, kind, the
catalogue's workbook guard with a cap on cells), then read once
(:func:`read_staff`) into :class:`StaffRow` values: headers in Dutch or English
recognised by meaning, the text decoded per file, every cell checked.
Problems are stored as codes with parameters, so they read in the language of
whoever opens the import. Comparing the rows with a school's staff is
``teams.staff.staff_import``'s work.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import openpyxl
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from tasks.importer import _refusal
from tasks.problems import Problem, RefusedFile
from tasks.text import normalise
from tasks.workbook_guard import check_upload
from teams.models import Post
from teams.staff.identity import email_not_usable, normalise_email

MAX_ROWS = 5_000
# A staff list needs a handful of columns; 5,000 rows of 40 columns is far more than any.
MAX_CELLS = 200_000
MAX_NAME = 100  # StaffMember.first_name and last_name
MAX_EMAIL = 254  # StaffMember.email
CSV_EXTENSIONS = (".csv", ".txt")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
HEADER_SEARCH_ROWS = 10
SNIFF_BYTES = 4096
PROGRESS_EVERY = 250
NAMED_ROWS = 5  # rows named in one message, the rest counted

Progress = Callable[[int, int], None]

# --- Problems ----------------------------------------------------------------------------------

MESSAGES: dict[str, Promise] = {
    # The file as a whole.
    "empty": _("The file is empty."),
    "too_large": _("The file is larger than %(limit)s MB."),
    "wrong_extension": _("Only an Excel workbook (.xlsx) or a CSV file (.csv) can be imported."),
    "not_text": _("This is not a CSV text file. Export the staff list as CSV or Excel (.xlsx)."),
    "not_utf16": _("The file is not valid UTF-16 text. Save the file as UTF-8 again."),
    "mixed_encoding": _(
        "%(rows)s not valid UTF-8, while the rest of the file is: the file mixes two "
        "encodings. Save the file as UTF-8 again."
    ),
    "too_many_rows": _("The file has more than %(limit)s rows."),
    "too_many_cells": _(
        "The sheet has more than %(limit)s cells, far more than a staff list needs. Copy the "
        "rows you need into a new, empty workbook and upload that."
    ),
    "csv_unreadable": _("The CSV file could not be read: %(detail)s"),
    "no_header": _(
        "No header row with the columns first name, last name and e-mail was found. "
        "Name them voornaam, naam (or familienaam) and e-mail."
    ),
    "missing_columns": _("The header row lacks these columns: %(columns)s."),
    "no_staff": _("The file has a header row but no staff below it."),
    # One row or cell.
    "no_value": _("this row has no %(field)s"),
    "too_long": _("longer than %(limit)s characters"),
    "control_character": _(
        "contains an invisible control character (such as a NUL byte); remove it or export "
        "the list again"
    ),
    "invalid_email": _('"%(value)s" is not a valid e-mail address'),
    "duplicate_email": _("%(email)s appears more than once (also in row %(other)s)"),
    # A row left out of an import that goes ahead (``teams.staff.staff_import``); and
    # "email_not_usable", worded by ``identity.email_not_usable`` as on the staff form.
    "already_here": _("%(name)s already works in this school."),
}
FIELD_LABELS = {
    "first_name": _("first name"),
    "last_name": _("last name"),
    "email": _("e-mail"),
}


@dataclass(frozen=True)
class StaffImportError:
    """One problem; ``row`` is 0 and ``cell`` empty for the file as a whole.

    ``code`` names a message in :data:`MESSAGES`, or is ``workbook`` for the
    workbook guard's refusals (``params`` then hold the stored ``Problem``).
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    row: int = 0
    cell: str = ""

    @property
    def message(self) -> str:
        if self.code == "workbook":
            return Problem.from_stored(self.params).message
        if self.code == "email_not_usable":
            return str(email_not_usable().messages[0])
        if self.code == "refused":  # a service's refusal, already worded
            return str(self.params["message"])
        params = dict(self.params)
        if "field" in params:
            params["field"] = FIELD_LABELS[params["field"]]
        if "columns" in params:
            params["columns"] = ", ".join(str(FIELD_LABELS[name]) for name in params["columns"])
        if self.code == "mixed_encoding":
            params["rows"] = _rows_text(self.params["rows"], self.params.get("more", 0))
        text = str(MESSAGES[self.code])
        return text % params if params else text

    def as_stored(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params, "row": self.row, "cell": self.cell}

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> StaffImportError:
        return cls(data["code"], data.get("params") or {}, data.get("row", 0), data.get("cell", ""))

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row or None, "cell": self.cell, "message": self.message}

    def __str__(self) -> str:
        where = self.cell or (str(self.row) if self.row else "")
        return f"{where}: {self.message}" if where else self.message


def _rows_text(rows: list[int], more: int) -> str:
    listed = ", ".join(str(row) for row in rows)
    if more:
        listed = gettext("%(rows)s and %(more)s more") % {"rows": listed, "more": more}
    return ngettext("Row %(rows)s is", "Rows %(rows)s are", len(rows) + more) % {"rows": listed}


class RefusedStaffFile(Exception):
    """The file as a whole cannot be read as a staff list."""

    def __init__(self, code: str, **params: Any) -> None:
        self.error = StaffImportError(code, params)
        super().__init__(code)

    @classmethod
    def from_problem(cls, problem: Problem) -> RefusedStaffFile:
        refused = cls("workbook")
        refused.error = StaffImportError("workbook", problem.as_stored())
        return refused


# --- Rows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffRow:
    """One person as the file gives them."""

    row: int
    first_name: str
    last_name: str
    email: str  # normalised; "" for a person without an address
    post_text: str  # the post column's text; "" without one

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def name_key(self) -> tuple[str, str]:
        return name_key(self.first_name, self.last_name)

    def as_stored(self) -> list[Any]:
        return [self.row, self.first_name, self.last_name, self.email, self.post_text]

    @classmethod
    def from_stored(cls, data: list[Any]) -> StaffRow:
        return cls(*data)


def name_key(first_name: str, last_name: str) -> tuple[str, str]:
    """A name as people without an address are matched: NFC, single spaces, any case."""

    def plain(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).split()).casefold()

    return plain(first_name), plain(last_name)


@dataclass
class ParsedStaff:
    """What a staff list holds: its rows, its rows' problems, and whether it has posts."""

    rows: list[StaffRow] = field(default_factory=list)
    errors: list[StaffImportError] = field(default_factory=list)
    has_post_column: bool = False


# --- Headers and posts, by meaning --------------------------------------------------------------

# Header texts after tasks.text.normalise, per field; checked with and without spaces.
# fmt: off
HEADER_NAMES: dict[str, set[str]] = {
    "first_name": {
        "voornaam", "voornamen", "roepnaam", "first name", "firstname", "given name",
        "forename", "prenom",
    },
    "last_name": {
        "naam", "familienaam", "achternaam", "last name", "lastname", "surname",
        "family name", "name", "nom", "nom de famille",
    },
    "email": {
        "email", "e mail", "emailadres", "e mailadres", "e mail adres", "email adres",
        "email address", "e mail address", "mail", "mailadres", "email school",
        "email werk", "work email", "school email",
    },
    "post": {
        "ambt", "ambten", "functie", "functies", "function", "role", "rol", "job",
        "job title", "post", "position", "opdracht", "betrekking", "ambt functie",
        "hoofdambt", "functie omschrijving",
    },
}
# Words that give a header away when it is none of the above ("E-mailadres school",
# "Functie (hoofdambt)"); the first field that matches wins.
HEADER_WORDS: list[tuple[str, set[str]]] = [
    ("email", {"email", "mail", "emailadres", "mailadres", "emailaddress"}),
    ("first_name", {"voornaam", "voornamen", "roepnaam", "firstname", "first", "given"}),
    ("last_name", {"familienaam", "achternaam", "lastname", "surname", "family"}),
    ("post", {
        "ambt", "ambten", "hoofdambt", "functie", "functies", "function", "role", "rol",
        "job", "post", "position", "opdracht", "betrekking",
    }),
]
# fmt: on
_COMPACT_NAMES = {
    name: {text.replace(" ", "") for text in texts} for name, texts in HEADER_NAMES.items()
}


def field_for_header(text: object) -> str | None:
    """The field a header cell names, if any."""
    key = normalise(text)
    if not key:
        return None
    compact = key.replace(" ", "")
    for name, texts in HEADER_NAMES.items():
        if key in texts or compact in _COMPACT_NAMES[name]:
            return name
    words = set(key.split()) | {compact}
    return next((name for name, keywords in HEADER_WORDS if words & keywords), None)


# Stems found in the words of a post, in order: the first post whose stem is in a word of
# the text wins ("Leraar ICT" is a teacher, "ICT-coördinator" the ICT coordinator).
# fmt: off
POST_STEMS: list[tuple[str, tuple[str, ...]]] = [
    (Post.DIRECTOR, ("directeur", "director", "directie", "principal", "headteacher")),
    (Post.TEACHER, (
        "leraar", "lerares", "leerkracht", "onderwijzer", "teacher", "lesgever", "docent",
        "kleuterleid", "leermeester",
    )),
    (Post.ICT_COORDINATOR, ("ictco", "ictcoordinat", "ictverantwoordelijke")),
    (Post.ADMINISTRATIVE, (
        "administrati", "secretariaat", "secretaresse", "secretaris", "secretary",
        "opvoeder", "boekhoud", "onthaal",
    )),
    (Post.EXTERNAL, ("extern",)),
]
# fmt: on


def recognise_post(text: str) -> str | None:
    """The post a post cell means, or None when it means none of ours (or is empty)."""
    key = normalise(text)
    if not key:
        return None
    words = key.split()
    if "ict" in words:
        words.append("ict" + "".join(words[words.index("ict") + 1 :]))  # "ict coordinator"
    for post, stems in POST_STEMS:
        if any(stem in word for word in words for stem in stems):
            return post
    return Post.ICT_COORDINATOR if key in {"ict", "ict team"} else None


def post_key(text: str) -> str:
    """The post cell's text as the mapping of a file's posts keys it."""
    return normalise(text)[:100]


# --- Reading ----------------------------------------------------------------------------------


def max_bytes() -> int:
    return int(getattr(settings, "STAFF_UPLOAD_MAX_BYTES", 2 * 1024 * 1024))


def job_threshold() -> int:
    return int(getattr(settings, "STAFF_JOB_THRESHOLD_BYTES", 1024 * 1024))


def check_file(data: bytes, file_name: str) -> bool:
    """Refuse a file that cannot be a staff list, reading as little as possible; returns
    whether reading it takes long enough to leave to a job (a large workbook)."""
    if not data:
        raise RefusedStaffFile("empty")
    if len(data) > max_bytes():
        raise RefusedStaffFile("too_large", limit=max_bytes() // (1024 * 1024))
    suffix = PurePath(file_name).suffix.lower()
    if suffix in CSV_EXTENSIONS:
        return False
    if suffix not in XLSX_EXTENSIONS:
        raise RefusedStaffFile("wrong_extension")
    try:
        checked = check_upload(data, file_name, max_bytes=max_bytes(), max_cells=MAX_CELLS)
    except RefusedFile as refused:
        raise RefusedStaffFile.from_problem(refused.problem) from refused
    return checked.parsed_bytes > job_threshold()


def read_staff(data: bytes, file_name: str, progress: Progress | None = None) -> ParsedStaff:
    """The people in a checked file (:func:`check_file`) and the problems of its rows.

    Raises :class:`RefusedStaffFile` for a file that is not a staff list.
    """
    check_file(data, file_name)
    if PurePath(file_name).suffix.lower() in CSV_EXTENSIONS:
        rows = _csv_rows(data)
    else:
        rows = _xlsx_rows(data, progress)
    rows = [(number, cells) for number, cells in rows if any(cells)]
    if not rows:
        raise RefusedStaffFile("empty")
    return _staff(rows)


def _decode(data: bytes) -> str:
    """The text of a CSV file, in the one encoding the whole file is in.

    Valid UTF-8 (with or without a byte order mark) is UTF-8; a file without
    any UTF-8 is Windows-1252; a file that is UTF-8 except for some rows is
    refused, naming those rows, instead of being read as mojibake.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise RefusedStaffFile("not_utf16") from exc
    if b"\x00" in data[:SNIFF_BYTES]:
        raise RefusedStaffFile("not_text")
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    broken, utf8_seen = [], bom
    for number, line in enumerate(body.split(b"\n"), start=1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            broken.append(number)
        else:
            utf8_seen = utf8_seen or not text.isascii()
    if utf8_seen:
        raise RefusedStaffFile(
            "mixed_encoding", rows=broken[:NAMED_ROWS], more=max(0, len(broken) - NAMED_ROWS)
        )
    return body.decode("cp1252", errors="replace")


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    lines = text.splitlines()
    if len(lines) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise RefusedStaffFile("too_many_rows", limit=MAX_ROWS)
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    if "\t" in first and first.count("\t") > first.count(delimiter):
        delimiter = "\t"
    rows, cells_read = [], 0
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for cells in reader:
            cells_read += len(cells)
            if cells_read > MAX_CELLS:
                raise RefusedStaffFile("too_many_cells", limit=MAX_CELLS)
            rows.append((reader.line_num, [" ".join(cell.split()) for cell in cells]))
    except csv.Error as exc:
        raise RefusedStaffFile("csv_unreadable", detail=str(exc)[:200]) from exc
    return rows


def _xlsx_rows(data: bytes, progress: Progress | None) -> list[tuple[int, list[str]]]:
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except SoftTimeLimitExceeded:  # a job's time limit, not the file's fault
        raise
    except Exception as exc:
        raise RefusedStaffFile.from_problem(_refusal(exc).problem) from exc
    try:
        return _sheet_rows(workbook, progress)
    finally:
        workbook.close()


def _sheet_rows(workbook: Any, progress: Progress | None) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    cells_read = 0
    try:
        sheet = workbook.worksheets[0]
        declared = sheet.max_row or 0
        sheet.reset_dimensions()  # the declared dimension may be wrong: read what is there
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells_read += len(values)
            if cells_read > MAX_CELLS:
                raise RefusedStaffFile("too_many_cells", limit=MAX_CELLS)
            if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise RefusedStaffFile("too_many_rows", limit=MAX_ROWS)
            rows.append((number, [_text(value) for value in values]))
            if progress and number % PROGRESS_EVERY == 0:
                progress(number, max(declared, number))
    except (RefusedStaffFile, SoftTimeLimitExceeded):
        raise
    except Exception as exc:
        raise RefusedStaffFile.from_problem(_refusal(exc).problem) from exc
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _header(rows: Sequence[tuple[int, list[str]]]) -> tuple[int, dict[str, int]]:
    """The header row's index in ``rows`` and the column of each field it names."""
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(cells):
            name = field_for_header(cell)
            if name and name not in columns:
                columns[name] = position
        if "email" in columns and ("last_name" in columns or "first_name" in columns):
            return index, columns
    raise RefusedStaffFile("no_header")


def _staff(rows: list[tuple[int, list[str]]]) -> ParsedStaff:
    start, columns = _header(rows)
    missing = [name for name in FIELD_LABELS if name not in columns]
    if missing:
        raise RefusedStaffFile("missing_columns", columns=missing)
    parsed = ParsedStaff(has_post_column="post" in columns)
    seen: dict[str, int] = {}
    for number, cells in rows[start + 1 :]:
        row, errors = _row(number, cells, columns, seen)
        if errors:
            parsed.errors.extend(errors)
        elif row is not None:
            parsed.rows.append(row)
    if not parsed.rows and not parsed.errors:
        raise RefusedStaffFile("no_staff")
    return parsed


def _row(
    number: int, cells: list[str], columns: dict[str, int], seen: dict[str, int]
) -> tuple[StaffRow | None, list[StaffImportError]]:
    """One data row as a person, or its problems (``seen``: addresses in earlier rows)."""

    def cell(name: str) -> str:
        position = columns.get(name)
        return cells[position] if position is not None and position < len(cells) else ""

    def where(position: int) -> str:
        return f"{get_column_letter(position + 1)}{number}"

    for position, text in enumerate(cells):
        if any(unicodedata.category(ch) == "Cc" for ch in text):
            return None, [StaffImportError("control_character", {}, number, where(position))]
    errors = []
    for name in ("first_name", "last_name"):
        if not cell(name):
            errors.append(
                StaffImportError("no_value", {"field": name}, number, where(columns[name]))
            )
        elif len(cell(name)) > MAX_NAME:
            errors.append(
                StaffImportError("too_long", {"limit": MAX_NAME}, number, where(columns[name]))
            )
    email, spot = normalise_email(cell("email")), where(columns["email"])
    if len(email) > MAX_EMAIL:
        errors.append(StaffImportError("too_long", {"limit": MAX_EMAIL}, number, spot))
    elif email:
        try:
            validate_email(email)
        except ValidationError:
            value = cell("email")[:100]
            errors.append(StaffImportError("invalid_email", {"value": value}, number, spot))
        else:
            if email in seen:
                params = {"email": email, "other": seen[email]}
                errors.append(StaffImportError("duplicate_email", params, number, spot))
            seen.setdefault(email, number)
    if errors:
        return None, errors
    return StaffRow(number, cell("first_name"), cell("last_name"), email, cell("post")[:200]), []
