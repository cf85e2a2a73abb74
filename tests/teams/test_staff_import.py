"""Importing staff lists as schools export them: messy headers, separators, encodings."""

import io
import json
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from teams.models import Appointment, StaffMember
from teams.staff_import import apply_import, plan_import

from .factories import StaffMemberFactory, appoint

pytestmark = pytest.mark.django_db


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


STAFF = [
    ("Voornaam", "Familienaam", "E-mailadres", "Ambt"),
    ("Zoë", "Vandeputte", "zoe.vandeputte@school.test", "Leraar secundair onderwijs"),
    ("Jürgen", "Çelik", "jurgen.celik@school.test", "Directeur"),
]


def staff_emails(school):
    return set(StaffMember.objects.working_in(school).values_list("email", flat=True))


@pytest.mark.parametrize(
    "header",
    [
        ("voornaam", "naam", "e-mail", "functie"),
        ("Voornaam", "Familienaam", "E-mailadres", "Ambt"),
        ("First name", "Last name", "Email address", "Post"),
        ("VOORNAAM", "achternaam", "Email", "Function"),
    ],
)
def test_header_variants(world, header):
    data = csv_bytes([header, *STAFF[1:]])
    plan = apply_import(school=world.school, data=data, file_name="personeel.csv")
    assert plan.ok, plan.errors
    assert len(plan.new) == 2
    director = StaffMember.objects.get(email="jurgen.celik@school.test")
    assert director.last_name == "Çelik"
    assert Appointment.objects.get(staff_member=director, school=world.school).post == "director"


@pytest.mark.parametrize(
    ("sep", "encoding", "bom"),
    [(";", "utf-8", False), (",", "utf-8", False), (";", "utf-8", True), (";", "cp1252", False)],
)
def test_separators_and_encodings(world, sep, encoding, bom):
    data = csv_bytes(STAFF, sep=sep, encoding=encoding, bom=bom)
    plan = apply_import(school=world.school, data=data, file_name="export.csv")
    assert plan.ok, plan.errors
    names = set(
        StaffMember.objects.filter(email__endswith="@school.test").values_list(
            "first_name", flat=True
        )
    )
    assert {"Zoë", "Jürgen"} <= names


def test_xlsx_with_title_rows_above_the_header(world):
    data = xlsx_bytes(STAFF, title_rows=[("Personeelslijst 2026-2027",), ()])
    plan = apply_import(school=world.school, data=data, file_name="personeel.xlsx")
    assert plan.ok, plan.errors
    assert {"zoe.vandeputte@school.test", "jurgen.celik@school.test"} <= staff_emails(world.school)


def test_upsert_by_email_within_this_school_only(world):
    ann = world.staff[0]
    data = csv_bytes(
        [
            STAFF[0],
            ("Anna", "A", ann.email.upper(), "leraar"),  # changed first name, same address
            ("Omer", "B", world.other_staff.email, "leraar"),  # works in the sister school
        ]
    )
    plan = plan_import(school=world.school, data=data, file_name="p.csv")
    assert [member for member, _row in plan.changed] == [ann]
    assert [row.email for row in plan.new] == [world.other_staff.email]
    assert set(plan.missing) == {world.staff[1], world.staff[2]}
    apply_import(school=world.school, data=data, file_name="p.csv")
    ann.refresh_from_db()
    assert ann.first_name == "Anna"
    # The sister school's person is not touched; a new record is made for this school.
    world.other_staff.refresh_from_db()
    assert not Appointment.objects.filter(
        staff_member=world.other_staff, school=world.school
    ).exists()
    # People missing from the file stay.
    assert Appointment.objects.get(staff_member=world.staff[1], school=world.school).is_active
    again = plan_import(school=world.school, data=data, file_name="p.csv")
    assert not again.new and not again.changed and len(again.unchanged) == 2


def rejected(world, data, name):
    before = list(StaffMember.objects.order_by("pk").values_list("pk", "first_name", "email"))
    plan = apply_import(school=world.school, data=data, file_name=name)
    assert not plan.ok
    after = list(StaffMember.objects.order_by("pk").values_list("pk", "first_name", "email"))
    assert after == before
    return [(error.row, error.cell, error.message) for error in plan.errors]


def test_duplicate_and_invalid_addresses_are_reported_by_cell(world):
    data = csv_bytes(
        [
            STAFF[0],
            STAFF[1],
            ("Piet", "Peeters", "geen-adres", "leraar"),
            ("Zoë", "Dubbel", "Zoe.Vandeputte@school.test", "leraar"),
            ("", "Zonder", "zonder@school.test", "leraar"),
        ]
    )
    errors = rejected(world, data, "p.csv")
    assert (3, "C3", '"geen-adres" is geen geldig e-mailadres') in errors
    assert any(
        cell == "C4" and "meer dan eens" in msg and "rij 2" in msg for _r, cell, msg in errors
    )
    assert any(cell == "A5" and "voornaam" in msg for _r, cell, msg in errors)
    assert len(errors) == 3


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "leeg.csv", "Het bestand is leeg."),
        (b"\r\n\r\n;;\r\n", "leeg.csv", "Het bestand is leeg."),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
            "personeel.csv",
            "geen CSV-tekstbestand",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
            "personeel.xlsx",
            "geen Excel-werkmap",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "personeel.xlsx", "97-2003"),
        (b"naam;e-mail\r\n", "p.pdf", "Alleen een Excel-werkmap (.xlsx) of een CSV-bestand"),
        (b"titel;iets\r\nA;B\r\n", "p.csv", "Er is geen kopregel"),
        (b"voornaam;naam;e-mail\r\n", "p.csv", "geen personeel eronder"),
    ],
)
def test_hostile_and_empty_files_are_refused(world, data, name, message):
    errors = rejected(world, data, name)
    assert len(errors) == 1
    assert message in errors[0][2]


