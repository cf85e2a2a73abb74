"""Each kind of account lands on a page made for it, and its menu holds only items that lead
somewhere; the platform administrator's home lists every school and school group, with the
ways to add them always at hand."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teams import access
from teams.models import Membership, School

from .factories import SchoolFactory, SchoolGroupFactory, StaffMemberFactory, UserFactory, appoint

pytestmark = pytest.mark.django_db

NOT_LINKED_TO_A_SCHOOL = "Je account is nog niet aan een school gekoppeld."
NOT_LINKED_TO_STAFF = "Je account is nog niet gekoppeld aan een personeelslid."


def platform_admin() -> User:
    return User.objects.create_superuser("beheerder", email="beheer@platform.test")


def menu(page: str) -> list[str]:
    """The words of the main menu's items, in order."""
    items = re.search(r'<ul class="navbar-nav me-auto">(.*?)</ul>', page, re.S)
    assert items, page
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<a [^>]*>.*?</a>", items.group(1))
    ]


def landing(client, user) -> tuple[str, str]:
    """Where the account lands from the home page, and that page."""
    client.force_login(user)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    return response.redirect_chain[-1][0], response.content.decode()


# --- The platform administrator's home ----------------------------------------------------------


def new_actions(page: str) -> tuple[bool, bool]:
    return (
        f'href="{reverse("teams:school_new")}"' in page,
        f'href="{reverse("teams:school_group_new")}"' in page,
    )


def test_on_an_empty_install_the_home_says_what_to_create_first(client):
    url, page = landing(client, platform_admin())
    assert url == reverse("teams:schools")
    assert "Scholen en scholengroepen" in page
    assert new_actions(page) == (True, True)
    assert "Nog geen scholengroep." in page and "Maak de eerste scholengroep aan" in page
    assert "Nog geen school." in page and "Maak de eerste school aan" in page
    assert NOT_LINKED_TO_A_SCHOOL not in page


def test_with_one_school_the_home_still_lists_it_with_the_ways_to_add_more(client):
    school = SchoolFactory(name="Basisschool De Linde", school_group=None)
    url, page = landing(client, platform_admin())
    assert url == reverse("teams:schools")
    assert f'href="{school.get_absolute_url()}"' in page
    assert new_actions(page) == (True, True)
    assert "Nog geen scholengroep." in page and "Nog geen school." not in page


def test_the_home_lists_every_school_group_and_school(client, world):
    url, page = landing(client, platform_admin())
    assert url == reverse("teams:schools")
    assert f'href="{world.group.get_absolute_url()}"' in page
    assert 'Scholengroep G</a> <span class="text-body-secondary">· 2 scholen' in page
    for school in School.objects.all():
        assert f'href="{school.get_absolute_url()}"' in page
    assert new_actions(page) == (True, True)
    assert "Nog geen" not in page


def test_a_staff_user_of_the_site_is_a_platform_administrator_too(client):
    url, page = landing(client, UserFactory(username="platform", is_staff=True))
    assert url == reverse("teams:schools")
    assert new_actions(page) == (True, True)


def test_the_schools_come_a_hundred_to_a_page(client, standard_data):
    for number in range(101):
        SchoolFactory(name=f"School {number:03}", school_group=None)
    client.force_login(platform_admin())
    first = client.get(reverse("teams:schools")).content.decode()
    assert "School 099" in first and "School 100" not in first
    assert "Pagina 1 van 2" in first
    second = client.get(reverse("teams:schools"), {"page": 2}).content.decode()
    assert "School 100" in second and "School 000" not in second
    assert new_actions(second) == (True, True)


def test_the_home_costs_the_same_queries_with_many_schools_and_groups(client, standard_data):
    client.force_login(platform_admin())
    url = reverse("teams:schools")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    SchoolFactory(school_group=SchoolGroupFactory())
    few = queries()
    for _ in range(20):
        group = SchoolGroupFactory()
        SchoolFactory(school_group=group)
        SchoolFactory(school_group=None)
    assert queries() == few


# --- Where each account lands ---------------------------------------------------------------


def department() -> User:
    user = UserFactory(username="departement")
    Membership.objects.create(user=user, kind="department")
    return user


