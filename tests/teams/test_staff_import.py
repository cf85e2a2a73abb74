"""Importing staff lists as schools export them, through the one identity service."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from teams.models import Appointment, Membership, Post, StaffImport, StaffMember
from teams.staff import identity, staff_file
from teams.staff.staff_file import read_staff, recognise_post
from teams.staff.staff_import import KEEP, import_file, plan_import

from .conftest import member
from .factories import StaffMemberFactory, appoint
from .staff_lists import HEADER, STAFF, csv_bytes, many, with_dimension, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(world, data, name="personeel.csv", **options):
    return import_file(school=world.school, data=data, file_name=name, dry_run=False, **options)


def preview(world, data, name="personeel.csv", post_map=None):
    return plan_import(school=world.school, parsed=read_staff(data, name), post_map=post_map)


def staff_emails(school):
    return set(StaffMember.objects.working_in(school).values_list("email", flat=True))


def post_of(member, school):
    return Appointment.objects.get(staff_member=member, school=school).post


# --- Headers, separators, encodings --------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        ("voornaam", "naam", "e-mail", "functie"),
        ("Voornaam", "Familienaam", "E-mailadres", "Ambt"),
        ("First name", "Last name", "Email address", "Post"),
        ("VOORNAAM", "achternaam", "Email", "Function"),
        ("First name", "Last name", "E-mail", "Role"),
        ("First name", "Surname", "Work email", "Job title"),
        ("Given name", "Family name", "Mail", "Position"),
        ("Roepnaam", "Naam", "E-mailadres school", "Opdracht"),
        ("Voornaam", "Naam", "Email", "Functie (hoofdambt)"),
    ],
)
def test_headers_in_dutch_and_english_are_recognised(world, header):
    plan = run(world, csv_bytes([header, *STAFF[1:]]))
    assert plan.ok, plan.errors
    assert len(plan.new) == 2
    director = StaffMember.objects.get(email="jurgen.celik@school.test")
    assert director.last_name == "Çelik"
    assert post_of(director, world.school) == Post.DIRECTOR


def test_english_comma_csv_with_bom_headed_role_keeps_its_posts(world):
    """The attack: a list headed Role was read without its posts; everyone became teacher."""
    wim = appoint(StaffMemberFactory(first_name="Wim", last_name="Claes"), world.school)
    Appointment.objects.filter(staff_member=wim).update(post=Post.ADMINISTRATIVE)
    data = csv_bytes(
        [
            ("First name", "Last name", "Email", "Role"),
            ("Wim", "Claes", wim.email, "Administrative staff"),
            ("Jürgen", "Çelik", "jurgen.celik@school.test", "Director"),
        ],
        sep=",",
        bom=True,
    )
    plan = run(world, data)
    assert plan.has_post_column
    assert [p.member for p in plan.unchanged] == [wim]
    assert post_of(wim, world.school) == Post.ADMINISTRATIVE
    jurgen = StaffMember.objects.get(email="jurgen.celik@school.test")
    assert post_of(jurgen, world.school) == Post.DIRECTOR


@pytest.mark.parametrize(
    ("sep", "encoding", "bom"),
    [(";", "utf-8", False), (",", "utf-8", False), (";", "utf-8", True), (";", "cp1252", False)],
)
def test_separators_and_encodings(world, sep, encoding, bom):
    plan = run(world, csv_bytes(STAFF, sep=sep, encoding=encoding, bom=bom))
    assert plan.ok, plan.errors
    names = set(StaffMember.objects.values_list("first_name", flat=True))
    assert {"Zoë", "Jürgen"} <= names


def test_utf16_text_from_excel_is_read(world):
    text = "\r\n".join("\t".join(row) for row in STAFF) + "\r\n"
    plan = run(world, b"\xff\xfe" + text.encode("utf-16-le"), "personeel.txt")
    assert plan.ok, plan.errors
    assert StaffMember.objects.filter(first_name="Zoë").exists()


def test_one_invalid_byte_in_a_utf8_list_is_refused_naming_its_row(world):
    """The attack: one bad byte made the whole file Windows-1252 ("FrÃ©dÃ©rique")."""
    rows = [
        HEADER,
        *[(f"Frédérique{i}", "Dubois", f"f{i}@school.test", "leraar") for i in range(12)],
    ]
    data = bytearray(csv_bytes(rows))
    position = data.index("Frédérique10".encode())
    data[position + 2 : position + 4] = b"\xe9"  # a Windows-1252 é among UTF-8
    errors = rejected(world, bytes(data))
    assert len(errors) == 1
    message = errors[0][2]
    assert "Rij 12 is geen geldige UTF-8" in message
    assert "opnieuw op als UTF-8" in message
    assert not StaffMember.objects.filter(first_name__startswith="Fr").exists()


def test_many_invalid_rows_are_named_and_counted(world):
    rows = [HEADER, ("Zoë", "V", "z@school.test", "leraar")]
    rows += [(f"Jos{i}", "Naam", f"j{i}@school.test", "leraar") for i in range(8)]
    data = csv_bytes(rows).replace(b"Jos", b"Jos\xe9")
    message = rejected(world, data)[0][2]
    assert "Rijen 3, 4, 5, 6, 7 en 3 meer zijn geen geldige UTF-8" in message


def test_a_windows_1252_list_is_read_as_such(world):
    plan = run(world, csv_bytes(STAFF, encoding="cp1252"))
    assert plan.ok
    assert StaffMember.objects.filter(first_name="Zoë", last_name="Vandeputte").exists()


def test_xlsx_with_title_rows_above_the_header(world):
    data = xlsx_bytes(STAFF, title_rows=[("Personeelslijst 2026-2027",), ()])
    plan = run(world, data, "personeel.xlsx")
    assert plan.ok, plan.errors
    assert {"zoe.vandeputte@school.test", "jurgen.celik@school.test"} <= staff_emails(world.school)


# --- The school group's rules --------------------------------------------------------------------


def test_someone_who_also_works_elsewhere_is_not_renamed(client, world):
    """The attack: importing bram.jacobs@… as "HACKED" renamed him in both schools."""
    bram = StaffMemberFactory(first_name="Bram", last_name="Jacobs", email="bram.jacobs@g.test")
    appoint(bram, world.school)
    appoint(bram, world.other)
    data = csv_bytes([HEADER, ("HACKED", "Jacobs", "Bram.Jacobs@G.test", "Directeur")])
    plan = preview(world, data)
    assert [p.member for p in plan.names_kept] == [bram]
    assert [(c.field, c.new) for c in plan.changed[0].changes] == [("post", Post.DIRECTOR)]
    run(world, data)
    bram.refresh_from_db()
    assert (bram.first_name, bram.last_name) == ("Bram", "Jacobs")
    assert post_of(bram, world.school) == Post.DIRECTOR  # the post is this school's own
    assert post_of(bram, world.other) == Post.TEACHER

    client.force_login(world.director)
    page = follow_upload(client, world, data).content.decode()
    assert "Niet hernoemd" in page
    assert "Rij 2: HACKED Jacobs blijft Bram Jacobs" in page


def test_an_address_of_a_sister_school_in_other_case_is_refused_for_that_row(world):
    """The attack: a sister school's address in capitals added a second person."""
    omer = world.other_staff
    data = csv_bytes([*STAFF, ("Omer", "Dubbel", omer.email.upper(), "leraar")])
    plan = run(world, data)
    assert plan.ok
    assert [(e.row, e.message) for e in plan.left_out] == [
        (4, identity.email_not_usable().messages[0])
    ]
    assert "Omer" not in plan.left_out[0].message
    assert StaffMember.objects.filter(email__iexact=omer.email).count() == 1
    assert not Appointment.objects.filter(staff_member=omer, school=world.school).exists()
    assert len(plan.new) == 2  # the other rows are imported


