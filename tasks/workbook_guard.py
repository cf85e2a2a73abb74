"""Cheap checks on an uploaded workbook before any spreadsheet parser sees it.

An ``.xlsx`` file is a zip archive of XML parts. Everything here reads only the
archive's directory and the first bytes of each part, so a hostile file (a zip
bomb, an entity trick, a renamed PNG, a small file with a huge shared strings
or styles part) is refused in milliseconds.

The parser reads shared strings and styles whole, whatever the number of rows,
so every XML part is capped on its own, and the unpacked size of all of them
tells how long reading will take (``CheckedWorkbook.parsed_bytes``). A caller
that needs only a few columns may also cap the cells a sheet declares
(``max_cells``): a small file can declare a sheet of millions of cells.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from .problems import Problem, RefusedFile

ALLOWED_EXTENSIONS = (".xlsx", ".xlsm")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_PARTS = 500
MB = 1024 * 1024
MAX_UNPACKED_BYTES = 150 * MB
# Every part of a 200-task overview unpacks to well under 1 MB. A sheet is read
# row by row and MAX_ROWS bounds it too; other parts (shared strings, styles,
# the workbook, the theme...) are parsed whole, so they get a tighter cap.
MAX_SHEET_BYTES = 64 * MB
MAX_PART_BYTES = 16 * MB
PARSED_SUFFIXES = (".xml", ".rels", ".vml")
XML_SNIFF_BYTES = 4096
_UNSAFE_XML = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
# The sheet's declared used range, near its start: <dimension ref="A1:KN5000"/>.
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?"'
)


@dataclass(frozen=True)
class CheckedWorkbook:
    """What the checks learnt about a workbook that passed them."""

    parsed_bytes: int  # unpacked size of every part a parser may read
    declared_cells: int = 0  # cells the largest sheet says it uses (0: it does not say)


def check_upload(
    data: bytes, file_name: str, *, max_bytes: int, max_cells: int | None = None
) -> CheckedWorkbook:
    """Refuse ``data`` unless it looks like a workbook that is safe to parse.

    Raises :class:`RefusedFile` with the first reason found. Checks, in order:
    size, extension, file signature, archive directory (damage, encryption,
    part count, declared unpacked size of the whole and of each XML part),
    presence of a workbook part, document type declarations at the start of
    every XML part and, with ``max_cells``, the cells each sheet declares. A
    sheet may declare less than it holds: the reader still counts as it goes.
    """
    if not data:
        raise RefusedFile(Problem("empty"))
    if len(data) > max_bytes:
        raise RefusedFile(Problem("too_large", params={"limit": max_bytes // (1024 * 1024)}))
    if data.startswith(OLE_SIGNATURE):
        raise RefusedFile(Problem("ole"))
    if PurePath(file_name).suffix.lower() not in ALLOWED_EXTENSIONS:
        raise RefusedFile(Problem("wrong_extension"))
    if not data.startswith(ZIP_SIGNATURE):
        raise RefusedFile(Problem("not_xlsx"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise RefusedFile(Problem("damaged")) from exc
    with archive:
        _check_directory(members)
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or not any(
            name.endswith("workbook.xml") for name in names
        ):
            raise RefusedFile(Problem("not_xlsx"))
        declared = _check_xml_parts(archive, members, max_cells)
    return CheckedWorkbook(
        parsed_bytes=sum(m.file_size for m in members if m.filename.endswith(PARSED_SUFFIXES)),
        declared_cells=declared,
    )


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _check_directory(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_PARTS:
        raise RefusedFile(
            Problem("too_many_parts", params={"count": len(members), "limit": MAX_PARTS})
        )
    if any(member.flag_bits & 0x1 for member in members):
        raise RefusedFile(Problem("encrypted_part"))
    # zipfile stops at the declared size and fails the CRC check beyond it, so
    # the declared sizes bound what the parser can be made to inflate.
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise RefusedFile(Problem("unpacks_too_large", params={"limit": MAX_UNPACKED_BYTES // MB}))
    for member in members:
        if not member.filename.endswith(PARSED_SUFFIXES):
            continue
        limit = MAX_SHEET_BYTES if _is_sheet(member.filename) else MAX_PART_BYTES
        if member.file_size > limit:
            size = max(1, round(member.file_size / MB))
            raise RefusedFile(
                Problem(
                    "part_too_large",
                    params={"part": member.filename[:100], "size": size, "limit": limit // MB},
                )
            )


def _check_xml_parts(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], max_cells: int | None
) -> int:
    """Refuse unsafe XML and, with ``max_cells``, sheets declaring more cells; returns the
    most cells any sheet declares."""
    largest = 0
    for member in members:
        if not member.filename.endswith(PARSED_SUFFIXES):
            continue
        try:
            with archive.open(member) as part:
                head = part.read(XML_SNIFF_BYTES)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, ValueError) as exc:
            raise RefusedFile(Problem("damaged")) from exc
        if any(marker in head for marker in _UNSAFE_XML):
            raise RefusedFile(Problem("unsafe_xml"))
        if _is_sheet(member.filename):
            cells = declared_cells(head)
            largest = max(largest, cells)
            if max_cells is not None and cells > max_cells:
                raise RefusedFile(
                    Problem(
                        "too_many_cells",
                        params={"part": member.filename[:100], "cells": cells, "limit": max_cells},
                    )
                )
    return largest


def declared_cells(head: bytes) -> int:
    """How many cells a sheet's declared used range spans (0 when it declares none)."""
    found = _DIMENSION.search(head)
    if found is None:
        return 0
    first_col, first_row, last_col, last_row = found.groups()
    if last_col is None:
        return 1
    columns = abs(_column_number(last_col) - _column_number(first_col)) + 1
    return columns * (abs(int(last_row) - int(first_row)) + 1)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number
