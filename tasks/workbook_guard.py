"""Cheap checks on an uploaded workbook before any spreadsheet parser sees it.

An ``.xlsx`` file is a zip archive of XML parts. Everything here reads only the
archive's directory and the first bytes of each part, so a hostile file (a zip
bomb, an entity trick, a renamed PNG) is refused in milliseconds.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from .problems import Problem, RefusedFile

ALLOWED_EXTENSIONS = (".xlsx", ".xlsm")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_PARTS = 500
MAX_UNPACKED_BYTES = 150 * 1024 * 1024
XML_SNIFF_BYTES = 4096
_UNSAFE_XML = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")


def check_upload(data: bytes, file_name: str, *, max_bytes: int) -> None:
    """Refuse ``data`` unless it looks like a workbook that is safe to parse.

    Raises :class:`RefusedFile` with the first reason found. Checks, in order:
    size, extension, file signature, archive directory (damage, encryption,
    part count, declared unpacked size), presence of a workbook part, and
    document type declarations at the start of every XML part.
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
        _check_xml_parts(archive, members)


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
        raise RefusedFile(
            Problem("unpacks_too_large", params={"limit": MAX_UNPACKED_BYTES // (1024 * 1024)})
        )


def _check_xml_parts(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    for member in members:
        if not member.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with archive.open(member) as part:
                head = part.read(XML_SNIFF_BYTES)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, ValueError) as exc:
            raise RefusedFile(Problem("damaged")) from exc
        if any(marker in head for marker in _UNSAFE_XML):
            raise RefusedFile(Problem("unsafe_xml"))


def count_rows(data: bytes) -> int:
    """The number of rows in the largest sheet of a checked workbook.

    Counts ``<row`` elements in the sheet XML rather than trusting the declared
    dimension, which hand-edited and generated files often get wrong.
    """
    largest = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            if not member.filename.startswith("xl/worksheets/") or not member.filename.endswith(
                ".xml"
            ):
                continue
            count, tail = 0, b""
            with archive.open(member) as part:
                while chunk := part.read(1024 * 1024):
                    window = tail + chunk
                    count += window.count(b"<row ") + window.count(b"<row>")
                    tail = window[-4:]  # too short to hold a whole "<row " twice
            largest = max(largest, count)
    return largest
