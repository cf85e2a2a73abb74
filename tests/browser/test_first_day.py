"""The first day of a school, from an empty install to a working ICT team, in the browser.

The database holds what ``migrate`` leaves on a real install (the shipped catalogue and
step plan, the standard groups, roles and school year) and one platform administrator.
From there everything is done by clicks and typing: the administrator creates the school
and invites its director; the director accepts the invitation from the e-mail, imports the
staff list, invites the ICT coordinator with coordinator rights, assigns a task and gives it
a due date from the board; the coordinator accepts their invitation (in English), reads
the workload dashboard, finds the reminder in the bell and ticks an item of the step plan.

Clicks and key presses are counted and printed. Every page visited is checked afterwards,
as the account that visited it, in Dutch and English: axe-core finds no violation of any
impact, no page is wider than its viewport at 390 and 1280 px, and nothing is cut off at
1280 and 1440 px (``layout``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Browser, Locator, Page, expect

from guidelines.models import Cycle
from teams.models import Assignment, Invitation, Membership, Reminder, SchoolYear, StaffMember

from .conftest import PASSWORD, axe_violations, choose_language
from .layout import cut_off, resize, sideways_scroll

STAFF_CSV = (
    "Voornaam;Familienaam;E-mailadres;Ambt\r\n"
    "Sofie;Peeters;sofie.peeters@delinde.test;Directeur\r\n"
    "Tom;Çelik;tom.celik@delinde.test;ICT-coördinator\r\n"
    "Zoë;Vandeputte;zoe.vandeputte@delinde.test;Leraar lager onderwijs\r\n"
    "Hélène;D'Hondt;helene.dhondt@delinde.test;Kleuterleidster\r\n"
    "Jonas;Van den Broeck;jonas.vandenbroeck@delinde.test;Secretariaat\r\n"
).encode("cp1252")
DIRECTOR_PASSWORD = "Zonnige-Speelplaats-42"
COORDINATOR_PASSWORD = "Blauwe-Fietsenstalling-7"
TASK = "Netwerk en wifi beheren"
# Not pages: files, the calendar feed, logging out, the one-time invitation links.
NOT_A_PAGE = re.compile(r"^/(logout|admin|welcome)/|/(export|feed)/|\.(xlsx|csv|ics)$")


@dataclass
class Hands:
    """What a person does on the page, counted: each click, and each key pressed or typed.

    Choosing from a list is two clicks (open it, pick); a file is chosen with a click on
    the field and one in the file dialog; opening a link from an e-mail is a click.
    """

    page: Page
    account: str = "anonymous"
    clicks: int = 0
    keys: int = 0
    steps: list[tuple[str, int, int]] = field(default_factory=list)
    visited: dict[str, list[str]] = field(default_factory=dict)
    states: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.page.on("framenavigated", self._record)

    def _record(self, frame: Any) -> None:
        if frame != self.page.main_frame:
            return
        parts = urlsplit(frame.url)
        if NOT_A_PAGE.search(parts.path):
            return
        # The current school year in the address shows the same page as none.
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "year"])
        path = parts.path + (f"?{query}" if query else "")
        paths = self.visited.setdefault(self.account, [])
        if path not in paths:
            paths.append(path)

    def click(self, target: Locator) -> None:
        target.click()
        self.clicks += 1

    def type(self, target: Locator, text: str) -> None:
        """Click into a field and type the text, one key a character."""
        self.click(target)
        self.page.keyboard.type(text)
        self.keys += len(text)

    def type_date(self, target: Locator, day: date) -> None:
        """Click into a date field and type the day: eight digits. The order a date field
        takes them in follows the system's locale, so the field gets its value set."""
        self.click(target)
        target.fill(day.isoformat())
        self.keys += 8

    def choose(self, select: Locator, label: str) -> None:
        select.select_option(label=label)
        self.clicks += 2

    def upload(self, target: Locator, name: str, data: bytes, mime: str) -> None:
        with self.page.expect_file_chooser() as chooser:
            self.click(target)
        chooser.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
        self.clicks += 1

    def open_link(self, url: str) -> None:
        """Follow a link from an e-mail."""
        self.page.goto(url)
        self.clicks += 1

    def leave(self) -> None:
        """Leave the browser to the next person: keep this account's session for the checks
        afterwards, and start again without cookies."""
        self.states[self.account] = self.page.context.storage_state()
        self.page.context.clear_cookies()
        self.account = "anonymous"

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        clicks, keys = self.clicks, self.keys
        yield
        self.steps.append((name, self.clicks - clicks, self.keys - keys))

    def report(self) -> str:
        width = max(len(name) for name, _, _ in self.steps)
        lines = [f"{'step':<{width}}  clicks  keys"]
        lines += [f"{name:<{width}}  {c:>6}  {k:>4}" for name, c, k in self.steps]
        lines.append(f"{'total':<{width}}  {self.clicks:>6}  {self.keys:>4}")
        return "\n".join(lines)


