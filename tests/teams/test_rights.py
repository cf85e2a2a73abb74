"""Managing rights, the last-director rule, leavers, and who may do any of it."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from teams.models import Appointment, Assignment, Invitation, Membership

pytestmark = pytest.mark.django_db


def rights_url(w, member):
    return reverse("teams:rights", args=[w.school.pk, member.pk])


def test_director_gives_and_takes_the_coordinators_rights(client, world):
    member = world.staff[2]  # has the staff_user account
    client.force_login(world.director)
    client.post(rights_url(world, member), {"kind": "coordinator"})
    assert set(
        Membership.objects.filter(user=world.staff_user, school=world.school).values_list(
            "kind", flat=True
        )
    ) == {"coordinator"}
    client.force_login(world.staff_user)
    assert (
        client.get(reverse("teams:staff_edit", args=[world.school.pk, member.pk])).status_code
        == 200
    )
    client.force_login(world.director)
    client.post(rights_url(world, member), {"kind": "staff"})
    client.force_login(world.staff_user)
    assert (
        client.get(reverse("teams:staff_edit", args=[world.school.pk, member.pk])).status_code
        == 403
    )


def test_rights_need_an_account(client, world):
    client.force_login(world.director)
    response = client.post(rights_url(world, world.staff[0]), {"kind": "coordinator"}, follow=True)
    assert "heeft nog geen account" in response.content.decode()
    assert Membership.objects.filter(school=world.school).count() == 3


def director_as_staff(world):
    member = world.staff[1]
    member.user = world.director
    member.save()
    return member


def test_the_last_director_cannot_be_demoted_or_ended(client, world):
    member = director_as_staff(world)
    client.force_login(world.director)
    response = client.post(rights_url(world, member), {"kind": "staff"}, follow=True)
    assert "minstens één directeur" in response.content.decode()
    assert Membership.objects.filter(user=world.director, kind="director").exists()
    response = client.post(
        reverse("teams:staff_remove", args=[world.school.pk, member.pk]), follow=True
    )
    assert "minstens één directeur" in response.content.decode()
    assert Appointment.objects.get(staff_member=member, school=world.school).is_active


def test_a_second_director_can_then_step_down(client, world):
    member = director_as_staff(world)
    client.force_login(world.director)
    client.post(rights_url(world, world.staff[2]), {"kind": "director"})
    client.post(rights_url(world, member), {"kind": "coordinator"})
    kinds = dict(
        Membership.objects.filter(school=world.school).values_list("user__username", "kind")
    )
    assert kinds["directeur.a"] == "coordinator"
    assert kinds["leerkracht.a"] == "director"


def test_a_coordinator_cannot_change_rights(client, world):
    client.force_login(world.coordinator)
    response = client.post(rights_url(world, world.staff[2]), {"kind": "director"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=world.staff_user, kind="director").exists()


def test_a_leaver_loses_access_at_once_and_keeps_their_tasks(client, world):
    task = world.tasks[0]
    Assignment.objects.create(
        school_task=task, school_year=world.year, kind="responsible", staff_member=world.staff[2]
    )
    leaver = Client_for(world.staff_user)
    assert leaver.get(reverse("teams:board", args=[world.school.pk])).status_code == 200
    client.force_login(world.director)
    response = client.post(reverse("teams:staff_remove", args=[world.school.pk, world.staff[2].pk]))
    assert response.status_code == 302
    # The leaver worked nowhere else: their open session is ended.
    response = leaver.get(reverse("teams:board", args=[world.school.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in leaver.session
    board = client.get(reverse("teams:board", args=[world.school.pk])).content.decode()
    assert "werkt hier niet meer: iemand anders nodig" in board
    assert Assignment.objects.filter(staff_member=world.staff[2], school_task=task).exists()
    history = client.get(reverse("teams:history", args=[world.school.pk]))
    assert history.status_code == 200


def test_a_leaver_working_elsewhere_keeps_the_session_but_not_the_school(world):
    Membership.objects.create(user=world.staff_user, kind="staff", school=world.other)
    leaver = Client_for(world.staff_user)
    director = Client_for(world.director)
    director.post(reverse("teams:staff_remove", args=[world.school.pk, world.staff[2].pk]))
    assert leaver.get(reverse("teams:board", args=[world.school.pk])).status_code == 404
    assert leaver.get(reverse("teams:board", args=[world.other.pk])).status_code == 200
    # Logging in again later works as before.
    fresh = Client_for(world.staff_user)
    assert fresh.get(reverse("teams:board", args=[world.other.pk])).status_code == 200


def test_an_account_without_any_school_can_log_in_again(client, world):
    Assignment.objects.create(
        school_task=world.tasks[0], school_year=world.year, kind="responsible",
        staff_member=world.staff[2],
    )  # fmt: skip
    old_session = Client_for(world.staff_user)
    director = Client_for(world.director)
    response = director.post(
        reverse("teams:staff_remove", args=[world.school.pk, world.staff[2].pk])
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(user=world.staff_user).exists()
    assert not world.staff[2].works_in(world.school)
    # The sessions were ended: the one open before the removal meets the login page.
    assert old_session.get(reverse("teams:my_tasks")).status_code == 302
    # A new login through the login form works, and stays signed in.
    response = client.post(
        reverse("login"), {"username": world.staff_user.username, "password": "Secret-Pass-123"}
    )
    assert response.status_code == 302
    page = client.get(reverse("teams:my_tasks"))
    assert page.status_code == 200
    assert client.session["_auth_user_id"] == str(world.staff_user.pk)
    assert page.context["member"] == world.staff[2]
    assert page.context["summaries"] == []  # nothing of the school left
    assert "Taak A0" not in page.content.decode()


def Client_for(user):
    from django.test import Client

    other = Client()
    other.force_login(user)
    return other


# --- Who may invite, import, change rights and end appointments -------------------------------

CAST = ["director", "coordinator", "staff_user", "group_admin", "outsider", "stranger"]


def writes(w):
    s, m = w.school.pk, w.staff[0].pk
    invitation = Invitation.objects.create(
        school=w.school, staff_member=w.staff[1], email=w.staff[1].email
    )
    return {
        "invite": (reverse("teams:invite", args=[s, m]), {"language": "nl", "kind": "staff"}),
        "resend": (reverse("teams:invitation_resend", args=[s, invitation.pk]), {}),
        "withdraw": (reverse("teams:invitation_withdraw", args=[s, invitation.pk]), {}),
        "import": (reverse("teams:staff_import", args=[s]), {}),
        "rights": (reverse("teams:rights", args=[s, w.staff[2].pk]), {"kind": "coordinator"}),
        "end": (reverse("teams:staff_remove", args=[s, w.staff[1].pk]), {}),
    }


# Expected status of each write by each member of the cast; 404 means "not yours".
WRITE = {
    "invite":   [302, 302, 403, 403, 404, 404],
    "resend":   [302, 302, 403, 403, 404, 404],
    "withdraw": [302, 302, 403, 403, 404, 404],
    "import":   [200, 200, 403, 403, 404, 404],
    "rights":   [302, 403, 403, 302, 404, 404],
    "end":      [302, 302, 403, 403, 404, 404],
}  # fmt: skip


@pytest.mark.parametrize("action", WRITE)
@pytest.mark.parametrize("who", range(len(CAST)))
def test_write_matrix(client, world, action, who):
    url, data = writes(world)[action]
    before = (
        Invitation.objects.filter(withdrawn_at__isnull=True).count(),
        Appointment.objects.filter(is_active=True).count(),
        sorted(Membership.objects.values_list("user_id", "kind", "school_id")),
    )
    client.force_login(getattr(world, CAST[who]))
    response = client.post(url, data)
    assert response.status_code == WRITE[action][who]
    if WRITE[action][who] in (403, 404):
        after = (
            Invitation.objects.filter(withdrawn_at__isnull=True).count(),
            Appointment.objects.filter(is_active=True).count(),
            sorted(Membership.objects.values_list("user_id", "kind", "school_id")),
        )
        assert after == before
        assert not mail.outbox


def test_an_invitation_of_another_school_is_not_found(client, world):
    theirs = Invitation.objects.create(
        school=world.other, staff_member=world.other_staff, email=world.other_staff.email
    )
    client.force_login(world.director)
    url = reverse("teams:invitation_withdraw", args=[world.school.pk, theirs.pk])
    assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None


def test_staff_of_another_school_cannot_be_invited_through_mine(client, world):
    client.force_login(world.director)
    url = reverse("teams:invite", args=[world.school.pk, world.other_staff.pk])
    assert client.post(url).status_code == 404
    assert not User.objects.filter(email=world.other_staff.email).exists()
    assert not mail.outbox


def test_ending_an_appointment_withdraws_the_open_invitation(client, world):
    member = world.staff[0]
    client.force_login(world.director)
    client.post(
        reverse("teams:invite", args=[world.school.pk, member.pk]),
        {"language": "nl", "kind": "staff"},
    )
    link = re.search(r"https?://\S+?(/welcome/\S+/)", mail.outbox[0].body).group(1)
    client.post(reverse("teams:staff_remove", args=[world.school.pk, member.pk]))
    client.logout()
    response = client.post(
        link, {"new_password1": "Lange-Zin-Met-77", "new_password2": "Lange-Zin-Met-77"}
    )
    assert response.status_code == 410
    assert not User.objects.filter(username=member.email).exists()


# --- Nobody acts on someone with more rights; a school group repairs a school -----------------


def second_director(world):
    """Carla (account leerkracht.a) becomes a second director of school A, in post too."""
    Membership.objects.filter(user=world.staff_user, school=world.school).update(kind="director")
    Appointment.objects.filter(staff_member=world.staff[2]).update(post="director")
    return world.staff[2]


def test_a_coordinator_cannot_end_a_directors_appointment(client, world):
    carla = second_director(world)
    client.force_login(world.coordinator)
    detail = client.get(reverse("teams:staff_detail", args=[world.school.pk, carla.pk]))
    assert "Carla A werkt hier niet meer" not in detail.content.decode()
    response = client.post(reverse("teams:staff_remove", args=[world.school.pk, carla.pk]))
    assert response.status_code == 403
    assert Appointment.objects.get(staff_member=carla, school=world.school).is_active
    assert Membership.objects.get(user=world.staff_user, school=world.school).kind == "director"
    # The rights page answers the same.
    response = client.post(rights_url(world, carla), {"kind": "staff"})
    assert response.status_code == 403
    assert Membership.objects.get(user=world.staff_user, school=world.school).kind == "director"


def test_a_coordinator_still_ends_a_teachers_appointment(client, world):
    client.force_login(world.coordinator)
    bert = world.staff[1]
    detail = client.get(reverse("teams:staff_detail", args=[world.school.pk, bert.pk]))
    assert "Bert A werkt hier niet meer" in detail.content.decode()
    client.post(reverse("teams:staff_remove", args=[world.school.pk, bert.pk]))
    assert not Appointment.objects.get(staff_member=bert, school=world.school).is_active


def test_a_coordinator_cannot_change_a_directors_post(client, world):
    carla = second_director(world)
    client.force_login(world.coordinator)
    url = reverse("teams:staff_edit", args=[world.school.pk, carla.pk])
    form = client.get(url).context["form"]
    assert form.fields["post"].disabled
    data = {
        "first_name": "Carla", "last_name": "A", "email": carla.email, "post": "teacher",
        "budget": "", "budget_unit": "year", "state": form.initial["state"],
        "year": world.year.start_year,
    }  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert Appointment.objects.get(staff_member=carla, school=world.school).post == "director"


def test_a_director_ends_another_directors_appointment(client, world):
    carla = second_director(world)
    client.force_login(world.director)
    response = client.post(
        reverse("teams:staff_remove", args=[world.school.pk, carla.pk]), follow=True
    )
    assert "Carla A werkt niet meer in deze school" in response.content.decode()
    assert not Membership.objects.filter(user=world.staff_user, school=world.school).exists()


def test_a_director_cannot_act_on_the_school_group_administrator(client, world):
    """The group's administrator also teaches in school A, as plain staff there."""
    bert = world.staff[1]
    bert.user = world.group_admin
    bert.save()
    Membership.objects.create(user=world.group_admin, kind="staff", school=world.school)
    client.force_login(world.director)
    detail = client.get(reverse("teams:staff_detail", args=[world.school.pk, bert.pk]))
    page = detail.content.decode()
    assert "Rechten opslaan" not in page and "Bert A werkt hier niet meer" not in page
    assert client.post(rights_url(world, bert), {"kind": "coordinator"}).status_code == 403
    url = reverse("teams:staff_remove", args=[world.school.pk, bert.pk])
    assert client.post(url).status_code == 403
    assert Appointment.objects.get(staff_member=bert, school=world.school).is_active
    assert Membership.objects.get(user=world.group_admin, school=world.school).kind == "staff"