def test_the_department_lands_on_the_pilots_and_its_menu_leads_nowhere_else(client, world):
    url, page = landing(client, department())
    assert url == reverse("guidelines:pilots")
    assert menu(page) == ["Catalogus", "Pilootprojecten"]
    # Typing the schools page's address brings it home too, not to "ask your director".
    schools = client.get(reverse("teams:schools"), follow=True)
    assert schools.redirect_chain[-1][0] == reverse("guidelines:pilots")
    assert NOT_LINKED_TO_A_SCHOOL not in schools.content.decode()


def test_without_pilots_the_department_reads_who_starts_them(client):
    _, page = landing(client, department())
    assert "Er is nog geen pilootproject om op te volgen." in page
    assert "De beheerder van het platform start pilootprojecten" in page
    assert reverse("admin:guidelines_pilot_add") not in page


def test_without_pilots_the_platform_administrator_is_offered_to_start_one(client):
    client.force_login(platform_admin())
    page = client.get(reverse("guidelines:pilots")).content.decode()
    assert f'href="{reverse("admin:guidelines_pilot_add")}"' in page


def test_an_account_without_a_school_gets_the_message_and_no_dead_menu_items(client, world):
    url, page = landing(client, UserFactory(username="nieuw"))
    assert url == reverse("teams:schools")
    assert NOT_LINKED_TO_A_SCHOOL in page
    assert menu(page) == ["Catalogus"]


def test_a_catalogue_maintainer_lands_on_the_catalogue(client, world):
    user = UserFactory(username="onderhoud")
    user.user_permissions.add(Permission.objects.get(codename="import_catalogue"))
    url, page = landing(client, user)
    assert url == reverse("tasks:catalogue")
    assert menu(page) == ["Catalogus", "Imports"]


@pytest.mark.parametrize(
    ("who", "items"),
    [
        ("director", ["Scholen", "Mijn taken", "Stappenplan", "Catalogus"]),
        ("coordinator", ["Scholen", "Mijn taken", "Stappenplan", "Catalogus"]),
        ("staff_user", ["Scholen", "Mijn taken", "Stappenplan", "Catalogus"]),
        ("group_admin", ["Scholen", "Stappenplan", "Catalogus", "Pilootprojecten"]),
    ],
)
def test_each_account_of_a_school_sees_the_menu_items_that_lead_somewhere(
    client, world, who, items
):
    _, page = landing(client, getattr(world, who))
    assert menu(page) == items


# --- Every menu item shown leads somewhere, and none hidden would ----------------------------


def cast(world) -> dict[str, User]:
    ann = world.staff[0]
    ann.user = UserFactory(username="ann.a")
    ann.save()
    Membership.objects.create(user=ann.user, kind="staff", school=world.school)
    return {
        "director": world.director,
        "staff": ann.user,
        "group_admin": world.group_admin,
        "department": department(),
        "platform_admin": platform_admin(),
        "no_school": UserFactory(username="nieuw"),
    }


def leads_somewhere(client, url: str) -> bool:
    response = client.get(url, follow=True)
    page = response.content.decode()
    ended = response.redirect_chain[-1][0] if response.redirect_chain else url
    return (
        response.status_code == 200
        and NOT_LINKED_TO_A_SCHOOL not in page
        and NOT_LINKED_TO_STAFF not in page
        and ended != reverse("guidelines:pilots")  # the pilots have their own item
    )


def test_the_menu_shows_exactly_the_items_that_lead_somewhere(client, world):
    appoint(StaffMemberFactory(first_name="Dirk", last_name="A", user=world.director), world.school)
    items = {
        "Scholen": reverse("teams:schools"),
        "Mijn taken": reverse("teams:my_tasks"),
        "Stappenplan": reverse("guidelines:mine"),
    }
    for name, user in cast(world).items():
        client.force_login(user)
        shown = menu(client.get(reverse("tasks:catalogue")).content.decode())
        for item, url in items.items():
            if name == "no_school" and item == "Scholen":
                continue  # the page that says whom to ask is this account's home
            assert (item in shown) is leads_somewhere(client, url), (name, item)
        assert access.menu_for(user).schools is ("Scholen" in shown)
        # Only platform administrators publish guideline versions, from their own menu item.
        assert ("Richtlijnen" in shown) is (name == "platform_admin"), name
