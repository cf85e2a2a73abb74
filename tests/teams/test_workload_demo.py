"""The demo's workload figures read right: budgets given as part of a full-time post, the
back-up tasks, and the school group's needed and carried hours per group."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from teams.models import Membership, School
from teams.templatetags.teams import hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(client):
    call_command("seed_demo", "--password", "Demo-Pass-1")
    return School.objects.get(name="Basisschool De Linde")


def log_in(client, username):
    client.force_login(Membership.objects.get(user__username=username).user)


def text(html: str) -> str:
    """What a reader sees of some HTML: the text, one space between words."""
    spaced = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"\s+\)", ")", re.sub(r"\(\s+", "(", spaced))


def row_of(page: str, name: str) -> str:
    """The table row (or list item) that names the person, as text."""
    match = re.search(rf"<(tr|li)\b(?:(?!</\1>).)*{name}.*?</\1>", page, re.S)
    assert match, name
    return text(match.group(0))


def test_budgets_as_part_of_a_full_time_post_show_as_given(client, demo):
    log_in(client, "directeur.linde")
    page = client.get(reverse("teams:staff", args=[demo.pk])).content.decode()
    # 0,25 x 1.406 h and 0,05 x 1.406 h, shown with the part as it was given.
    assert "351,5 u (0,25 van een voltijdse betrekking)" in row_of(page, "Tom Janssens")
    assert "70,3 u (0,05 van een voltijdse betrekking)" in row_of(page, "Eva Claes")
    assert "0,1 van een voltijdse" not in page and "0,3 van een voltijdse" not in page


def test_back_up_tasks_are_counted_and_named_apart(client, demo):
    log_in(client, "directeur.linde")
    data = client.get(reverse("teams:workload", args=[demo.pk]))
    koen = next(p for p in data.context["data"].people if p.member.last_name == "Wouters")
    # Back-up of T03 and T04, with no hours of his own there.
    assert (koen.figures.backup_task_count, koen.figures.backup_hours) == (2, 0)
    row = row_of(data.content.decode(), "Koen Wouters")
    assert "2 taken" in row  # the back-up column no longer reads 0
    panel = client.get(reverse("teams:board", args=[demo.pk])).content.decode()
    assert "0 taken als verantwoordelijke, 2 als back-up · 0 / 30 u" in row_of(
        panel, "Koen Wouters"
    )
    # Tom Janssens: 18 tasks of his own, back-up of P03 and B01.
    assert "18 taken als verantwoordelijke, 2 als back-up" in row_of(panel, "Tom Janssens")


def test_the_group_page_shows_needed_and_carried_hours_per_group_each_labelled(client, demo):
    log_in(client, "beheer.scholengroep")
    response = client.get(reverse("teams:school_group", args=[demo.school_group_id]))
    page = response.content.decode()
    for column in response.context["data"].schools:
        log_in(client, "beheer.scholengroep")
        people = client.get(reverse("teams:workload", args=[column.school.pk])).context["data"]
        carried = {
            kind: sum((p.figures.by_group[kind] for p in people.people), Decimal(0))
            for kind in ("technical", "pedagogical", "policy", "administrative")
        }
        needed = column.current.group_split()
        row = re.search(rf"<tr>\s*<td[^>]*><a[^>]*>{column.school.name}</a>.*?</tr>", page, re.S)
        assert row, column.school.name
        cells = dict(re.findall(r'data-label="([^"]+)"[^>]*>([^<]*)</td>', row.group(0)))

        def split(values: dict[str, Decimal]) -> str:
            return " / ".join(
                hours(values[k]) for k in ("technical", "pedagogical", "policy", "administrative")
            )

        assert cells["Nodig: technisch / pedagogisch / beleid / administratief"] == split(needed)
        assert cells["Gedragen: technisch / pedagogisch / beleid / administratief"] == split(
            carried
        )
        assert split(needed) == "532 / 407 / 147 / 169"  # the catalogue's, in both schools
    carried_cells = re.findall(r'data-label="Gedragen: [^"]+"[^>]*>([^<]*)</td>', page)
    assert carried_cells == ["519,1 / 300 / 79,3 / 92", "513,9 / 270 / 92,7 / 90"]  # Zuid, Linde
