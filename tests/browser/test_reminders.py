"""A staff member sees the bell, opens the reminder and marks the occurrence done, by keyboard."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from teams.models import Assignment, Budget, Membership, Occurrence, Reminder, Rhythm, SchoolYear
from teams.reminders import services
from teams.reminders.scan import run_scan
from tests.teams.factories import OwnTaskFactory, SchoolFactory, StaffMemberFactory, appoint

from .conftest import PASSWORD, assert_no_violations, log_in


@pytest.fixture
def due(transactional_db, settings):  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    school = SchoolFactory(name="Basisschool De Linde")
    teacher = User.objects.create_user("leerkracht", password=PASSWORD, first_name="Lien")
    Membership.objects.create(user=teacher, kind="staff", school=school)
    lien = appoint(StaffMemberFactory(first_name="Lien", last_name="Maes", user=teacher), school)
    task = OwnTaskFactory(school=school, title="Back-ups opvolgen", local_hours=Decimal(12))
    today = timezone.localdate()
    year, _ = SchoolYear.objects.get_or_create(start_year=SchoolYear.start_year_of(today))
    Assignment.objects.create(school_task=task, school_year=year, kind="responsible",
                              staff_member=lien)  # fmt: skip
    services.set_schedule(school_task=task, rhythm=Rhythm.WEEKLY,
                          anchor=today + timedelta(days=2), lead_days=3, today=today)  # fmt: skip
    run_scan(on=today)
    return Occurrence.objects.get()


def tab_to(page: Page, name: str, limit: int = 40) -> None:
    """Press Tab until the focused element's accessible text contains ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate(
            "() => (document.activeElement.innerText || document.activeElement.value || '')"
        )
        if name in text:
            return
    pytest.fail(f"Tab never reached {name!r}")


def test_staff_member_marks_a_reminded_occurrence_done_by_keyboard(page: Page, live_server, due):
    log_in(page, live_server, "leerkracht")
    bell = page.get_by_role("link", name="Herinneringen, 1 ongelezen")
    expect(bell).to_be_visible()
    assert_no_violations(page)

    tab_to(page, "Herinneringen, 1 ongelezen")
    expect(bell).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Herinneringen")).to_be_visible()
    reminder = page.get_by_role("button", name="Back-ups opvolgen moet gebeuren op")
    expect(reminder).to_be_visible()
    assert_no_violations(page)

    tab_to(page, "Back-ups opvolgen moet gebeuren op")
    expect(reminder).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Back-ups opvolgen")).to_be_visible()
    expect(page.get_by_role("link", name="Herinneringen", exact=True)).to_be_visible()  # read
    assert_no_violations(page)

    note = page.get_by_label("Notitie (niet verplicht)")
    tab_to(page, "Herinneringen")  # from the top of the page, past the menu ...
    for _ in range(30):  # ... to the note field
        if page.evaluate("() => document.activeElement.id") == "id_note":
            break
        page.keyboard.press("Tab")
    expect(note).to_be_focused()
    page.keyboard.type("Hersteltest gedaan")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Markeren als gedaan")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Gemarkeerd als gedaan. Bedankt!")
    expect(page.locator("#occurrence-state")).to_contain_text("Gedaan op")
    assert_no_violations(page)

    due.refresh_from_db()
    assert due.done_at is not None and due.note == "Hersteltest gedaan"
    assert due.done_by is not None and due.done_by.first_name == "Lien"
    assert Reminder.objects.get().read_at is not None


def test_reminder_pages_fit_390_px_without_axe_violations(page: Page, live_server, due):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "leerkracht")
    for path in ("/schools/reminders/", f"/schools/occurrences/{due.pk}/",
                 "/schools/reminders/settings/", "/schools/me/"):  # fmt: skip
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
        assert_no_violations(page)


@pytest.fixture
def board_task(transactional_db):  # type: ignore[no-untyped-def]
    """A director who is also responsible for a task that has no due date yet."""
    school = SchoolFactory(name="Basisschool De Linde")
    director = User.objects.create_user("directeur", password=PASSWORD, first_name="Sofie")
    Membership.objects.create(user=director, kind="director", school=school)
    sofie = appoint(StaffMemberFactory(first_name="Sofie", last_name="Claes", user=director),
                    school)  # fmt: skip
    task = OwnTaskFactory(school=school, title="Licenties verlengen", local_hours=Decimal(6))
    due = timezone.localdate() + timedelta(days=5)
    for day in (timezone.localdate(), due):  # the board's year, and the due date's
        year, _ = SchoolYear.objects.get_or_create(start_year=SchoolYear.start_year_of(day))
        Budget.objects.get_or_create(staff_member=sofie, school=school, school_year=year,
                                     hours_per_year=Decimal(40))  # fmt: skip
        Assignment.objects.get_or_create(school_task=task, school_year=year, kind="responsible",
                                         staff_member=sofie)  # fmt: skip
    return task


@pytest.mark.parametrize("width", [1280, 390])
def test_a_due_date_given_from_the_board_rings_the_bell_at_once_by_keyboard(
    page: Page, live_server, board_task, width
):
    from .test_keyboard import Keys, assert_main_fits, jump_to_task, wait_focus

    page.set_viewport_size({"width": width, "height": 800})
    task = board_task
    due = timezone.localdate() + timedelta(days=5)
    log_in(page, live_server, "directeur")
    page.goto(f"{live_server.url}/schools/{task.school_id}/")
    keys = Keys(page)

    jump_to_task(page, keys, "licenties", task)
    keys.press("Enter")  # "Bewerken": the editor opens on its first field
    editor = page.locator(f"#editor-{task.pk}")
    expect(editor).to_be_visible()
    link = editor.get_by_role("link", name="Vervaldatums en herinneringen")
    expect(link).to_be_visible()
    assert_main_fits(page)
    assert_no_violations(page)
    keys.tab_to(f"schedule-{task.pk}", limit=20)
    keys.press("Enter")
    expect(page.get_by_role("heading", name="Wanneer moet het gebeuren?")).to_be_visible()
    assert_no_violations(page)

    keys.press("Tab")  # the skip link
    keys.press("Enter")
    wait_focus(page, "main")
    keys.tab_to("id_rhythm")
    keys.type("eenmalig")
    assert page.locator("#id_rhythm option:checked").inner_text() == "eenmalig, op een datum"
    keys.tab_to("id_anchor")
    # One value typed; the order of the date's parts follows the system's locale, so it
    # is filled as the date input's value.
    page.locator("#id_anchor").fill(due.isoformat())
    keys.count += 1
    keys.tab_to("id_lead_days")
    assert page.locator("#id_lead_days").input_value() == "7"
    keys.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("De planning is bewaard.")
    if width < 992:  # the menu, with the bell, is folded on a phone
        page.get_by_role("button", name="Toon menu").click()
    expect(page.get_by_role("link", name="Herinneringen, 1 ongelezen")).to_be_visible()
    coming = page.locator("#coming")
    expect(coming).to_contain_text("staat bij het belletje van:")
    expect(coming).to_contain_text("Sofie Claes, en in hun e-mailoverzicht van")
    assert_main_fits(page)
    assert_no_violations(page)
    print(f"keys at {width} px: {keys.count}")
    assert keys.count <= 35  # two pages: the board's task to its schedule, and the schedule

    reminder = Reminder.objects.get()
    assert (reminder.staff_member.first_name, reminder.due_on) == ("Sofie", due)
    run_scan()  # the daily scan finds it recorded and adds nothing
    assert Reminder.objects.count() == 1 and Occurrence.objects.count() == 1