def test_an_address_is_stored_normalised_once(world):
    run(world, csv_bytes([HEADER, ("Jan", "Peeters", "  Jan.Peeters@School.TEST ", "leraar")]))
    assert StaffMember.objects.get(last_name="Peeters").email == "jan.peeters@school.test"
    again = run(world, csv_bytes([HEADER, ("Jan", "Peeters", "JAN.PEETERS@school.test", "leraar")]))
    assert (len(again.new), len(again.unchanged)) == (0, 1)


def test_someone_who_left_is_taken_back_not_added_twice(world):
    ann = world.staff[0]
    Appointment.objects.filter(staff_member=ann).update(is_active=False)
    plan = run(world, csv_bytes([HEADER, ("Anna", "A", ann.email, "leraar")]))
    assert [(p.member, p.back) for p in plan.new] == [(ann, True)]
    ann.refresh_from_db()
    assert ann.first_name == "Anna" and ann.works_in(world.school)
    assert StaffMember.objects.filter(email=ann.email).count() == 1


def test_someone_who_left_and_now_works_in_a_sister_school_is_refused(world):
    ann = world.staff[0]
    Appointment.objects.filter(staff_member=ann).update(is_active=False)
    appoint(ann, world.other)
    plan = run(world, csv_bytes([HEADER, ("Ann", "A", ann.email, "leraar"), *STAFF[1:]]))
    assert [e.row for e in plan.left_out] == [2]
    assert not ann.works_in(world.school)


