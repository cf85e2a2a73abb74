"""Every page each demo account can reach, in Dutch and English, on a phone's width.

The walk follows the links of each page (same site, GET only, no downloads or
logging out) and checks each kind of page once per account and language: axe
reports no violation of any impact, the page never scrolls sideways at 390 px,
and nothing is cut off (``layout.cut_off``). On the board, a task's editor is
opened and checked too.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from teams.demo import ACCOUNTS, seed_demo
from teams.models import Role

from .conftest import PASSWORD, choose_language, log_in
from .layout import layout_problems

# Links that leave the HTML pages: files, feeds, the admin, logging out.
SKIP = re.compile(r"/(logout|admin|export|download|calendar|feed|ics)\b|\.(xlsx|csv|ics|pdf)$")
PAGES_PER_ACCOUNT = 60


def page_kind(url: str) -> str:
    """A page's kind: its path with ids as N, and the names of its query parameters."""
    parts = urlsplit(url)
    keys = sorted({key for key, _ in parse_qsl(parts.query)} - {"year"})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def links(page: Page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("main a[href], header a[href]", "as => as.map(a => a.href)")
    found = []
    for href in hrefs:
        url = urljoin(page.url, href).split("#")[0]
        if url.startswith(origin) and not SKIP.search(urlsplit(url).path):
            found.append(url)
    return found


def problems(page: Page) -> list[str]:
    found = []
    results = Axe().run(page)
    for v in results.response["violations"]:
        targets = "; ".join(str(n["target"][0]) for n in v["nodes"][:3])
        found.append(f"{page_kind(page.url)}: {v['id']} ({v['impact']}) at {targets}")
    # A table may scroll sideways inside its box on a phone; the page may not, and no
    # element may be cut off where nothing scrolls.
    found += [f"{page_kind(page.url)}: {p}" for p in layout_problems(page, scrolling_allowed=True)]
    return found


def open_an_editor(page: Page) -> list[str]:
    toggle = page.locator("tbody.task-block a[aria-expanded]").first
    if page_kind(page.url) != "/schools/N/" or not toggle.count():
        return []
    toggle.click()
    page.locator(".task-editor").first.wait_for()
    return [f"{p} (editor open)" for p in problems(page)]


def walk(page: Page, origin: str, start: str) -> tuple[list[str], list[str]]:
    """Visit every kind of page once from ``start``; the pages seen and what is wrong."""
    seen: dict[str, str] = {}
    queue, found = [start], []
    while queue and len(seen) < PAGES_PER_ACCOUNT:
        url = queue.pop(0)
        if page_kind(url) in seen:
            continue
        response = page.goto(url)
        if response is None or response.status >= 400 or not page.url.startswith(origin):
            seen[page_kind(url)] = url
            continue
        seen[page_kind(url)] = url
        found += problems(page) + open_an_editor(page)
        queue += [link for link in links(page, origin) if page_kind(link) not in seen]
    return list(seen.values()), found


@pytest.fixture
def demo(transactional_db):
    Role.objects.ensure_standard()  # migrated rows an earlier live-server test flushed
    seed_demo(password=PASSWORD)


@pytest.mark.parametrize("username", [username for username, _ in ACCOUNTS])
def test_every_page_passes_axe_and_fits_a_phone(browser: Browser, live_server, demo, username):
    context = browser.new_context(
        locale="nl-BE", reduced_motion="reduce", viewport={"width": 390, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, username)
    pages, found = walk(page, live_server.url, page.url)
    assert len(pages) > 1

    choose_language(page, "en")  # the menu is folded at this width
    for url in pages:
        response = page.goto(url)
        if response is not None and response.status < 400:
            found += [f"[en] {p}" for p in problems(page) + open_an_editor(page)]
    context.close()
    assert not found, "\n".join(found)