def test_workbook_bomb_is_refused_before_parsing(world):
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(STAFF)))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            bomb.writestr(member, source.read(member))
        with bomb.open("xl/media/image1.bin", "w", force_zip64=True) as part:
            for _ in range(160):
                part.write(bytes(1 << 20))
    assert len(stream.getvalue()) < 1_000_000
    errors = rejected(world, stream.getvalue(), "personeel.xlsx")
    assert "Uitgepakt is de werkmap groter dan 150 MB" in errors[0][2]


def test_too_large_upload_is_refused(world, settings):
    settings.STAFF_UPLOAD_MAX_BYTES = 1024 * 1024
    data = csv_bytes(
        [
            STAFF[0],
            *[
                ("Alexandra", "Van den Bossche", f"persoon.{i}@school.test", "leraar")
                for i in range(30_000)
            ],
        ]
    )
    assert "groter dan 1 MB" in rejected(world, data, "p.csv")[0][2]


# --- The page: preview, confirm, keep or end people missing from the file --------------------


def upload(client, world, data, name="personeel.csv"):
    return client.post(
        reverse("teams:staff_import", args=[world.school.pk]),
        {"file": _named(data, name)},
    )


def _named(data, name):
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def test_preview_then_confirm(client, world):
    client.force_login(world.director)
    response = upload(client, world, csv_bytes(STAFF))
    page = response.content.decode()
    assert response.status_code == 200
    assert "er is nog niets opgeslagen" in page
    assert "zoe.vandeputte@school.test" in page
    assert not StaffMember.objects.filter(email="zoe.vandeputte@school.test").exists()
    fingerprint = response.context["plan"].fingerprint
    response = client.post(
        reverse("teams:staff_import", args=[world.school.pk]),
        {"confirm": "1", "fingerprint": fingerprint, "end": [str(world.staff[0].pk)]},
    )
    assert response.status_code == 302
    assert {"zoe.vandeputte@school.test", "jurgen.celik@school.test"} <= staff_emails(world.school)
    # Only the person the director ticked left; the others missing from the file stay.
    assert not Appointment.objects.get(staff_member=world.staff[0], school=world.school).is_active
    assert Appointment.objects.get(staff_member=world.staff[1], school=world.school).is_active


def test_confirm_refuses_a_stale_preview(client, world):
    client.force_login(world.director)
    response = upload(client, world, csv_bytes(STAFF))
    fingerprint = response.context["plan"].fingerprint
    appoint(StaffMemberFactory(email="nieuw@school.test"), world.school)
    response = client.post(
        reverse("teams:staff_import", args=[world.school.pk]),
        {"confirm": "1", "fingerprint": fingerprint},
        follow=True,
    )
    assert "gewijzigd sinds het voorbeeld" in response.content.decode()
    assert not StaffMember.objects.filter(email="zoe.vandeputte@school.test").exists()


def test_errors_are_shown_with_their_cells(client, world):
    client.force_login(world.director)
    data = csv_bytes([STAFF[0], ("Piet", "Peeters", "geen-adres", "leraar")])
    page = upload(client, world, data).content.decode()
    assert "Cel C2 (rij 2)" in page
    assert "er is niets opgeslagen" in page


def test_another_schools_director_cannot_import(client, world):
    client.force_login(world.outsider)
    response = upload(client, world, csv_bytes(STAFF))
    assert response.status_code == 404
    assert not StaffMember.objects.filter(email="zoe.vandeputte@school.test").exists()


# --- The command ---------------------------------------------------------------------------------


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_staff", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_command_dry_run_and_json(world, tmp_path):
    path = tmp_path / "personeel.csv"
    path.write_bytes(csv_bytes(STAFF))
    code, out, _err = run("--school", str(world.school.pk), str(path), "--dry-run", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["created"] == 2 and result["updated"] == 0 and result["dry_run"] is True
    assert result["errors"] == []
    assert not StaffMember.objects.filter(email="zoe.vandeputte@school.test").exists()
    code, out, _err = run("--school", str(world.school.pk), str(path), "--json")
    assert code == 0 and json.loads(out)["dry_run"] is False
    assert StaffMember.objects.filter(email="zoe.vandeputte@school.test").exists()


def test_command_reports_invalid_rows_and_exits_1(world, tmp_path):
    path = tmp_path / "personeel.csv"
    path.write_bytes(csv_bytes([STAFF[0], ("Piet", "Peeters", "geen-adres", "leraar")]))
    code, out, _err = run("--school", str(world.school.pk), str(path), "--json")
    assert code == 1
    error = json.loads(out)["errors"][0]
    assert error["row"] == 2 and error["cell"] == "C2" and "geen-adres" in error["message"]


def test_command_usage_errors(world, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as missing_file:
        call_command("import_staff", "--school", str(world.school.pk), str(tmp_path / "x.csv"))
    assert missing_file.value.returncode == 2
    with pytest.raises(CommandError) as missing_school:
        call_command("import_staff", "--school", "999999", str(tmp_path / "x.csv"))
    assert missing_school.value.returncode == 2