@pytest.fixture
def platform_admin(transactional_db, shipped_content, standard_data) -> User:  # type: ignore[no-untyped-def]
    """The one account an install starts with (``createsuperuser``)."""
    return User.objects.create_superuser(
        "beheerder", email="beheer@platform.test", password=PASSWORD
    )


def said(page: Page, text: str) -> None:
    """The page tells ``text`` in a status message."""
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def invitation_link(to: str) -> str:
    """The link in the last invitation e-mail sent to ``to``."""
    message = [m for m in mail.outbox if m.to == [to]][-1]
    match = re.search(r"https?://\S+/welcome/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def accept(hands: Hands, link: str, account: str, password: str, heading: str,
           fields: tuple[str, str], button: str, problems: list[str]) -> None:  # fmt: skip
    """Open the invitation's link from the e-mail and choose a password."""
    page = hands.page
    hands.open_link(link)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    problems += check(page, f"{account}: the invitation's page")
    hands.account = account  # the next page is theirs
    hands.type(page.get_by_role("textbox", name=re.compile(rf"^{fields[0]}\*?$")), password)
    hands.type(page.get_by_role("textbox", name=re.compile(rf"^{fields[1]}")), password)
    hands.click(page.get_by_role("button", name=button))


def check(page: Page, where: str, *, widths: tuple[int, ...] = (1280, 1440, 390)) -> list[str]:
    """What is wrong with the page as it is now, at each width: axe-core's violations (at
    1280 and 390 px), sideways scrolling (1280 and 390 px) and cut-off elements (1280 and
    1440 px). The viewport is left at 1280 px."""
    found: list[str] = []
    for width in widths:
        resize(page, width)
        if width in (1280, 390):
            wide = sideways_scroll(page)
            if wide > 0:
                found.append(f"{where} at {width} px: scrolls sideways by {wide} px")
            found += [f"{where} at {width} px: {v}" for v in axe_violations(page)]
        if width >= 1280:
            found += [f"{where} at {width} px: cut off: {c}" for c in cut_off(page)]
    resize(page, 1280)
    return found


def check_in_both_languages(page: Page, where: str, *, back_to: str = "nl") -> list[str]:
    """``check`` the page (reached by GET) in Dutch and in English, then speak ``back_to``."""
    found = []
    for language in ("nl", "en"):
        choose_language(page, language)
        found += check(page, f"[{language}] {where}")
    choose_language(page, back_to)
    return found


def revisit(browser: Browser, live_server, hands: Hands) -> tuple[list[str], int]:  # type: ignore[no-untyped-def]
    """Each page the flow visited, again as the account that visited it, in Dutch and
    English: what ``check`` finds, with the board's task editor open too."""
    found, checked = [], 0
    for account, paths in hands.visited.items():
        context = browser.new_context(
            storage_state=hands.states.get(account), locale="nl-BE", reduced_motion="reduce",
            viewport={"width": 1280, "height": 900},
        )  # fmt: skip
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + paths[0])
        for language in ("nl", "en"):
            choose_language(page, language)
            for path in paths:
                response = page.goto(live_server.url + path)
                where = f"[{language}] {account} {path}"
                if response is None or response.status >= 400:
                    found.append(f"{where}: answered {response and response.status}")
                    continue
                found += check(page, where)
                checked += 1
                toggle = page.locator("tbody.task-block a[aria-expanded]").first
                if page.locator("#board-table").count() and toggle.count():
                    toggle.click()
                    page.locator(".task-editor").first.wait_for()
                    found += check(page, f"{where} (editor open)")
        context.close()
    return found, checked