# --- Posts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "post"),
    [
        ("Leraar secundair onderwijs", Post.TEACHER),
        ("Kleuteronderwijzer", Post.TEACHER),
        ("Leraar ICT", Post.TEACHER),
        ("ICT-coördinator", Post.ICT_COORDINATOR),
        ("Directeur", Post.DIRECTOR),
        ("Administratief medewerker", Post.ADMINISTRATIVE),
        ("Opvoeder", Post.ADMINISTRATIVE),
        ("Extern", Post.EXTERNAL),
        ("Zorgcoördinator", None),
        ("Onderhoudspersoneel", None),
        ("Kinderverzorger", None),
        ("", None),
    ],
)
def test_posts_are_recognised_by_meaning(text, post):
    assert recognise_post(text) == post


def test_a_file_without_a_post_column_keeps_everyones_post(world):
    ann = world.staff[0]
    Appointment.objects.filter(staff_member=ann).update(post=Post.ADMINISTRATIVE)
    data = csv_bytes(
        [("Voornaam", "Naam", "E-mail"), ("Ann", "A", ann.email), ("Nieuw", "N", "n@school.test")]
    )
    plan = run(world, data)
    assert not plan.has_post_column
    assert [p.member for p in plan.unchanged] == [ann]
    assert post_of(ann, world.school) == Post.ADMINISTRATIVE
    assert post_of(StaffMember.objects.get(email="n@school.test"), world.school) == Post.TEACHER


def test_unknown_posts_are_listed_with_what_they_become_and_can_be_mapped(world):
    ann = world.staff[0]
    Appointment.objects.filter(staff_member=ann).update(post=Post.ADMINISTRATIVE)
    data = csv_bytes(
        [
            HEADER,
            ("Ann", "A", ann.email, "Onderhoudspersoneel"),
            ("Lies", "Zorg", "lies@school.test", "Zorgcoördinator"),
            ("Kim", "Kleuter", "kim@school.test", "Kleuteronderwijzer"),
        ]
    )
    plan = preview(world, data)
    assert [(p.text, p.chosen) for p in plan.unknown_posts] == [
        ("Onderhoudspersoneel", KEEP),
        ("Zorgcoördinator", KEEP),
    ]
    assert [(p.text, p.chosen) for p in plan.posts][2] == ("Kleuteronderwijzer", Post.TEACHER)
    assert [p.member for p in plan.unchanged] == [ann]  # kept: no silent change to teacher
    mapped = {"onderhoudspersoneel": Post.EXTERNAL, "zorgcoordinator": Post.ICT_COORDINATOR}
    assert preview(world, data, post_map=mapped).fingerprint != plan.fingerprint
    run(world, data, post_map=mapped)
    assert post_of(ann, world.school) == Post.EXTERNAL
    lies = StaffMember.objects.get(email="lies@school.test")
    assert post_of(lies, world.school) == Post.ICT_COORDINATOR


