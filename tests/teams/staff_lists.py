"""Staff lists as schools export them, for the import tests."""

import io
import zipfile

import openpyxl


def csv_bytes(rows, sep=";", encoding="utf-8", bom=False):
    text = "\r\n".join(sep.join(row) for row in rows) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, title_rows=()):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [*title_rows, *rows]:
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def with_dimension(data, ref):
    """The workbook with its first sheet declaring ``ref`` as its used range."""
    source = zipfile.ZipFile(io.BytesIO(data))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                start = content.index(b'<dimension ref="')
                end = content.index(b'"', start + len(b'<dimension ref="'))
                content = content[:start] + f'<dimension ref="{ref}'.encode() + content[end:]
            target.writestr(member, content)
    return stream.getvalue()


HEADER = ("Voornaam", "Familienaam", "E-mailadres", "Ambt")
STAFF = [
    HEADER,
    ("Zoë", "Vandeputte", "zoe.vandeputte@school.test", "Leraar secundair onderwijs"),
    ("Jürgen", "Çelik", "jurgen.celik@school.test", "Directeur"),
]


def many(count, prefix="persoon", post="Leraar"):
    """A header and ``count`` people with addresses."""
    rows = [("Voornaam", "Familienaam", "E-mail", "Functie")]
    rows += [(f"Voor{i}", f"Naam{i}", f"{prefix}.{i}@school.test", post) for i in range(count)]
    return csv_bytes(rows)