def test_a_platform_administrator_outranks_a_director(client, world):
    world.staff_user.is_staff = True
    world.staff_user.save()
    client.force_login(world.director)
    url = reverse("teams:staff_remove", args=[world.school.pk, world.staff[2].pk])
    assert client.post(url).status_code == 403
    assert Appointment.objects.get(staff_member=world.staff[2], school=world.school).is_active


def lose_the_director(world):
    """School A without a director, as the race between two directors used to leave it."""
    Membership.objects.filter(school=world.school, kind="director").delete()


def test_a_school_group_administrator_repairs_a_school_without_a_director(client, world):
    lose_the_director(world)
    carla = world.staff[2]
    client.force_login(world.group_admin)
    detail = client.get(reverse("teams:staff_detail", args=[world.school.pk, carla.pk]))
    assert detail.status_code == 200
    assert "Rechten opslaan" in detail.content.decode()
    response = client.post(rights_url(world, carla), {"kind": "director"}, follow=True)
    assert "De rechten van Carla A zijn opgeslagen." in response.content.decode()
    assert Membership.objects.get(user=world.staff_user, school=world.school).kind == "director"
    # The new director runs the school from her next page on.
    client.force_login(world.staff_user)
    url = reverse("teams:staff_edit", args=[world.school.pk, world.staff[0].pk])
    assert client.get(url).status_code == 200