def test_the_preview_says_which_field_changes_from_what_to_what(client, world):
    """The attack: a changed row showed "Wim Claes → Wim Claes"."""
    wim = appoint(StaffMemberFactory(first_name="Wim", last_name="Claes"), world.school)
    data = csv_bytes([HEADER, ("Willem", "Claes", wim.email, "Directeur")])
    (planned,) = preview(world, data).changed
    assert [(c.field, c.old_text, c.new_text) for c in planned.changes] == [
        ("first_name", "Wim", "Willem"),
        ("post", "leerkracht", "directeur"),
    ]
    client.force_login(world.director)
    page = follow_upload(client, world, data).content.decode()
    assert "voornaam: Wim → Willem" in page
    assert "functie: leerkracht → directeur" in page
    assert "Wim Claes → Wim Claes" not in page


# --- People without an address -------------------------------------------------------------------


def test_rows_without_an_address_add_people_without_an_account_once(world):
    data = csv_bytes([HEADER, ("Mieke", "Zonder Mail", "", "Kinderverzorger"), *STAFF[1:]])
    plan = run(world, data)
    assert plan.ok and len(plan.new) == 3
    mieke = StaffMember.objects.get(last_name="Zonder Mail")
    assert mieke.email == "" and mieke.user is None and mieke.works_in(world.school)
    upper = csv_bytes([HEADER, ("MIEKE", "zonder  mail", "", "Kinderverzorger"), *STAFF[1:]])
    again = run(world, upper)
    assert len(again.new) == 0
    assert StaffMember.objects.filter(last_name__iexact="zonder mail").count() == 1


def test_a_row_without_an_address_meets_a_person_whose_address_the_file_lacks(world):
    ann = world.staff[0]
    plan = preview(world, csv_bytes([HEADER, ("Ann", "A", "", "leraar")]))
    assert [p.member for p in plan.unchanged] == [ann]
    assert ann not in plan.missing


def test_two_namesakes_without_an_address_pair_up(world):
    first, second = (
        appoint(StaffMemberFactory(first_name="Jan", last_name="Peeters", email=""), world.school)
        for _ in range(2)
    )
    rows = [HEADER, ("Jan", "Peeters", "", "leraar"), ("Jan", "Peeters", "", "leraar")]
    plan = preview(world, csv_bytes(rows))
    assert [p.member for p in plan.unchanged] == [first, second]
    three = preview(world, csv_bytes([*rows, ("Jan", "Peeters", "", "leraar")]))
    assert len(three.new) == 1


# --- Bad files and bad values --------------------------------------------------------------------


def rejected(world, data, name="personeel.csv"):
    before = list(StaffMember.objects.order_by("pk").values_list("pk", "first_name", "email"))
    plan = run(world, data, name)
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
    errors = rejected(world, data)
    assert (3, "C3", '"geen-adres" is geen geldig e-mailadres') in errors
    assert any(
        cell == "C4" and "meer dan eens" in msg and "rij 2" in msg for _r, cell, msg in errors
    )
    assert any(cell == "A5" and "voornaam" in msg for _r, cell, msg in errors)
    assert len(errors) == 3


def test_over_long_values_are_refused_per_row(world):
    """The attack: a 260-character address crashed on confirm."""
    long_email = "a" * 250 + "@school.test"
    data = csv_bytes(
        [HEADER, ("Ann", "Lang", long_email, "leraar"), ("B" * 101, "Kort", "b@school.test", "")]
    )
    errors = rejected(world, data)
    assert (2, "C2", "langer dan 254 tekens") in errors
    assert (3, "A3", "langer dan 100 tekens") in errors


def test_nul_bytes_after_the_first_4_kb_are_refused_per_row(world):
    rows = [HEADER, *[(f"Voor{i}", "Naam", f"p{i}@school.test", "leraar") for i in range(200)]]
    data = csv_bytes(rows)
    position = data.index(b"Voor150")
    assert position > 4096
    data = data[:position] + b"Vo\x00or" + data[position + 4 :]
    errors = rejected(world, data)
    assert len(errors) == 1
    row, cell, message = errors[0]
    assert (row, cell) == (152, "A152")
    assert "onzichtbaar stuurteken" in message


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


