"""Importing a school's staff list as exported from the school administration software.

A file goes through the same steps from the browser and the command line:
refuse it cheaply if it is hostile or not a staff list (the catalogue's
workbook guard for ``.xlsx``, a size cap and encoding detection for CSV),
read its rows, compare them with the school's staff (:func:`plan_import`), and
only then, all or nothing, write the plan (:func:`apply_plan`). People on the
staff but not in the file are listed and left alone unless the director
explicitly ends their appointments.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from tasks.importer import _refusal
from tasks.problems import RefusedFile
from tasks.workbook_guard import check_upload

from .models import Appointment, Post, School, StaffMember

MAX_ROWS = 5_000
CSV_EXTENSIONS = (".csv", ".txt")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
HEADER_SEARCH_ROWS = 10

# Normalised header text -> field. Headers are compared without accents,
# case, punctuation or spaces, so "E-mailadres", "e-mail adres" and "EMAIL" match.
HEADERS = {
    "first_name": ("voornaam", "voornamen", "firstname", "givenname", "roepnaam"),
    "last_name": (
        "naam", "familienaam", "achternaam", "lastname", "surname", "familyname", "name",
    ),
    "email": (
        "email", "emailadres", "emailaddress", "mail", "mailadres", "emailschool",
        "emailwerk", "workemail",
    ),
    "job": ("ambt", "functie", "job", "function", "position", "ambten", "post"),
}  # fmt: skip
FIELD_LABELS = {
    "first_name": "voornaam / first name",
    "last_name": "naam / last name",
    "email": "e-mail",
}
# Words in the job column -> job; the first match wins, anything else is a teacher.
JOB_WORDS = (
    ("directeur", Post.DIRECTOR), ("director", Post.DIRECTOR), ("directie", Post.DIRECTOR),
    ("ict", Post.ICT_COORDINATOR),
    ("administratie", Post.ADMINISTRATIVE), ("administratief", Post.ADMINISTRATIVE),
    ("administrative", Post.ADMINISTRATIVE), ("secretariaat", Post.ADMINISTRATIVE),
    ("opvoeder", Post.ADMINISTRATIVE), ("extern", Post.EXTERNAL), ("external", Post.EXTERNAL),
)  # fmt: skip


@dataclass(frozen=True)
class StaffImportError:
    """One problem; ``row`` is 0 and ``cell`` empty for the file as a whole."""

    message: str
    row: int = 0
    cell: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row or None, "cell": self.cell, "message": self.message}

    def __str__(self) -> str:
        where = self.cell or (str(self.row) if self.row else "")
        return f"{where}: {self.message}" if where else self.message


class RefusedStaffFile(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.error = StaffImportError(message)


@dataclass(frozen=True)
class StaffRow:
    row: int
    first_name: str
    last_name: str
    email: str
    job: str

    def values(self) -> tuple[str, str, str]:
        return (self.first_name, self.last_name, self.job)

    @property
    def job_label(self) -> str:
        return str(Post(self.job).label)


@dataclass
class StaffPlan:
    """What an import would do to a school's staff."""

    new: list[StaffRow] = field(default_factory=list)
    changed: list[tuple[StaffMember, StaffRow]] = field(default_factory=list)
    unchanged: list[tuple[StaffMember, StaffRow]] = field(default_factory=list)
    missing: list[StaffMember] = field(default_factory=list)
    errors: list[StaffImportError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def fingerprint(self) -> str:
        """Changes whenever the plan would do something else (checked before writing)."""
        parts = [f"n:{r.email}:{r.values()}" for r in self.new]
        parts += [f"c:{m.pk}:{r.values()}" for m, r in self.changed]
        parts += [f"u:{m.pk}" for m, _r in self.unchanged]
        parts += [f"m:{m.pk}" for m in self.missing]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]

    def as_json(self, *, dry_run: bool) -> dict[str, Any]:
        return {
            "created": len(self.new) if self.ok else 0,
            "updated": len(self.changed) if self.ok else 0,
            "unchanged": len(self.unchanged) if self.ok else 0,
            "not_in_file": [m.email or m.full_name for m in self.missing] if self.ok else [],
            "errors": [error.as_json() for error in self.errors],
            "dry_run": dry_run,
        }


# --- Reading -----------------------------------------------------------------------------


def max_bytes() -> int:
    return int(getattr(settings, "STAFF_UPLOAD_MAX_BYTES", 2 * 1024 * 1024))


