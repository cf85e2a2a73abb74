"""Schools and school groups created in the browser, and accounts' own language."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from tasks.models import Level, Task, TaskGroup
from teams.models import AccountSettings, Invitation, Membership, School, SchoolGroup, SchoolTask

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_admin(db):
    return UserFactory(username="platform", is_staff=True)


@pytest.fixture
def catalogue(standard_data):
    group = TaskGroup.objects.get(kind="technical")
    Task.objects.create(title="Wifi", group=group, level=Level.SCHOOL)
    Task.objects.create(title="Raamcontracten", group=group, level=Level.SCHOOL_GROUP)


NEWCOMER = {"first_name": "Greet", "last_name": "Hermans", "language": "nl"}
NEW_PASSWORD = "Nieuw-Wachtwoord-77"


def accept_from_mail(client, password=NEW_PASSWORD):
    path = "/" + re.search(r"https?://\S+?/(welcome/\S+/)", mail.outbox[-1].body).group(1)
    client.logout()
    return client.post(path, {"new_password1": password, "new_password2": password})


def test_platform_admin_creates_a_group_and_its_administrator(client, platform_admin, catalogue):
    client.force_login(platform_admin)
    response = client.post(
        reverse("teams:school_group_new"),
        {"name": "Scholengroep Noord", "email": "greet@noord.test", **NEWCOMER},
    )
    assert response.status_code == 302
    group = SchoolGroup.objects.get(name="Scholengroep Noord")
    assert SchoolTask.objects.filter(school_group=group).count() == 1
    assert accept_from_mail(client).status_code == 302
    admin = User.objects.get(username="greet@noord.test")
    assert Membership.objects.filter(user=admin, kind="group_admin", school_group=group).exists()
    # The group's administrator then adds a school and invites its director.
    client.force_login(admin)
    response = client.post(
        reverse("teams:school_group_school_new", args=[group.pk]),
        {"name": "Basisschool Noord", "email": "dir@noord.test", **NEWCOMER, "first_name": "Dirk"},
    )
    assert response.status_code == 302
    school = School.objects.get(name="Basisschool Noord")
    assert school.school_group == group
    assert SchoolTask.objects.filter(school=school).count() == 1  # school-level tasks only
    assert Invitation.objects.get(school=school).kind == "director"
    assert accept_from_mail(client).status_code == 302
    director = User.objects.get(username="dir@noord.test")
    assert Membership.objects.filter(user=director, kind="director", school=school).exists()
    assert director.staff_member.appointments.get(school=school).post == "director"


def test_platform_admin_creates_a_stand_alone_school(client, platform_admin, catalogue):
    client.force_login(platform_admin)
    response = client.post(
        reverse("teams:school_new"),
        {"name": "Vrije Basisschool Ter Heide", "email": "dir@terheide.test", **NEWCOMER},
    )
    assert response.status_code == 302
    school = School.objects.get(name="Vrije Basisschool Ter Heide")
    assert school.school_group is None
    assert SchoolTask.objects.filter(school=school).count() == 2  # a school alone takes them all


def test_an_address_with_an_account_is_invited_like_any_other(client, platform_admin, catalogue):
    """No "there is already an account" answer, and no second account for the address."""
    client.force_login(platform_admin)
    response = client.post(
        reverse("teams:school_new"), {"name": "Dubbel", "email": "Directeur.A", **NEWCOMER}
    )
    assert response.status_code == 200  # not an e-mail address: a form error
    assert not School.objects.filter(name="Dubbel").exists()
    owner = UserFactory(username="bezet", email="Bezet@School.test")
    answers = {}
    for name, email in (("Dubbel", "bezet@school.test"), ("Vrij", "vrij@school.test")):
        response = client.post(
            reverse("teams:school_new"), {"name": name, "email": email, **NEWCOMER}
        )
        assert response.status_code == 302
        answers[name] = client.get(response["Location"]).content.decode()
    assert "Dubbel is aangemaakt en bezet@school.test is uitgenodigd" in answers["Dubbel"]
    assert "Vrij is aangemaakt en vrij@school.test is uitgenodigd" in answers["Vrij"]
    to_owner = mail.outbox[0]
    assert to_owner.to == ["bezet@school.test"]
    assert "/welcome/" not in to_owner.body
    assert list(User.objects.filter(email__iexact="bezet@school.test")) == [owner]


@pytest.mark.parametrize("who", ["director", "coordinator", "staff_user", "group_admin"])
def test_only_platform_admins_create_groups_and_loose_schools(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("teams:school_group_new")).status_code == 403
    assert client.get(reverse("teams:school_new")).status_code == 403


@pytest.mark.parametrize(
    ("who", "status"), [("group_admin", 200), ("director", 404), ("stranger", 404)]
)
def test_only_the_groups_administrator_adds_schools_to_it(client, world, who, status):
    client.force_login(getattr(world, who))
    url = reverse("teams:school_group_school_new", args=[world.group.pk])
    assert client.get(url).status_code == status
    response = client.post(url, {"name": "Indringer", "email": "x@y.test", **NEWCOMER})
    assert response.status_code == (302 if status == 200 else status)
    assert School.objects.filter(name="Indringer").exists() == (status == 200)


def test_switching_language_is_kept_on_the_account(client, world):
    client.force_login(world.director)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert AccountSettings.objects.get(user=world.director).language == "en"
    # A new session without the cookie still speaks the account's language.
    client.cookies.clear()
    client.force_login(world.director)
    page = client.get(reverse("teams:staff", args=[world.school.pk])).content.decode()
    assert 'lang="en"' in page