def test_a_workbook_declaring_millions_of_cells_is_refused_before_parsing(world):
    """The attack: 1.5 million cells in 227 KB took 28 s per preview."""
    data = with_dimension(xlsx_bytes(STAFF), "A1:KN5000")  # 300 columns x 5,000 rows
    errors = rejected(world, data, "personeel.xlsx")
    assert "1500000 cellen" in errors[0][2]
    assert "hoogstens 200000" in errors[0][2]


def test_a_workbook_hiding_its_cells_is_stopped_while_reading(world, monkeypatch):
    monkeypatch.setattr(staff_file, "MAX_CELLS", 50)
    rows = [HEADER, *[(f"V{i}", "N", f"v{i}@school.test", "leraar") for i in range(20)]]
    data = with_dimension(xlsx_bytes(rows), "A1")  # declares one cell, holds 84
    errors = rejected(world, data, "personeel.xlsx")
    assert "meer dan 50 cellen" in errors[0][2]


def test_too_large_upload_is_refused(world, settings):
    settings.STAFF_UPLOAD_MAX_BYTES = 1024 * 1024
    assert "groter dan 1 MB" in rejected(world, many(30_000))[0][2]


# --- The page: upload, preview, confirm ----------------------------------------------------------


def upload(client, world, data, name="personeel.csv", **extra):
    stream = io.BytesIO(data)
    stream.name = name
    return client.post(reverse("teams:staff_import", args=[world.school.pk]), {"file": stream})


def follow_upload(client, world, data, name="personeel.csv"):
    response = upload(client, world, data, name)
    assert response.status_code == 302
    return client.get(response["Location"])


def confirm(client, record, **data):
    url = reverse("teams:staff_import_confirm", args=[record.school_id, record.pk])
    return client.post(url, {"action": "confirm", **data})


def test_preview_then_confirm(client, world):
    client.force_login(world.director)
    response = follow_upload(client, world, csv_bytes(STAFF))
    page = response.content.decode()
    assert response.status_code == 200
    assert "er is nog niets opgeslagen" in page
    assert "zoe.vandeputte@school.test" in page
    assert not StaffMember.objects.filter(email="zoe.vandeputte@school.test").exists()
    record = response.context["record"]
    fingerprint = response.context["plan"].fingerprint
    response = confirm(client, record, fingerprint=fingerprint, end=[str(world.staff[0].pk)])
    assert response.status_code == 302
    assert {"zoe.vandeputte@school.test", "jurgen.celik@school.test"} <= staff_emails(world.school)
    # Only the person the director ticked left; the others missing from the file stay.
    assert not world.staff[0].works_in(world.school)
    assert world.staff[1].works_in(world.school)
    record.refresh_from_db()
    assert record.status == StaffImport.Status.APPLIED and record.rows == []


def test_a_coordinator_cannot_end_a_directors_appointment_through_the_import(client, world):
    """Ending the appointments of people missing from the file follows the rank rule of the
    staff page: the box is not offered, and a forged tick is refused with nothing written."""
    director = world.staff[0]
    director.user = member(Membership.Kind.DIRECTOR, "directeur.a2", world.school)
    director.save()
    client.force_login(world.coordinator)
    response = follow_upload(client, world, csv_bytes(STAFF))
    page = response.content.decode()
    assert f'id="end-{director.pk}" disabled' in page
    assert "Heeft hier meer rechten dan jij" in page
    assert f'id="end-{world.staff[1].pk}" disabled' not in page
    record = response.context["record"]
    fingerprint = response.context["plan"].fingerprint
    response = confirm(client, record, fingerprint=fingerprint, end=[str(director.pk)])
    assert response.status_code == 302
    assert director.works_in(world.school)
    assert not StaffMember.objects.filter(email="zoe.vandeputte@school.test").exists()
    record.refresh_from_db()
    assert record.status == StaffImport.Status.PREVIEW
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert messages == [
        "Met jouw rechten in School A kun je de aanstelling van Ann A niet beëindigen."
    ]


