"""A director sees and changes only their own school's staff, even within a school group.

Linking one person over several schools of a group is the group
administrator's act; a director who types the address of a sister school's
person learns nothing about them and changes nothing.
"""

import pytest
from django.urls import reverse

from teams import access
from teams.models import Appointment, StaffMember
from teams.staff import services

pytestmark = pytest.mark.django_db


def add(client, world, **fields):
    data = {
        "first_name": "Xavier",
        "last_name": "Nieuw",
        "email": "",
        "post": "teacher",
        "budget": "40",
        "budget_unit": "year",
        "year": world.year.start_year,
        **fields,
    }
    return client.post(reverse("teams:staff", args=[world.school.pk]), data)


def appointments(member):
    return set(Appointment.objects.filter(staff_member=member).values_list("school", "is_active"))


def test_a_sister_schools_address_tells_nothing_and_changes_nothing(client, world):
    omer = world.other_staff
    before = (appointments(omer), StaffMember.objects.count())
    client.force_login(world.director)
    response = add(client, world, email=omer.email.upper())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Omer" not in page and omer.last_name + " " not in page
    [error] = response.context["form"].errors.as_data()["email"]
    assert error.code == "email_not_usable"
    assert "school group" in error.messages[0] or "scholengroep" in error.messages[0]
    assert (appointments(omer), StaffMember.objects.count()) == before
    assert not omer.budgets.exists()
    # The sister school's director can still edit the person's name.
    assert access.can_edit_person(world.outsider, omer)


def test_an_unknown_address_adds_a_new_person(client, world):
    client.force_login(world.director)
    response = add(client, world, email="nieuw@school.test")
    assert response.status_code == 302
    member = StaffMember.objects.get(email="nieuw@school.test")
    assert (member.first_name, appointments(member)) == ("Xavier", {(world.school.pk, True)})


def test_the_answers_name_no_one_but_the_person_typed(client, world):
    """The refusal is the same whatever name is behind the address, so it is no lookup."""
    client.force_login(world.director)
    omer = world.other_staff
    first = add(client, world, email=omer.email).content.decode()
    StaffMember.objects.filter(pk=omer.pk).update(first_name="Zeno", last_name="Zwart")
    second = add(client, world, email=omer.email).content.decode()
    strip = lambda page: page.replace(omer.email, "")  # noqa: E731
    assert "Zeno" not in second
    assert len(strip(first)) == len(strip(second))


def test_changing_an_address_to_a_sister_schools_person_is_refused(client, world):
    client.force_login(world.director)
    ann = world.staff[0]
    response = client.post(
        reverse("teams:staff_edit", args=[world.school.pk, ann.pk]),
        {
            "first_name": "Ann",
            "last_name": "A",
            "email": world.other_staff.email,
            "post": "teacher",
            "budget_unit": "year",
            "year": world.year.start_year,
            "state": services.staff_state(member=ann, school=world.school, school_year=world.year),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["email"][0].code == "email_not_usable"
    ann.refresh_from_db()
    assert ann.email != world.other_staff.email


class TestGroupAdministratorLinks:
    def link(self, client, world, member, school, post="ict_coordinator"):
        return client.post(
            reverse("teams:school_group_link", args=[world.group.pk]),
            {"link-staff_member": member.pk, "link-school": school.pk, "link-post": post},
        )

    def test_the_group_administrator_links_a_person_to_a_sister_school(self, client, world):
        client.force_login(world.group_admin)
        page = client.get(reverse("teams:school_group", args=[world.group.pk])).content.decode()
        assert "Omer B (School B)" in page
        response = self.link(client, world, world.other_staff, world.school)
        assert response.status_code == 302
        assert appointments(world.other_staff) == {
            (world.other.pk, True),
            (world.school.pk, True),
        }
        here = Appointment.objects.get(staff_member=world.other_staff, school=world.school)
        assert here.post == "ict_coordinator"
        client.force_login(world.director)
        staff = client.get(reverse("teams:staff", args=[world.school.pk]))
        assert world.other_staff in list(staff.context["members"])

    def test_directors_cannot_link(self, client, world):
        for user in (world.director, world.outsider, world.coordinator):
            client.force_login(user)
            assert self.link(client, world, world.other_staff, world.school).status_code == 404
        assert appointments(world.other_staff) == {(world.other.pk, True)}

    def test_a_person_outside_the_group_is_not_a_choice(self, client, world):
        outside = StaffMember.objects.create(first_name="Sam", last_name="C")
        Appointment.objects.create(
            staff_member=outside, school=world.stranger.memberships.get().school
        )
        client.force_login(world.group_admin)
        response = self.link(client, world, outside, world.school)
        assert response.status_code == 400
        assert "staff_member" in response.context["link_form"].errors
        assert appointments(outside) == {(world.stranger.memberships.get().school_id, True)}

    def test_linking_someone_already_there_says_so(self, client, world):
        client.force_login(world.group_admin)
        response = self.link(client, world, world.staff[0], world.school)
        assert response.status_code == 400
        assert "School A" in str(response.context["link_form"].non_field_errors())
