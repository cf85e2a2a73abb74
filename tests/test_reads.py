"""Reads never write: every page each demo account can reach, opened by GET, changes nothing."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib.auth.models import User

from teams.demo import ACCOUNTS, seed_demo

pytestmark = pytest.mark.django_db
# Leaving, and files that are downloaded rather than pages (they are read-only too, but large).
SKIP = re.compile(r"/(logout|admin)\b|\.(xlsx|csv|ics)$|/export/")
APPS = ("teams", "tasks", "guidelines")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") if tag == "a" else None
        if href and href.startswith("/") and not href.startswith("//"):
            self.found.append(href.split("#")[0])


def state() -> dict[str, list[tuple[object, ...]]]:
    """Every row of the apps' tables, as values: a write of any kind shows as a difference."""
    return {
        model._meta.label: sorted(map(repr, model._default_manager.values_list()))
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }


@pytest.mark.parametrize("username", [username for username, _ in ACCOUNTS])
def test_opening_every_page_writes_nothing(client, standard_data, username):
    seed_demo(password="Demo-Pass-1")
    client.force_login(User.objects.get(username=username))
    before = state()
    seen: set[str] = set()
    queue = ["/"]
    while queue and len(seen) < 80:
        url = queue.pop(0)
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in (200, 302), f"{url}: {response.status_code}"
        if response.status_code == 302:
            queue.append(response["Location"])
        elif "text/html" in response.get("Content-Type", ""):
            parser = Links()
            parser.feed(response.content.decode())
            queue += [link for link in parser.found if link not in seen]
    assert len(seen) > 3
    after = state()
    changed = [label for label in before if before[label] != after[label]]
    assert changed == [], f"{username}: GET wrote to {changed}"