def test_a_second_confirm_changes_nothing_and_says_so(client, world):
    """The attack: a double click on confirm gave 59 people for 30 rows."""
    client.force_login(world.director)
    response = follow_upload(client, world, many(30))
    record, fingerprint = response.context["record"], response.context["plan"].fingerprint
    assert confirm(client, record, fingerprint=fingerprint).status_code == 302
    again = confirm(client, record, fingerprint=fingerprint)
    assert again.status_code == 302
    assert StaffMember.objects.filter(email__startswith="persoon.").count() == 30
    page = client.get(again["Location"]).content.decode()
    assert "Deze personeelslijst is al geïmporteerd; er is niets meer gewijzigd." in page


def test_a_second_preview_of_the_same_list_confirmed_later_changes_nothing(client, world):
    client.force_login(world.director)
    first = follow_upload(client, world, many(10))
    second = follow_upload(client, world, many(10))
    confirm(client, first.context["record"], fingerprint=first.context["plan"].fingerprint)
    response = confirm(
        client, second.context["record"], fingerprint=second.context["plan"].fingerprint
    )
    page = client.get(response["Location"]).content.decode()
    assert "gewijzigd sinds het voorbeeld" in page
    assert StaffMember.objects.filter(email__startswith="persoon.").count() == 10


def test_confirm_refuses_a_stale_preview(client, world):
    client.force_login(world.director)
    response = follow_upload(client, world, csv_bytes(STAFF))
    record, fingerprint = response.context["record"], response.context["plan"].fingerprint
    appoint(StaffMemberFactory(email="nieuw@school.test"), world.school)
    response = confirm(client, record, fingerprint=fingerprint)
    assert "gewijzigd sinds het voorbeeld" in client.get(response["Location"]).content.decode()
    assert not StaffMember.objects.filter(email="zoe.vandeputte@school.test").exists()


def test_the_director_maps_unknown_posts_in_the_preview(client, world):
    client.force_login(world.director)
    data = csv_bytes([HEADER, ("Lies", "Zorg", "lies@school.test", "Zorgcoördinator")])
    response = follow_upload(client, world, data)
    page = response.content.decode()
    assert "Zorgcoördinator" in page and "niet herkend" in page
    record, fingerprint = response.context["record"], response.context["plan"].fingerprint
    # Confirming with another choice than the preview showed shows the preview again first.
    response = confirm(
        client, record, fingerprint=fingerprint, **{"post:zorgcoordinator": Post.DIRECTOR}
    )
    assert response["Location"] == record.get_absolute_url()
    assert not StaffMember.objects.filter(email="lies@school.test").exists()
    response = client.get(response["Location"])
    assert "functie: directeur" in response.content.decode()
    fingerprint = response.context["plan"].fingerprint
    confirm(client, record, fingerprint=fingerprint, **{"post:zorgcoordinator": Post.DIRECTOR})
    lies = StaffMember.objects.get(email="lies@school.test")
    assert post_of(lies, world.school) == Post.DIRECTOR


def test_the_preview_costs_the_same_queries_for_many_rows(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.director)
    pages = []
    for count in (5, 150):
        people = [
            appoint(StaffMemberFactory(email=f"p{count}.{i}@school.test"), world.school)
            for i in range(count)
        ]
        rows = [HEADER, *[("Nieuw", p.last_name, p.email, "Directeur") for p in people]]
        rows += [("Nog", "Iemand", f"new{count}.{i}@school.test", "Leraar") for i in range(count)]
        record = upload(client, world, csv_bytes(rows))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(record["Location"])
        assert len(response.context["plan"].changed) == count
        pages.append(len(queries))
    assert pages[0] == pages[1], pages


def test_errors_are_shown_with_their_cells(client, world):
    client.force_login(world.director)
    data = csv_bytes([STAFF[0], ("Piet", "Peeters", "geen-adres", "leraar")])
    page = follow_upload(client, world, data).content.decode()
    assert "Cel C2 (rij 2)" in page
    assert "er is niets opgeslagen" in page


def test_over_long_address_on_the_page_is_a_message_not_a_500(client, world):
    client.force_login(world.director)
    data = csv_bytes([HEADER, ("Ann", "Lang", "a" * 250 + "@school.test", "leraar")])
    response = follow_upload(client, world, data)
    assert response.status_code == 200
    assert "langer dan 254 tekens" in response.content.decode()