def test_the_first_day_from_an_empty_install(  # type: ignore[no-untyped-def]
    browser: Browser, live_server, platform_admin
):
    mail.outbox.clear()
    started = time.monotonic()
    context = browser.new_context(
        locale="nl-BE", reduced_motion="reduce", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    hands = Hands(page)
    problems: list[str] = []
    today = timezone.localdate()
    year = SchoolYear.current()
    due = min(today + timedelta(days=5), year.ends_on)  # within the 7 days' lead time

    with hands.step("1. platform administrator: log in, create the school"):
        page.goto(f"{live_server.url}/")  # the address, typed
        hands.account = "beheerder"
        hands.type(page.get_by_label("Gebruikersnaam"), "beheerder")
        hands.type(page.get_by_label("Wachtwoord"), PASSWORD)
        hands.click(page.get_by_role("button", name="Aanmelden"))
        expect(page.get_by_role("heading", name="Scholen en scholengroepen")).to_be_visible()
        hands.click(page.get_by_role("link", name="Nieuwe school", exact=True))
        expect(page.get_by_role("heading", name="Nieuwe school")).to_be_visible()
        for label, text in (
            ("Naam van de school", "Basisschool De Linde"),
            ("Voornaam", "Sofie"),
            ("Achternaam", "Peeters"),
            ("E-mail", "sofie.peeters@delinde.test"),
        ):
            hands.type(page.get_by_role("textbox", name=re.compile(rf"^{label}\*?$")), text)
        hands.click(page.get_by_role("button", name="Aanmaken en uitnodigen"))
        said(page, "Basisschool De Linde is aangemaakt")
        expect(page.get_by_role("link", name="Basisschool De Linde")).to_be_visible()
        hands.leave()

    with hands.step("2. director: accept the invitation from the e-mail"):
        accept(hands, invitation_link("sofie.peeters@delinde.test"), "directeur",
               DIRECTOR_PASSWORD, "Welkom bij ICT-team",
               ("Nieuw wachtwoord", "Nieuw wachtwoord bevestigen"), "Mijn account aanmaken",
               problems)  # fmt: skip
        said(page, "Welkom")
        expect(page.get_by_role("heading", name="Basisschool De Linde")).to_be_visible()

    with hands.step("3. director: import the staff list"):
        hands.click(page.get_by_role("link", name="Personeel", exact=True))
        hands.click(page.get_by_role("link", name="Een personeelslijst importeren"))
        expect(page.get_by_role("heading", name="De personeelslijst importeren")).to_be_visible()
        hands.upload(page.get_by_label("Personeelslijst"), "personeel.csv", STAFF_CSV, "text/csv")
        hands.click(page.get_by_role("button", name="Toon het voorbeeld"))
        expect(
            page.get_by_role("heading", name="Voorbeeld: er is nog niets opgeslagen")
        ).to_be_visible()
        preview = page.get_by_role("table", name="Wat de import wijzigt")
        for name in ("Tom", "Çelik", "Zoë", "Hélène", "D'Hondt", "Van den Broeck"):
            expect(preview).to_contain_text(name)
        problems += check_in_both_languages(page, "directeur: the import's preview")
        hands.click(page.get_by_role("button", name="Import bevestigen"))
        said(page, "4 toegevoegd")
        people = page.get_by_role("table").first
        expect(people).to_contain_text("Hélène D'Hondt")
        # In Dutch order: Çelik with the C, "Van den Broeck" before "Vandeputte".
        assert people.locator("tbody tr a").all_inner_texts() == [
            "Tom Çelik", "Hélène D'Hondt", "Sofie Peeters", "Jonas Van den Broeck",
            "Zoë Vandeputte",
        ]  # fmt: skip

    with hands.step("4. director: invite the coordinator with coordinator rights"):
        hands.click(page.get_by_role("link", name="Tom Çelik"))
        expect(page.get_by_role("heading", name="Tom Çelik")).to_be_visible()
        rights = page.get_by_label("Rechten zodra de uitnodiging aanvaard is")
        # Suggested from the post.
        expect(rights.locator("option:checked")).to_have_text(re.compile("ICT-coördinator", re.I))
        hands.choose(page.get_by_label("Taal van de e-mail"), "English")
        hands.click(page.get_by_role("button", name="tom.celik@delinde.test uitnodigen"))
        said(page, "uitnodiging verstuurd")
        expect(page.locator("main")).to_contain_text("ICT-coördinator")
        # Their ICT budget: 4 teaching periods a week (4 x 50 minutes over 37 weeks).
        hands.click(page.get_by_role("link", name="Bewerken"))
        hands.type(page.get_by_label("ICT-budget"), "4")
        hands.choose(page.get_by_label("Budget in"), "lestijden per week")
        hands.click(page.get_by_role("button", name="Opslaan"))
        expect(page.get_by_role("heading", name="Tom Çelik")).to_be_visible()

    with hands.step("5. director: give a task a responsible and a backup, with hours"):
        hands.click(page.get_by_role("link", name="Basisschool De Linde"))  # the breadcrumb
        block = page.locator("tbody.task-block", has_text=TASK)
        hands.click(block.get_by_role("link", name="Toewijzen"))
        editor = block.locator(".task-editor")
        expect(editor).to_be_visible()
        add = editor.locator("form").last
        hands.choose(add.get_by_label("Personeelslid"), "Tom Çelik")
        hands.type(add.get_by_label("Uren"), "40")
        hands.click(add.get_by_role("button", name="Toevoegen"))
        expect(block.locator("tr.task-row")).to_contain_text("Tom Çelik")
        add = block.locator(".task-editor form").last
        hands.choose(add.get_by_label("Personeelslid"), "Zoë Vandeputte")
        hands.choose(add.get_by_label("Als"), "back-up")
        hands.type(add.get_by_label("Uren"), "10")
        hands.click(add.get_by_role("button", name="Toevoegen"))
        expect(block.locator("tr.task-row")).to_contain_text("Zoë Vandeputte")
        problems += check(page, "[nl] directeur: the board's task editor")

    with hands.step("6. director: give the task a due date from the board"):
        hands.click(block.get_by_role("link", name=re.compile("^Vervaldatums en herinneringen")))
        expect(page.get_by_role("heading", name="Wanneer moet het gebeuren?")).to_be_visible()
        # The task comes back every week, as the catalogue says: its first due date.
        expect(page.get_by_label("Komt terug")).to_have_value("weekly")
        hands.type_date(page.get_by_label("Eerste vervaldatum"), due)
        hands.click(page.get_by_role("button", name="Planning bewaren"))
        said(page, "De planning is bewaard.")
        coming = page.locator("#coming")
        expect(coming).to_contain_text("Tom Çelik")
        with translation.override("nl"):
            expect(coming).to_contain_text(f"De herinnering voor {date_format(due, 'l j F Y')}")
        hands.leave()

    with hands.step("7. coordinator: accept the invitation (in English)"):
        accept(hands, invitation_link("tom.celik@delinde.test"), "tom", COORDINATOR_PASSWORD,
               "Welcome to ICT-team", ("New password", "New password confirmation"),
               "Create my account", problems)  # fmt: skip
        said(page, "Welcome")

    with hands.step("8. coordinator: read the workload dashboard"):
        expect(page.get_by_role("link", name="Workload")).to_have_attribute("aria-current", "page")
        people = page.get_by_role("table", name="Hours per person against their budget")
        # 40 of 123.3 hours; Zoë carries 10 hours as a backup and has no budget.
        expect(people.get_by_role("row", name="Tom Çelik")).to_contain_text("32%")
        expect(people.get_by_role("row", name="Zoë Vandeputte")).to_contain_text("10 h")

    with hands.step("9. coordinator: the reminder in the bell"):
        bell = page.get_by_role("link", name="Reminders, 1 unread")
        hands.click(bell)
        hands.click(page.get_by_role("button", name=re.compile(f"^{TASK}")))
        expect(page.get_by_role("heading", name=TASK)).to_be_visible()

    with hands.step("10. coordinator: start the step plan and tick an item"):
        hands.click(page.get_by_role("link", name="Step plan", exact=True).first)
        problems += check_in_both_languages(page, "tom: the plan before its cycle", back_to="en")
        hands.click(page.get_by_role("button", name="Start the cycle"))
        said(page, "The cycle was started.")
        item = page.locator(".tick-button").first
        key = (item.get_attribute("id") or "").removeprefix("tick-")
        hands.click(item)
        expect(page.locator(f"#item-{key} .state-badge")).to_have_text("done")
        hands.leave()

    flow = time.monotonic() - started
    print()
    print(hands.report())

    # What the clicks did, in the database.
    director = User.objects.get(username="sofie.peeters@delinde.test")
    coordinator = User.objects.get(username="tom.celik@delinde.test")
    assert director.memberships.get().kind == Membership.Kind.DIRECTOR
    assert coordinator.memberships.get().kind == Membership.Kind.COORDINATOR
    assert Invitation.objects.filter(accepted_at__isnull=False).count() == 2
    assert StaffMember.objects.count() == 5
    assert set(Assignment.objects.values_list("staff_member__first_name", "kind", "hours")) == {
        ("Tom", "responsible", 40),
        ("Zoë", "backup", 10),
    }
    reminder = Reminder.objects.get()
    assert (reminder.staff_member.user, reminder.due_on) == (coordinator, due)
    assert Cycle.objects.get().progress.filter(state="done").count() == 1

    found, checked = revisit(browser, live_server, hands)
    problems += found
    context.close()
    total = time.monotonic() - started
    for account, paths in hands.visited.items():
        print(f"{account}: {' '.join(paths)}")
    print(f"{checked} pages checked again in the two languages")
    print(f"flow {flow:.0f} s, with the checks {total:.0f} s")
    assert not problems, "\n".join(problems)
    assert hands.clicks <= 80 and hands.keys <= 300, hands.report()
