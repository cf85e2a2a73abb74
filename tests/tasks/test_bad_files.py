"""Wrong and hostile files are refused quickly, clearly, and change nothing."""

import io
import struct
import zipfile

import pytest

from tasks import importer
from tasks.models import CatalogueImport, Task
from tasks.services import import_file

from .workbooks import SIMPLE_HEADER, add_part, replace_part, simple_rows, workbook_bytes

pytestmark = pytest.mark.django_db


def refused(data: bytes, name: str = "taken.xlsx") -> str:
    before = Task.objects.count()
    outcome = import_file(data=data, file_name=name, dry_run=False)
    assert not outcome.ok
    assert Task.objects.count() == before
    record = outcome.record
    assert record.status == CatalogueImport.Status.REFUSED
    assert record.content is None
    assert len(outcome.problems) == 1
    return outcome.problems[0].code


def patch_central_directory(data: bytes, name: str, offset: int, fmt: str, value: int) -> bytes:
    """Overwrite one field of ``name``'s entry in the archive's central directory."""
    position = data.index(b"PK\x01\x02")
    while True:
        size_name, size_extra, size_comment = struct.unpack_from("<HHH", data, position + 28)
        if data[position + 46 : position + 46 + size_name].decode() == name:
            break
        position = data.index(b"PK\x01\x02", position + 46 + size_name + size_extra + size_comment)
    patched = bytearray(data)
    struct.pack_into(fmt, patched, position + offset, value)
    return bytes(patched)


def test_png_renamed_to_xlsx():
    assert refused(b"\x89PNG\r\n\x1a\n" + b"\0" * 200) == "not_xlsx"


def test_csv_renamed_to_xlsx():
    assert refused(b"Taak;Uren\nWifi;3\n") == "not_xlsx"


def test_csv_with_its_own_extension():
    assert refused(b"Taak;Uren\nWifi;3\n", "taken.csv") == "wrong_extension"


@pytest.mark.parametrize("name", ["taken.xls", "taken.xlsx"])
def test_old_xls_or_password_protected_workbook(name):
    # Both are OLE compound files; Excel encrypts a protected .xlsx into one.
    code = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000, name)
    assert code == "ole"


def test_empty_file():
    assert refused(b"") == "empty"


def test_truncated_archive():
    data = workbook_bytes(simple_rows(20))
    assert refused(data[: len(data) // 2]) == "damaged"


def test_zip_that_is_not_a_workbook():
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert refused(stream.getvalue()) == "not_xlsx"


def test_zip_bomb_is_refused_from_its_declared_sizes():
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(simple_rows(1))))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            bomb.writestr(member, source.read(member))
        with bomb.open("xl/media/image1.bin", "w", force_zip64=True) as part:
            for _ in range(160):
                part.write(bytes(1 << 20))
    assert len(stream.getvalue()) < 1_000_000
    assert refused(stream.getvalue()) == "unpacks_too_large"


def test_part_larger_than_declared_is_cut_off_and_refused():
    data = workbook_bytes(simple_rows(300))
    lying = patch_central_directory(data, "xl/worksheets/sheet1.xml", 24, "<I", 2000)
    assert refused(lying) == "damaged"


def test_too_many_parts():
    stream = io.BytesIO(workbook_bytes(simple_rows(1)))
    with zipfile.ZipFile(stream, "a") as archive:
        for index in range(600):
            archive.writestr(f"xl/media/{index}.bin", b"")
    assert refused(stream.getvalue()) == "too_many_parts"


def test_encrypted_part():
    data = workbook_bytes(simple_rows(1))
    flagged = patch_central_directory(data, "xl/workbook.xml", 8, "<H", 0x1)
    assert refused(flagged) == "encrypted_part"


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&lol3;</t></si></sst>'
)


def test_xml_entity_expansion():
    data = workbook_bytes(simple_rows(1))
    assert refused(add_part(data, "xl/sharedStrings.xml", BILLION_LAUGHS)) == "unsafe_xml"


def test_entity_hidden_behind_a_long_comment_is_stopped_by_the_xml_parser():
    # Past the guard's sniffing window, so defusedxml inside openpyxl must catch it.
    data = workbook_bytes(simple_rows(1))
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    entities = BILLION_LAUGHS[BILLION_LAUGHS.index(b"[") : BILLION_LAUGHS.index(b"]>") + 2]
    prolog = b'<?xml version="1.0"?><!--' + b"x" * 10_000 + b"--><!DOCTYPE worksheet " + entities
    hostile = prolog + sheet[sheet.index(b"<worksheet") :].replace(b"Taak 1", b"&lol3;", 1)
    assert b"<!DOCTYPE" not in hostile[:4096]
    assert refused(replace_part(data, "xl/worksheets/sheet1.xml", hostile)) == "unsafe_xml"


