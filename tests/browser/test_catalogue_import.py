"""The upload, preview and confirm flow in a real browser, checked with axe."""

import re

from playwright.sync_api import Page, expect

from tasks.models import CatalogueImport, Task, TaskGroup
from tests.tasks.workbooks import workbook_bytes

from .conftest import assert_accessible, log_in

ROWS = [
    ["Takenoverzicht ICT-coördinatie"],
    [],
    ["Nr.", "Taak", "Omschrijving", "Uren per jaar"],
    ["1. Technische taken"],
    ["T1", "Wifi beheren", "Netwerk en wifi", "12 uur"],
    ["2. Pedagogisch-didactische taken"],
    ["P1", "Leerkrachten coachen", "In de klas", "ca. 40"],
]


def test_login_page_is_accessible(page: Page, live_server, transactional_db):
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", name="Aanmelden bij ICT-team")).to_be_visible()
    assert_accessible(page)


def test_upload_preview_and_confirm(page: Page, live_server, browser_maintainer, tmp_path):
    path = tmp_path / "takenoverzicht.xlsx"
    path.write_bytes(workbook_bytes(ROWS, merge_headings=True))
    log_in(page, live_server, "beheerder")
    expect(page.get_by_role("heading", name="Takencatalogus")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Werkmap importeren").first.click()
    assert_accessible(page)
    page.get_by_label("Werkmap met het takenoverzicht").set_input_files(path)
    page.get_by_role("button", name="Toon de wijzigingen").click()

    expect(page.get_by_text("Er is nog niets geïmporteerd.")).to_be_visible()
    changes = page.get_by_role("table", name="Wijzigingen aan de catalogus")
    expect(changes.get_by_role("row")).to_have_count(3)
    expect(changes).to_contain_text("Wifi beheren")
    expect(changes).to_contain_text("Leerkrachten coachen")
    assert_accessible(page)
    assert Task.objects.count() == 0

    page.get_by_role("button", name="Bevestigen en importeren").click()
    success = page.get_by_role("status").filter(has_text="De catalogus is geïmporteerd.")
    expect(success).to_be_visible()
    assert_accessible(page)
    assert sorted(Task.objects.values_list("code", "hours_per_year")) == [("P1", 40), ("T1", 12)]

    page.get_by_role("link", name="Catalogus", exact=True).click()
    page.get_by_role("searchbox", name="Zoeken").fill("wifi")
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("link", name="Wifi beheren")).to_be_visible()
    expect(page.get_by_text("1 taak", exact=True)).to_be_visible()

    page.get_by_role("link", name="Imports", exact=True).click()
    expect(page.get_by_role("cell", name="takenoverzicht.xlsx")).to_be_visible()
    assert_accessible(page)


def test_invalid_workbook_lists_its_problems(page: Page, live_server, browser_maintainer, tmp_path):
    rows = [row[:] for row in ROWS]
    rows[4][3] = "veel"
    path = tmp_path / "fout.xlsx"
    path.write_bytes(workbook_bytes(rows))
    log_in(page, live_server, "beheerder")
    page.goto(f"{live_server.url}/catalogue/imports/new/")
    page.get_by_label("Werkmap met het takenoverzicht").set_input_files(path)
    page.get_by_role("button", name="Toon de wijzigingen").click()
    expect(page.get_by_role("alert")).to_contain_text("Er is niets gewijzigd")
    expect(page.get_by_role("cell", name="Taken!D5")).to_be_visible()
    expect(page.get_by_text('"veel" is geen aantal uren')).to_be_visible()
    assert_accessible(page)
    assert CatalogueImport.objects.get().status == CatalogueImport.Status.INVALID


def test_catalogue_on_a_phone(page: Page, live_server, browser_maintainer):
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, live_server, "beheerder")
    menu = page.get_by_role("button", name="Toon menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(page.get_by_role("link", name="Imports", exact=True)).to_be_visible()
    assert re.search(r"/catalogue/", page.url)
    assert_accessible(page)


def test_a_preview_that_retires_much_of_the_catalogue_says_so_first(
    page: Page, live_server, browser_maintainer, tmp_path
):
    technical = TaskGroup.objects.get(kind="technical")
    for code in ("T1", "T2", "T3", "T4"):
        Task.objects.create(code=code, title=f"Taak {code}", group=technical)
    path = tmp_path / "deel.xlsx"
    path.write_bytes(workbook_bytes([["Nr.", "Taak", "Groep"], ["T1", "Taak T1", "Technisch"]]))
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "beheerder")
    page.goto(f"{live_server.url}/catalogue/imports/new/")
    page.get_by_label("Werkmap met het takenoverzicht").set_input_files(path)
    page.get_by_role("button", name="Toon de wijzigingen").click()

    warning = page.get_by_role("alert").filter(has_text="meer dan een kwart van de catalogus")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Deze import zet 3 van de 4 actieve taken buiten gebruik")
    confirm = page.get_by_role("button", name="Bevestigen en importeren")
    warning_box, confirm_box = warning.bounding_box(), confirm.bounding_box()
    assert warning_box and confirm_box and warning_box["y"] < confirm_box["y"]
    assert warning_box["x"] + warning_box["width"] <= 390
    assert_accessible(page)
    assert Task.objects.active().count() == 4  # nothing written before confirming

    confirm.focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("status").filter(has_text="De catalogus is geïmporteerd.")
    ).to_be_visible()
    assert list(Task.objects.active().values_list("code", flat=True)) == ["T1"]


def test_an_empty_catalogue_leads_to_the_import_by_keyboard(
    page: Page, live_server, browser_maintainer
):
    log_in(page, live_server, "beheerder")
    page.goto(f"{live_server.url}/catalogue/")
    expect(page.get_by_text("De takencatalogus heeft nog geen taken.")).to_be_visible()
    expect(page.get_by_text("Geen taken voor deze filters")).to_have_count(0)
    assert_accessible(page)
    link = page.get_by_role("link", name="Importeer het takenoverzicht")
    for _ in range(60):
        if link.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Een takenoverzicht importeren")).to_be_visible()
