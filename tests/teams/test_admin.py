"""The Django admin keeps the rules the pages keep."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from teams.models import (
    Appointment,
    Assignment,
    Membership,
    SchoolWorkload,
    StaffMember,
    WorkloadRequest,
)
from teams.workload.figures import recalculate

pytestmark = pytest.mark.django_db
R = Assignment.Kind.RESPONSIBLE


def form(task, member, year, **extra):
    data = {
        "school_task": task.pk,
        "school_year": year.pk,
        "kind": R,
        "staff_member": member.pk,
        "partner": "",
        "hours": "",
        "note": "",
    }
    return data | extra


def test_admin_cannot_give_a_task_to_someone_of_another_school(admin_client, world):
    url = reverse("admin:teams_assignment_add")
    response = admin_client.post(url, form(world.tasks[0], world.other_staff, world.year))
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == ["Omer B werkt niet in een school waar deze taak bij hoort."]
    assert not Assignment.objects.exists()


def test_an_admin_change_raises_the_version_and_marks_the_school(admin_client, world):
    assignment = Assignment.objects.create(
        school_task=world.tasks[0], school_year=world.year, kind=R, staff_member=world.staff[0]
    )
    url = reverse("admin:teams_assignment_change", args=[assignment.pk])
    data = form(world.tasks[0], world.staff[1], world.year, hours="4")
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.staff_member, assignment.version) == (world.staff[1], 2)
    assert WorkloadRequest.objects.filter(school=world.school, school_year=world.year).exists()


def test_an_admin_budget_marks_every_school_of_the_group(admin_client, world):
    url = reverse("admin:teams_budget_add")
    data = {
        "staff_member": world.staff[0].pk,
        "school": world.school.pk,
        "school_year": world.year.pk,
        "hours_per_year": "40",
    }
    assert admin_client.post(url, data).status_code == 302
    marked = set(WorkloadRequest.objects.values_list("school_id", flat=True))
    assert marked == {world.school.pk, world.other.pk}


def test_the_stored_figures_are_read_only_in_the_admin(admin_client, world):
    recalculate([world.school.pk], world.year)
    row = SchoolWorkload.objects.get(school=world.school)
    change = reverse("admin:teams_schoolworkload_change", args=[row.pk])
    assert admin_client.get(reverse("admin:teams_schoolworkload_add")).status_code == 403
    assert admin_client.post(change, {"needed_hours": "1"}).status_code == 403
    row.refresh_from_db()
    assert row.needed_hours != 1


def test_an_admin_change_of_hours_forgets_the_unit_it_was_given_in(admin_client, world):
    from decimal import Decimal

    from teams.models import Budget

    budget = Budget.objects.create(
        staff_member=world.staff[0],
        school=world.school,
        school_year=world.year,
        hours_per_year=Decimal("123.33"),
        entered_amount=Decimal(4),
        entered_unit="periods",
    )
    url = reverse("admin:teams_budget_change", args=[budget.pk])
    data = {
        "staff_member": world.staff[0].pk,
        "school": world.school.pk,
        "school_year": world.year.pk,
        "hours_per_year": "80",
    }
    assert admin_client.post(url, data).status_code == 302
    budget.refresh_from_db()
    assert (budget.hours_per_year, budget.entered_amount, budget.entered_unit) == (80, None, "year")


# --- A school keeps a director in the admin too ------------------------------------------------

LAST = "School A moet minstens één directeur houden."


def directorship(world):
    return Membership.objects.get(user=world.director, school=world.school, kind="director")


def second_director(world):
    Membership.objects.create(user=world.staff_user, kind="director", school=world.school)


def membership_form(membership, **changes):
    data = {
        "user": membership.user_id,
        "kind": membership.kind,
        "school": membership.school_id or "",
        "school_group": membership.school_group_id or "",
    }
    return data | changes


@pytest.mark.parametrize(
    "change", [{"kind": "coordinator"}, {"school": "other"}, {"user": "staff_user"}]
)
def test_the_admin_does_not_change_away_the_last_director(admin_client, world, change):
    membership = directorship(world)
    key, value = next(iter(change.items()))
    if key == "school":
        value = world.other.pk
    elif key == "user":
        value = world.staff_user.pk
    url = reverse("admin:teams_membership_change", args=[membership.pk])
    response = admin_client.post(url, membership_form(membership, **{key: value}))
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [LAST]
    assert directorship(world) == membership


def test_the_admin_demotes_a_director_who_is_not_the_last(admin_client, world):
    second_director(world)
    membership = directorship(world)
    url = reverse("admin:teams_membership_change", args=[membership.pk])
    assert admin_client.post(url, membership_form(membership, kind="staff")).status_code == 302
    membership.refresh_from_db()
    assert membership.kind == "staff"


def test_the_admin_does_not_delete_the_last_director(admin_client, world):
    membership = directorship(world)
    url = reverse("admin:teams_membership_delete", args=[membership.pk])
    for response in (admin_client.get(url), admin_client.post(url, {"post": "yes"})):
        assert response["Location"] == reverse(
            "admin:teams_membership_change", args=[membership.pk]
        )
    page = admin_client.get(response["Location"]).content.decode()
    assert LAST in page
    assert Membership.objects.filter(pk=membership.pk).exists()


def delete_selected(admin_client, model, objects):
    return admin_client.post(
        reverse(f"admin:{model}_changelist"),
        {"action": "delete_selected", "_selected_action": [o.pk for o in objects], "post": "yes"},
        follow=True,
    )


def test_the_delete_selected_action_keeps_a_director(admin_client, world):
    second_director(world)
    both = list(Membership.objects.filter(school=world.school, kind="director"))
    response = delete_selected(admin_client, "teams_membership", both)
    assert LAST in response.content.decode()
    assert Membership.objects.filter(school=world.school, kind="director").count() == 2
    # One of the two may go.
    response = delete_selected(admin_client, "teams_membership", both[:1])
    assert LAST not in response.content.decode()
    assert Membership.objects.filter(school=world.school, kind="director").count() == 1


def test_deleting_the_last_directors_account_is_refused(admin_client, world):
    url = reverse("admin:auth_user_delete", args=[world.director.pk])
    response = admin_client.post(url, {"post": "yes"}, follow=True)
    assert LAST in response.content.decode()
    response = delete_selected(admin_client, "auth_user", [world.director, world.staff_user])
    assert LAST in response.content.decode()
    assert User.objects.filter(pk__in=[world.director.pk, world.staff_user.pk]).count() == 2
    delete_selected(admin_client, "auth_user", [world.staff_user])
    assert not User.objects.filter(pk=world.staff_user.pk).exists()


def account_form(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined_0": "2026-09-01",
        "date_joined_1": "08:00:00",
        "initial-date_joined_0": "2026-09-01",
        "initial-date_joined_1": "08:00:00",
        "is_active": "on",
    }
    data |= changes
    return {key: value for key, value in data.items() if value is not None}


def test_deactivating_the_last_directors_account_is_refused(admin_client, world):
    """Nobody could sign in to direct the school, nor repair it from a director's page."""
    url = reverse("admin:auth_user_change", args=[world.director.pk])
    response = admin_client.post(url, account_form(world.director, is_active=None))
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [LAST]
    world.director.refresh_from_db()
    assert world.director.is_active