def test_over_size_upload(settings):
    settings.CATALOGUE_UPLOAD_MAX_BYTES = 1000
    assert refused(workbook_bytes(simple_rows(50))) == "too_large"


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 100)
    assert refused(workbook_bytes(simple_rows(150))) == "too_many_rows"


def test_workbook_without_a_task_column():
    data = workbook_bytes([["Naam", "Adres"], ["Jan", "Gent"]])
    assert refused(data) == "no_task_sheet"


def test_refusals_are_recorded_with_name_and_hash():
    outcome = import_file(data=b"not a workbook", file_name="x.xlsx", dry_run=False)
    record = CatalogueImport.objects.get()
    assert record == outcome.record
    assert record.file_name == "x.xlsx"
    assert len(record.file_sha256) == 64
    assert record.errors == [{"code": "not_xlsx", "sheet": "", "cell": "", "params": {}}]


EMPTY_SHARED_STRINGS = (
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"></sst>'
)


def inflated(data: bytes, name: str, size: int) -> bytes:
    """``data`` with part ``name`` (added if missing) padded to ``size`` bytes.

    The padding is an XML comment before the closing tag: well-formed, and
    almost nothing once compressed, as in the files that tie up a parser.
    """
    parts = zipfile.ZipFile(io.BytesIO(data))
    present = name in parts.namelist()
    body = parts.read(name) if present else EMPTY_SHARED_STRINGS
    close = body.rindex(b"</")
    padding = b"<!--" + b"x" * (size - len(body) - 7) + b"-->"
    content = body[:close] + padding + body[close:]
    return replace_part(data, name, content) if present else add_part(data, name, content)


def test_a_huge_shared_strings_part_in_a_small_file_is_refused_before_parsing():
    # Far under the cap on the whole archive: the part's own cap refuses it.
    data = inflated(workbook_bytes(simple_rows(4)), "xl/sharedStrings.xml", 20 * 1024 * 1024)
    assert len(data) < 1_000_000
    assert refused(data) == "part_too_large"


def test_a_huge_styles_part_is_refused_before_parsing():
    data = inflated(workbook_bytes(simple_rows(4)), "xl/styles.xml", 40 * 1024 * 1024)
    assert len(data) < 1_000_000
    outcome = import_file(data=data, file_name="taken.xlsx", dry_run=False)
    assert [p.code for p in outcome.problems] == ["part_too_large"]
    message = outcome.problems[0].message
    assert "xl/styles.xml" in message and "40 MB" in message and "16 MB" in message
    assert "ruim onder 1 MB" in message


def test_a_part_just_under_its_cap_is_accepted(settings):
    data = inflated(workbook_bytes(simple_rows(4)), "xl/styles.xml", 2 * 1024 * 1024)
    outcome = import_file(data=data, file_name="taken.xlsx", dry_run=False)
    assert outcome.ok, outcome.problems
    assert Task.objects.count() == 4


def test_a_sheet_has_its_own_larger_cap():
    data = inflated(workbook_bytes(simple_rows(4)), "xl/worksheets/sheet1.xml", 70 * 1024 * 1024)
    outcome = import_file(data=data, file_name="taken.xlsx", dry_run=False)
    assert [p.code for p in outcome.problems] == ["part_too_large"]
    assert outcome.problems[0].params["limit"] == 64


def test_a_workbook_without_task_rows_is_refused():
    data = workbook_bytes([SIMPLE_HEADER])
    assert refused(data) == "no_tasks"


def test_blank_and_total_rows_are_no_tasks():
    data = workbook_bytes([SIMPLE_HEADER, [], [None, "Totaal", None, None, None, None, 0]])
    assert refused(data) == "no_tasks"


@pytest.mark.parametrize(
    ("ref", "cells"),
    [("A1:D3", 12), ("A1", 1), ("$B$2:$KN$5001", 299 * 5000), ("XFD1048576:A1", 16384 * 1048576)],
)
def test_the_cells_a_sheet_declares_are_read_from_its_start(ref, cells):
    from tasks.workbook_guard import declared_cells

    assert declared_cells(f'<worksheet><dimension ref="{ref}"/><sheetData>'.encode()) == cells
    assert declared_cells(b"<worksheet><sheetData>") == 0


def test_a_cap_on_declared_cells_is_only_where_asked():
    from tasks.problems import RefusedFile
    from tasks.workbook_guard import check_upload

    data = workbook_bytes(simple_rows(3))  # declares A1:F4 or so: a few dozen cells
    assert check_upload(data, "t.xlsx", max_bytes=10**7).declared_cells > 0
    with pytest.raises(RefusedFile) as refused:
        check_upload(data, "t.xlsx", max_bytes=10**7, max_cells=5)
    assert refused.value.problem.code == "too_many_cells"