def test_the_repair_needs_an_account(client, world):
    lose_the_director(world)
    client.force_login(world.group_admin)
    response = client.post(rights_url(world, world.staff[0]), {"kind": "director"}, follow=True)
    assert "heeft nog geen account" in response.content.decode()
    assert not Membership.objects.filter(school=world.school, kind="director").exists()


def test_only_the_schools_own_group_repairs_it(client, world):
    from .conftest import member
    from .factories import SchoolGroupFactory

    lose_the_director(world)
    stranger_admin = member("group_admin", "beheer.x", group=SchoolGroupFactory())
    for user in (stranger_admin, world.outsider, world.coordinator):
        client.force_login(user)
        response = client.post(rights_url(world, world.staff[2]), {"kind": "director"})
        assert response.status_code == (403 if user == world.coordinator else 404)
    assert not Membership.objects.filter(school=world.school, kind="director").exists()


def test_the_services_decide_again_with_the_rights_held_now(world):
    """Carla's pages were loaded while she was a director; another director has since made
    her plain staff. What she sends then changes nothing."""
    from django.core.exceptions import ValidationError

    from teams import access
    from teams.staff import rights, services

    carla = second_director(world)
    assert access.may_end_appointment(world.staff_user, world.staff[0], world.school)
    rights.set_rights(member=carla, school=world.school, kind="staff", by=world.director)
    # The request's copy of Carla's rights still says director; the database does not.
    assert access.access_for(world.staff_user).can_direct(world.school.pk)
    with pytest.raises(ValidationError) as refused:
        services.end_appointment(
            member=world.staff[0], school=world.school, school_year=world.year, by=world.staff_user
        )
    assert refused.value.messages == [
        "Met jouw rechten in School A kun je de aanstelling van Ann A niet beëindigen."
    ]
    with pytest.raises(ValidationError) as refused:
        rights.set_rights(member=carla, school=world.school, kind="director", by=world.staff_user)
    assert refused.value.messages == [
        "Met jouw rechten in School A kun je de rechten van Carla A niet wijzigen."
    ]
    assert Membership.objects.get(user=world.staff_user, school=world.school).kind == "staff"
    assert Appointment.objects.get(staff_member=world.staff[0], school=world.school).is_active