def test_cancel_drops_the_preview(client, world):
    client.force_login(world.director)
    record = follow_upload(client, world, csv_bytes(STAFF)).context["record"]
    client.post(reverse("teams:staff_import_cancel", args=[world.school.pk, record.pk]))
    record.refresh_from_db()
    assert record.status == StaffImport.Status.CANCELLED and record.rows == []
    assert confirm(client, record, fingerprint="x").status_code == 302
    assert not StaffMember.objects.filter(email="zoe.vandeputte@school.test").exists()


def test_another_schools_director_cannot_import_or_see_an_import(client, world):
    client.force_login(world.director)
    record = follow_upload(client, world, csv_bytes(STAFF)).context["record"]
    client.force_login(world.outsider)
    assert upload(client, world, csv_bytes(STAFF)).status_code == 404
    url = reverse("teams:staff_import_preview", args=[world.other.pk, record.pk])
    assert client.get(url).status_code == 404
    assert confirm(client, record, fingerprint="x").status_code == 404
    assert not StaffMember.objects.filter(email="zoe.vandeputte@school.test").exists()


def test_the_page_says_how_people_are_matched(client, world):
    client.force_login(world.director)
    page = client.get(reverse("teams:staff_import", args=[world.school.pk])).content.decode()
    assert "zonder e-mailadres" in page and "voornaam en familienaam" in page


# --- Large workbooks: read by a job, with progress -----------------------------------------------