def read_rows(data: bytes, file_name: str) -> list[tuple[int, list[str]]]:
    """The non-blank rows of an upload as (row number, cell texts); refuses bad files."""
    if not data:
        raise RefusedStaffFile(_("The file is empty."))
    if len(data) > max_bytes():
        raise RefusedStaffFile(
            _("The file is larger than %(limit)s MB.") % {"limit": max_bytes() // (1024 * 1024)}
        )
    suffix = PurePath(file_name).suffix.lower()
    if suffix in CSV_EXTENSIONS:
        rows = _csv_rows(data)
    elif suffix in XLSX_EXTENSIONS:
        rows = _xlsx_rows(data, file_name)
    else:
        raise RefusedStaffFile(
            _("Only an Excel workbook (.xlsx) or a CSV file (.csv) can be imported.")
        )
    numbered = [(n, cells) for n, cells in rows if any(cells)]
    if not numbered:
        raise RefusedStaffFile(_("The file is empty."))
    return numbered


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise RefusedStaffFile(
            _("This is not a CSV text file. Export the staff list as CSV or Excel (.xlsx).")
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        raise RefusedStaffFile(_("The file is not valid UTF-8 text.")) from exc
    lines = text.splitlines()
    if len(lines) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise RefusedStaffFile(_("The file has more than %(limit)s rows.") % {"limit": MAX_ROWS})
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    if "\t" in first and first.count("\t") > first.count(delimiter):
        delimiter = "\t"
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        return [(n, [c.strip() for c in cells]) for n, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise RefusedStaffFile(
            _("The CSV file could not be read: %(detail)s") % {"detail": str(exc)[:200]}
        ) from exc


def _xlsx_rows(data: bytes, file_name: str) -> list[tuple[int, list[str]]]:
    try:
        check_upload(data, file_name, max_bytes=max_bytes())
    except RefusedFile as exc:
        raise RefusedStaffFile(exc.problem.message) from exc
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except Exception as exc:
        raise RefusedStaffFile(_refusal(exc).problem.message) from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        rows: list[tuple[int, list[str]]] = []
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise RefusedStaffFile(
                        _("The file has more than %(limit)s rows.") % {"limit": MAX_ROWS}
                    )
                rows.append((number, [_text(v) for v in values]))
        except RefusedStaffFile:
            raise
        except Exception as exc:
            raise RefusedStaffFile(_refusal(exc).problem.message) from exc
        return rows
    finally:
        workbook.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _normalise(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in plain if ch.isalnum())


def _header(rows: Sequence[tuple[int, list[str]]]) -> tuple[int, dict[str, int]]:
    """The header row's index in ``rows`` and the column of each field it names."""
    lookup = {word: name for name, words in HEADERS.items() for word in words}
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(cells):
            name = lookup.get(_normalise(cell))
            if name and name not in columns:
                columns[name] = position
        if "email" in columns and ("last_name" in columns or "first_name" in columns):
            return index, columns
    raise RefusedStaffFile(
        _(
            "No header row with the columns first name, last name and e-mail was found. "
            "Name them voornaam, naam (or familienaam) and e-mail."
        )
    )


def _job(text: str) -> str:
    plain = _normalise(text)
    return next((job for word, job in JOB_WORDS if word in plain), Post.TEACHER)


def parse(data: bytes, file_name: str) -> tuple[list[StaffRow], list[StaffImportError]]:
    """The staff rows of a file and the problems of its rows; refuses unreadable files."""
    rows = read_rows(data, file_name)
    start, columns = _header(rows)
    missing = [FIELD_LABELS[name] for name in FIELD_LABELS if name not in columns]
    if missing:
        raise RefusedStaffFile(
            _("The header row lacks these columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    staff: list[StaffRow] = []
    errors: list[StaffImportError] = []
    seen: dict[str, int] = {}
    for number, cells in rows[start + 1 :]:

        def cell(name: str, cells: list[str] = cells) -> str:
            position = columns.get(name)
            return cells[position] if position is not None and position < len(cells) else ""

        def where(name: str, number: int = number) -> str:
            return f"{get_column_letter(columns[name] + 1)}{number}"

        row_errors = []
        for name in ("first_name", "last_name"):
            if not cell(name):
                row_errors.append(
                    StaffImportError(
                        _("this row has no %(field)s") % {"field": FIELD_LABELS[name]},
                        number,
                        where(name),
                    )
                )
            elif len(cell(name)) > 100:
                row_errors.append(
                    StaffImportError(_("longer than 100 characters"), number, where(name))
                )
        email = cell("email").lower()
        if not email:
            row_errors.append(
                StaffImportError(_("this row has no e-mail address"), number, where("email"))
            )
        else:
            try:
                validate_email(email)
            except ValidationError:
                row_errors.append(
                    StaffImportError(
                        _('"%(value)s" is not a valid e-mail address')
                        % {"value": cell("email")[:100]},
                        number,
                        where("email"),
                    )
                )
            else:
                if email in seen:
                    row_errors.append(
                        StaffImportError(
                            _("%(email)s appears more than once (also in row %(other)s)")
                            % {"email": email, "other": seen[email]},
                            number,
                            where("email"),
                        )
                    )
                seen.setdefault(email, number)
        if row_errors:
            errors.extend(row_errors)
            continue
        staff.append(
            StaffRow(number, cell("first_name"), cell("last_name"), email, _job(cell("job")))
        )
    if not staff and not errors:
        raise RefusedStaffFile(_("The file has a header row but no staff below it."))
    return staff, errors


# --- Planning and writing ------------------------------------------------------------------


def plan_import(*, school: School, data: bytes, file_name: str) -> StaffPlan:
    """Compare a file with the school's staff; writes nothing. Never raises for a bad file."""
    plan = StaffPlan()
    try:
        rows, plan.errors = parse(data, file_name)
    except RefusedStaffFile as refused:
        plan.errors = [refused.error]
        return plan
    current = {
        (m.email or "").lower(): m
        for m in StaffMember.objects.filter(
            appointments__school=school, appointments__is_active=True
        ).exclude(email="")
    }
    jobs = dict(
        Appointment.objects.filter(school=school, is_active=True).values_list(
            "staff_member_id", "post"
        )
    )
    for row in rows:
        member = current.pop(row.email, None)
        if member is None:
            plan.new.append(row)
        elif (member.first_name, member.last_name, jobs.get(member.pk)) == row.values():
            plan.unchanged.append((member, row))
        else:
            plan.changed.append((member, row))
    plan.missing = sorted(current.values(), key=lambda m: (m.last_name, m.first_name))
    plan.missing += list(
        StaffMember.objects.filter(
            appointments__school=school, appointments__is_active=True, email=""
        ).order_by("last_name", "first_name")
    )
    return plan


class PlanChanged(Exception):
    """The staff changed between the preview and the confirmation."""


def apply_import(
    *,
    school: School,
    data: bytes,
    file_name: str,
    fingerprint: str | None = None,
    end_for: Iterable[int] = (),
) -> StaffPlan:
    """Write an import, all or nothing, and end the appointments the director chose.

    ``fingerprint`` is the preview's: when the plan would now do something
    else, :class:`PlanChanged` is raised and nothing is written. ``end_for``
    holds ids of staff members not in the file whose appointments end.
    """
    from .services import end_appointment

    with transaction.atomic():
        plan = plan_import(school=school, data=data, file_name=file_name)
        if not plan.ok:
            return plan
        if fingerprint is not None and fingerprint != plan.fingerprint:
            raise PlanChanged
        for row in plan.new:
            _upsert_new(school, row)
        for member, row in plan.changed:
            member.first_name, member.last_name = row.first_name, row.last_name
            member.save(update_fields=["first_name", "last_name"])
            Appointment.objects.filter(staff_member=member, school=school).update(post=row.job)
        leaving = {m.pk: m for m in plan.missing}
        from .models import SchoolYear

        year = SchoolYear.current()
        for pk in end_for:
            if pk in leaving:
                end_appointment(member=leaving[pk], school=school, school_year=year)
        if plan.new:
            _recalculate(school)
    return plan


def _upsert_new(school: School, row: StaffRow) -> None:
    """Add a person from the file; someone who left this school and is back is reappointed."""
    member = (
        StaffMember.objects.filter(appointments__school=school, email__iexact=row.email)
        .order_by("pk")
        .first()
    )
    if member is None:
        member = StaffMember.objects.create(
            first_name=row.first_name, last_name=row.last_name, email=row.email
        )
    else:
        member.first_name, member.last_name = row.first_name, row.last_name
        member.save(update_fields=["first_name", "last_name"])
    Appointment.objects.update_or_create(
        staff_member=member, school=school, defaults={"post": row.job, "is_active": True}
    )


def _recalculate(school: School) -> None:
    from .services import group_schools, mark_from_now

    mark_from_now(group_schools(school))