def test_a_deactivated_director_does_not_count_as_the_one_left(admin_client, world):
    second_director(world)
    url = reverse("admin:auth_user_change", args=[world.staff_user.pk])
    assert admin_client.post(url, account_form(world.staff_user, is_active=None)).status_code == 302
    world.staff_user.refresh_from_db()
    assert not world.staff_user.is_active
    # The active director is now the last one who can act: demoting them is refused.
    membership = directorship(world)
    url = reverse("admin:teams_membership_change", args=[membership.pk])
    response = admin_client.post(url, membership_form(membership, kind="staff"))
    assert response.context["adminform"].form.non_field_errors() == [LAST]


def director_in_staff(world):
    """Bert's account is the director's: his appointment in school A is the director's."""
    bert = world.staff[1]
    bert.user = world.director
    bert.save()
    return bert


def staff_form(member, *, active=True, delete=False):
    appointment = Appointment.objects.get(staff_member=member)
    data = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "user": member.user_id or "",
        "appointments-TOTAL_FORMS": "1",
        "appointments-INITIAL_FORMS": "1",
        "appointments-MIN_NUM_FORMS": "0",
        "appointments-MAX_NUM_FORMS": "1000",
        "appointments-0-id": appointment.pk,
        "appointments-0-staff_member": member.pk,
        "appointments-0-school": appointment.school_id,
        "appointments-0-post": appointment.post,
    }
    if active:
        data["appointments-0-is_active"] = "on"
    if delete:
        data["appointments-0-DELETE"] = "on"
    return data


@pytest.mark.parametrize("how", ["inactive", "deleted"])
def test_the_admin_does_not_end_the_last_directors_appointment(admin_client, world, how):
    bert = director_in_staff(world)
    url = reverse("admin:teams_staffmember_change", args=[bert.pk])
    data = staff_form(bert, active=how != "inactive", delete=how == "deleted")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert LAST in response.content.decode()
    assert Appointment.objects.get(staff_member=bert).is_active
    assert directorship(world)


def test_ending_an_appointment_in_the_admin_takes_the_schools_rights(admin_client, world):
    second_director(world)
    bert = director_in_staff(world)
    url = reverse("admin:teams_staffmember_change", args=[bert.pk])
    assert admin_client.post(url, staff_form(bert, active=False)).status_code == 302
    assert not Appointment.objects.get(staff_member=bert).is_active
    assert not Membership.objects.filter(user=world.director, school=world.school).exists()


def test_deleting_a_person_in_the_admin_keeps_a_director(admin_client, world):
    bert = director_in_staff(world)
    response = delete_selected(admin_client, "teams_staffmember", [bert, world.staff[2]])
    assert LAST in response.content.decode()
    assert StaffMember.objects.filter(pk__in=[bert.pk, world.staff[2].pk]).count() == 2
    url = reverse("admin:teams_staffmember_delete", args=[bert.pk])
    assert LAST in admin_client.post(url, {"post": "yes"}, follow=True).content.decode()
    assert StaffMember.objects.filter(pk=bert.pk).exists()
    # Carla may go; her account leaves the school with her.
    delete_selected(admin_client, "teams_staffmember", [world.staff[2]])
    assert not StaffMember.objects.filter(pk=world.staff[2].pk).exists()
    assert not Membership.objects.filter(user=world.staff_user, school=world.school).exists()