def test_a_large_workbook_is_read_by_a_job_and_not_again_on_confirm(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.STAFF_JOB_THRESHOLD_BYTES = 1
    client.force_login(world.director)
    rows = [HEADER, *[(f"V{i}", "N", f"v{i}@school.test", "Leraar") for i in range(600)]]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, world, xlsx_bytes(rows), "personeel.xlsx")
    record = StaffImport.objects.get()
    assert record.status == StaffImport.Status.ANALYSING and len(callbacks) == 1
    polled = client.get(response["Location"], headers={"HX-Request": "true"})
    assert "De personeelslijst wordt gelezen" in polled.content.decode()
    callbacks[0]()  # the job, here in this process
    record.refresh_from_db()
    assert record.status == StaffImport.Status.PREVIEW
    assert record.content is None and len(record.rows) == 600
    assert record.progress_done == 500  # reported every 250 rows
    polled = client.get(response["Location"], headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"
    response = client.get(response["Location"])
    confirm(client, record, fingerprint=response.context["plan"].fingerprint)
    assert StaffMember.objects.filter(email__startswith="v").count() == 600


def test_a_small_workbook_is_read_at_once(client, world):
    client.force_login(world.director)
    upload(client, world, xlsx_bytes(STAFF), "personeel.xlsx")
    assert StaffImport.objects.get().status == StaffImport.Status.PREVIEW


def test_the_reading_job_gives_up_after_three_runs(world, settings):
    from teams.staff import staff_import

    record = StaffImport.objects.create(
        school=world.school, file_name="p.xlsx", status=StaffImport.Status.ANALYSING, job_runs=3
    )
    assert staff_import.start_job(record.pk) is None
    record.refresh_from_db()
    assert record.status == StaffImport.Status.FAILED


def test_tidying_drops_old_previews_and_finished_imports_and_resends_stuck_reading(
    world, django_capture_on_commit_callbacks
):
    from teams.jobs import tidy_staff_imports

    statuses = StaffImport.Status
    with time_machine.travel(timezone.now() - timedelta(days=31)):
        finished = StaffImport.objects.create(
            school=world.school, file_name="a.csv", status=statuses.APPLIED
        )
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        old = StaffImport.objects.create(
            school=world.school, file_name="b.csv", status=statuses.PREVIEW, rows=[[2, "A"]]
        )
        stuck = StaffImport.objects.create(
            school=world.school,
            file_name="c.csv",
            status=statuses.ANALYSING,
            content=csv_bytes(STAFF),
        )
    fresh = StaffImport.objects.create(
        school=world.school, file_name="d.csv", status=statuses.PREVIEW, rows=[[2, "A"]]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tidy_staff_imports() == 1
    assert not StaffImport.objects.filter(pk=finished.pk).exists()
    old.refresh_from_db()
    assert (old.status, old.rows) == (statuses.CANCELLED, [])
    assert StaffImport.objects.get(pk=fresh.pk).status == statuses.PREVIEW
    stuck.refresh_from_db()
    assert stuck.status == statuses.PREVIEW and len(stuck.rows) == 2  # read by the job sent again


# --- The command ---------------------------------------------------------------------------------


def command(*args):
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
    code, out, _err = command("--school", str(world.school.pk), str(path), "--dry-run", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["created"] == 2 and result["updated"] == 0 and result["dry_run"] is True
    assert result["errors"] == []
    assert not StaffMember.objects.filter(email="zoe.vandeputte@school.test").exists()
    code, out, _err = command("--school", str(world.school.pk), str(path), "--json")
    assert code == 0 and json.loads(out)["dry_run"] is False
    assert StaffMember.objects.filter(email="zoe.vandeputte@school.test").exists()
    code, out, _err = command("--school", str(world.school.pk), str(path), "--json")
    assert (json.loads(out)["created"], json.loads(out)["unchanged"]) == (0, 2)


def test_command_json_without_a_post_column_reports_matching_people_unchanged(world, tmp_path):
    ann, bert, carla = world.staff
    path = tmp_path / "personeel.csv"
    rows = [("Voornaam", "Naam", "E-mail"), ("Ann", "A", ann.email), ("Bert", "A", bert.email)]
    path.write_bytes(csv_bytes(rows))
    code, out, _err = command("--school", str(world.school.pk), str(path), "--json")
    result = json.loads(out)
    assert code == 0
    assert set(result) >= {"created", "updated", "unchanged", "not_in_file", "errors", "dry_run"}
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 2)
    assert result["not_in_file"] == [carla.email]


def test_command_maps_posts(world, tmp_path):
    path = tmp_path / "personeel.csv"
    path.write_bytes(csv_bytes([HEADER, ("Lies", "Zorg", "lies@school.test", "Zorgcoördinator")]))
    code, _out, _err = command(
        "--school", str(world.school.pk), str(path), "--post", "ZORGCOÖRDINATOR=ict_coordinator"
    )
    assert code == 0
    lies = StaffMember.objects.get(email="lies@school.test")
    assert post_of(lies, world.school) == Post.ICT_COORDINATOR


def test_command_reports_invalid_rows_and_exits_1(world, tmp_path):
    path = tmp_path / "personeel.csv"
    path.write_bytes(csv_bytes([STAFF[0], ("Piet", "Peeters", "geen-adres", "leraar")]))
    code, out, _err = command("--school", str(world.school.pk), str(path), "--json")
    assert code == 1
    error = json.loads(out)["errors"][0]
    assert error["row"] == 2 and error["cell"] == "C2" and "geen-adres" in error["message"]


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "personeel.csv", "CSV"),
        (b"PK\x03\x04" + bytes(100), "personeel.xlsx", "beschadigd"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "personeel.xlsx", "97-2003"),
        (csv_bytes([HEADER, ("A", "B", "a" * 260 + "@x.test", "")]), "personeel.csv", "254"),
    ],
)
def test_command_prints_the_problems_of_a_bad_file_and_exits_1(
    world, tmp_path, data, name, words, dry_run
):
    """The attack: tracebacks on bad files, and a dry run that reported success."""
    path = tmp_path / name
    path.write_bytes(data)
    args = ["--school", str(world.school.pk), str(path)] + (["--dry-run"] if dry_run else [])
    code, out, err = command(*args)
    assert code == 1
    assert words in err and "Traceback" not in err + out
    assert "nothing was written" in err


def test_command_usage_errors(world, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as missing_file:
        call_command("import_staff", "--school", str(world.school.pk), str(tmp_path / "x.csv"))
    assert missing_file.value.returncode == 2
    with pytest.raises(CommandError) as missing_school:
        call_command("import_staff", "--school", "999999", str(tmp_path / "x.csv"))
    assert missing_school.value.returncode == 2
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes(STAFF))
    with pytest.raises(CommandError) as unknown_post:
        call_command(
            "import_staff", "--school", str(world.school.pk), str(path), "--post", "x=boss"
        )
    assert unknown_post.value.returncode == 2
