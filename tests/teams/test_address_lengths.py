"""An over-long e-mail address in any form that takes one is a form error, never a 500.

The models store at most 254 characters; PostgreSQL refuses more (a 500 before
the forms said so), SQLite would store it.
"""

import pytest
from django.urls import reverse

from teams.models import EMAIL_MAX_LENGTH, Invitation, School, SchoolGroup, StaffMember

from .factories import UserFactory

pytestmark = pytest.mark.django_db

LONG = "a" * 248 + "@school.test"  # 260 characters, a valid address otherwise
TOO_LONG = "Zorg dat deze waarde niet meer dan 254 tekens bevat"
NEWCOMER = {"first_name": "Greet", "last_name": "Hermans", "language": "nl", "email": LONG}


def test_the_address_is_long_enough_to_matter():
    assert len(LONG) == 260 > EMAIL_MAX_LENGTH
    for model in (StaffMember, Invitation):
        assert model._meta.get_field("email").max_length == EMAIL_MAX_LENGTH


@pytest.mark.parametrize(
    ("who", "url", "extra"),
    [
        ("platform", "teams:school_new", {"name": "Lang"}),
        ("platform", "teams:school_group_new", {"name": "Lange groep"}),
        ("group_admin", "teams:school_group_school_new", {"name": "Lang"}),
    ],
)
def test_a_new_school_or_group_with_a_260_character_address(client, world, who, url, extra):
    user = (
        UserFactory(username="platform", is_staff=True) if who == "platform" else world.group_admin
    )
    client.force_login(user)
    args = [world.group.pk] if url == "teams:school_group_school_new" else []
    response = client.post(reverse(url, args=args), {**NEWCOMER, **extra})
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    assert not School.objects.filter(name="Lang").exists()
    assert not SchoolGroup.objects.filter(name="Lange groep").exists()
    assert not Invitation.objects.exists()


def test_a_staff_member_with_a_260_character_address(client, world):
    client.force_login(world.director)
    people = StaffMember.objects.count()
    response = client.post(
        reverse("teams:staff", args=[world.school.pk]),
        {
            "first_name": "Lange",
            "last_name": "Adres",
            "email": LONG,
            "post": "teacher",
            "budget_unit": "year",
        },
    )
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    assert StaffMember.objects.count() == people


def test_a_staff_members_address_changed_to_260_characters(client, world):
    member = world.staff[0]
    client.force_login(world.director)
    url = reverse("teams:staff_edit", args=[world.school.pk, member.pk])
    form = client.get(url, {"year": world.year.start_year}).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    response = client.post(url, {**data, "email": LONG, "budget_unit": "year"})
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    member.refresh_from_db()
    assert member.email != LONG
