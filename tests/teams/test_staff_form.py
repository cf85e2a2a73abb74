"""Two managers editing the same staff member: the second save never silently wins."""

import pytest
from django.urls import reverse

from teams.models import Budget, Role, StaffRole
from teams.staff import services

pytestmark = pytest.mark.django_db


def edit_url(world, member):
    return reverse("teams:staff_edit", args=[world.school.pk, member.pk])


def loaded_form(client, world, member):
    """The edit form as the page hands it out, to post back like a browser."""
    form = client.get(edit_url(world, member), {"year": world.year.start_year}).context["form"]
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}


def post(client, world, member, loaded, **changes):
    data = {**loaded, "budget_unit": "year", "year": world.year.start_year, **changes}
    return client.post(edit_url(world, member), data)


def saved(world, member):
    budget = Budget.objects.filter(staff_member=member, school=world.school).first()
    roles = set(
        StaffRole.objects.filter(staff_member=member, school=world.school).values_list(
            "role__key", flat=True
        )
    )
    member.refresh_from_db()
    return member.first_name, budget.hours_per_year if budget else None, roles


def test_the_second_save_is_refused_and_keeps_its_input(client, world):
    ann = world.staff[0]
    coach, helpdesk = Role.objects.get(key="media_coach"), Role.objects.get(key="helpdesk")
    client.force_login(world.director)
    directors_form = loaded_form(client, world, ann)
    client.force_login(world.coordinator)
    coordinators_form = loaded_form(client, world, ann)

    first = post(client, world, ann, coordinators_form, budget="100", roles=[coach.pk])
    assert first.status_code == 302

    client.force_login(world.director)
    second = post(
        client, world, ann, directors_form, first_name="Anna", budget="200", roles=[helpdesk.pk]
    )
    assert second.status_code == 409
    assert saved(world, ann) == ("Ann", 100, {"media_coach"})
    form = second.context["form"]
    [message] = form.non_field_errors()
    assert "Ann A" in message
    assert message in second.content.decode()
    # What is saved now is shown next to the kept input.
    assert second.context["saved_now"]["budget"] == 100
    assert second.context["saved_now"]["roles"] == [coach.label]
    assert coach.label in second.content.decode()
    assert (form["first_name"].value(), form["budget"].value()) == ("Anna", "200")
    assert form["roles"].value() == [str(helpdesk.pk)]
    # Saving the kept input again deliberately replaces the other change.
    third = post(client, world, ann, {**directors_form, "state": form["state"].value()},
                 first_name="Anna", budget="200", roles=[helpdesk.pk])  # fmt: skip
    assert third.status_code == 302
    assert saved(world, ann) == ("Anna", 200, {"helpdesk"})


def test_a_change_made_elsewhere_to_the_name_is_a_conflict_too(client, world):
    ann = world.staff[0]
    client.force_login(world.director)
    loaded = loaded_form(client, world, ann)
    services.update_staff_member(
        member=ann, school=world.school, first_name="Annemie", last_name="A",
        email=ann.email, post="teacher",
    )  # fmt: skip
    response = post(client, world, ann, loaded, budget="50")
    assert response.status_code == 409
    assert saved(world, ann) == ("Annemie", None, set())


def test_a_save_without_the_page_state_is_refused(client, world):
    ann = world.staff[0]
    client.force_login(world.director)
    loaded = loaded_form(client, world, ann)
    del loaded["state"]
    assert post(client, world, ann, loaded, budget="50").status_code == 409
    assert not Budget.objects.exists()


def test_an_unchanged_page_saves(client, world):
    ann = world.staff[0]
    client.force_login(world.director)
    response = post(client, world, ann, loaded_form(client, world, ann), budget="80")
    assert response.status_code == 302
    assert saved(world, ann) == ("Ann", 80, set())


def test_the_post_is_shown_and_saved(client, world):
    ann = world.staff[0]
    client.force_login(world.director)
    response = post(client, world, ann, loaded_form(client, world, ann), post="ict_coordinator")
    assert response.status_code == 302
    detail = client.get(reverse("teams:staff_detail", args=[world.school.pk, ann.pk]))
    # No roles this year: the post stands alone, without a separator left dangling.
    assert '<p class="text-muted">ICT-coördinator</p>' in detail.content.decode()
    listing = client.get(reverse("teams:staff", args=[world.school.pk])).content.decode()
    assert 'data-label="Functie">ICT-coördinator<' in listing
