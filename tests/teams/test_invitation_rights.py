"""An invitation carries the rights its account gets on acceptance: suggested from the post,
never more than the inviter holds, checked again when the link is used."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from teams.models import Appointment, Invitation, Membership, Post
from teams.staff import invitations

from .test_invitations import accept, invite, link_from_mail, path_of

pytestmark = pytest.mark.django_db


def detail(client, world, member, user=None):
    client.force_login(user or world.director)
    url = reverse("teams:staff_detail", args=[world.school.pk, member.pk])
    return client.get(url).content.decode()


def options(page: str) -> dict[str, bool]:
    """The rights the invitation form offers, and which one it has chosen."""
    select = re.search(r'<select name="kind".*?</select>', page, re.S)
    assert select, page
    return {
        value: bool(chosen)
        for value, chosen in re.findall(r'<option value="(\w+)"( selected)?>', select.group(0))
    }


def set_post(world, member, post):
    Appointment.objects.filter(staff_member=member, school=world.school).update(post=post)


def rights_of(user, world):
    return set(
        Membership.objects.filter(user=user, school=world.school).values_list("kind", flat=True)
    )


# --- The form ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("post", "suggested"),
    [
        (Post.TEACHER, "staff"),
        (Post.ADMINISTRATIVE, "staff"),
        (Post.ICT_COORDINATOR, "coordinator"),
        (Post.DIRECTOR, "director"),
    ],
)
def test_the_form_suggests_the_rights_of_the_post(client, world, post, suggested):
    set_post(world, world.staff[0], post)
    offered = options(detail(client, world, world.staff[0]))
    assert list(offered) == ["staff", "coordinator", "director"]
    assert [kind for kind, chosen in offered.items() if chosen] == [suggested]


def test_a_coordinator_is_offered_no_more_than_their_own_rights(client, world):
    set_post(world, world.staff[0], Post.DIRECTOR)
    offered = options(detail(client, world, world.staff[0], world.coordinator))
    assert offered == {"staff": False, "coordinator": True}


def test_the_form_says_the_rights_apply_on_acceptance(client, world):
    page = detail(client, world, world.staff[0])
    assert "Rechten zodra de uitnodiging aanvaard is" in page
    assert "pas wanneer de uitnodiging aanvaard is" in page
    assert 'aria-describedby="invite-help"' in page and 'id="invite-help"' in page


# --- Inviting ----------------------------------------------------------------------------------


def test_the_director_chooses_other_rights_than_the_suggestion(client, world):
    set_post(world, world.staff[0], Post.TEACHER)
    invite(client, world, kind="coordinator")
    assert Invitation.objects.get().kind == "coordinator"


def test_a_coordinator_cannot_invite_a_director(client, world):
    response = invite(client, world, kind="director", by=world.coordinator)
    assert response.status_code == 302
    assert not Invitation.objects.exists()
    assert not mail.outbox
    page = client.get(response["Location"]).content.decode()
    assert "Kies rechten die je mag geven: nooit meer dan je eigen rechten." in page


def test_the_service_refuses_rights_above_the_inviters_own(world):
    with pytest.raises(ValidationError) as refused:
        invitations.invite_staff_member(
            member=world.staff[0],
            school=world.school,
            invited_by=world.coordinator,
            kind="director",
        )
    assert refused.value.messages == [
        "Met jouw rechten in School A kun je niemand uitnodigen als directeur."
    ]
    assert not Invitation.objects.exists()


def test_a_coordinator_invites_a_coordinator(client, world):
    invite(client, world, kind="coordinator", by=world.coordinator)
    assert Invitation.objects.get().kind == "coordinator"
    accept(client, link_from_mail(mail.outbox[0]))
    assert rights_of(User.objects.get(email=world.staff[0].email), world) == {"coordinator"}


@pytest.mark.parametrize("kind", ["garbage", ""])
def test_rights_not_understood_send_nothing(client, world, kind):
    response = invite(client, world, kind=kind)
    assert not Invitation.objects.exists() and not mail.outbox
    assert 'role="alert"' in client.get(response["Location"]).content.decode()


# --- Shown where the invitation is --------------------------------------------------------------


def test_the_staff_list_and_the_person_show_the_invitations_rights(client, world):
    invite(client, world, kind="coordinator")
    staff = client.get(reverse("teams:staff", args=[world.school.pk])).content.decode()
    row = re.search(r"Ann A</a></td>.*?</tr>", staff, re.S).group(0)
    assert "uitnodiging verstuurd" in row and "als ICT-coördinator" in row
    page = detail(client, world, world.staff[0])
    assert "Rechten zodra de uitnodiging aanvaard is: ICT-coördinator." in page
    assert "Tot dan is er geen account en zijn er geen rechten." in page


def test_the_mail_and_the_welcome_page_name_the_rights(client, world):
    invite(client, world, kind="director")
    message = mail.outbox[0]
    assert "Met dit account krijg je in School A de rechten van directeur." in message.body
    client.logout()
    page = client.get(path_of(link_from_mail(message))).content.decode()
    assert "Met dit account krijg je in School A de rechten van directeur." in page


# --- Accepting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "lands_on"), [("staff", "my_tasks"), ("coordinator", "workload")])
def test_acceptance_gives_the_invitations_rights(client, world, kind, lands_on):
    invite(client, world, kind=kind)
    response = accept(client, link_from_mail(mail.outbox[0]))
    user = User.objects.get(email=world.staff[0].email)
    assert rights_of(user, world) == {kind}
    # The new coordinator opens the workload dashboard straight away.
    page = client.get(response["Location"], follow=True)
    assert page.resolver_match.url_name == lands_on
    workload = client.get(reverse("teams:workload", args=[world.school.pk]))
    assert workload.status_code == (200 if kind == "coordinator" else 403)


def test_acceptance_makes_a_second_director(client, world):
    invite(client, world, kind="director")
    accept(client, link_from_mail(mail.outbox[0]))
    user = User.objects.get(email=world.staff[0].email)
    assert rights_of(user, world) == {"director"}
    assert access_can_direct(user, world)


def access_can_direct(user, world) -> bool:
    from teams import access

    return access.read_access(user).can_direct(world.school.pk)


def test_re_sending_keeps_the_rights(client, world):
    invite(client, world, kind="coordinator")
    invitation = Invitation.objects.get()
    client.post(reverse("teams:invitation_resend", args=[world.school.pk, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.kind == "coordinator"
    accept(client, link_from_mail(mail.outbox[-1]))
    assert rights_of(User.objects.get(email=world.staff[0].email), world) == {"coordinator"}


def test_an_inviter_who_lost_the_rights_cannot_pass_them_on(client, world):
    """The coordinator invited Ann as coordinator, then became plain staff: the link gives
    nothing, and says so. The director sends it again; now it works."""
    invite(client, world, kind="coordinator", by=world.coordinator)
    link = link_from_mail(mail.outbox[0])
    Membership.objects.filter(user=world.coordinator).update(kind="staff")
    client.logout()
    page = client.get(path_of(link))
    assert page.status_code == 410
    assert "kan de rechten van deze uitnodiging niet meer geven" in page.content.decode()
    assert accept(client, link).status_code == 410
    assert not User.objects.filter(email=world.staff[0].email).exists()
    invitation = Invitation.objects.get()
    with pytest.raises(invitations.InvalidInvitation) as refused:
        invitations.accept(invitation=invitation, password="Zonnebloem-Fiets-77")
    assert refused.value.reason == "rights"

    client.force_login(world.director)
    client.post(reverse("teams:invitation_resend", args=[world.school.pk, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.invited_by == world.director
    accept(client, link_from_mail(mail.outbox[-1]))
    assert rights_of(User.objects.get(email=world.staff[0].email), world) == {"coordinator"}


def test_a_switched_off_inviter_passes_on_no_managing_rights(client, world):
    invite(client, world, kind="director")
    world.director.is_active = False
    world.director.save()
    assert accept(client, link_from_mail(mail.outbox[0])).status_code == 410
    assert not User.objects.filter(email=world.staff[0].email).exists()


def test_staff_rights_need_no_inviter(client, world):
    """An invitation with staff rights stays good when its inviter's account has gone."""
    invite(client, world, kind="staff", by=world.coordinator)
    world.coordinator.delete()
    assert accept(client, link_from_mail(mail.outbox[0])).status_code == 302
    assert rights_of(User.objects.get(email=world.staff[0].email), world) == {"staff"}


def test_a_coordinator_cannot_send_a_directors_invitation_again(client, world):
    invite(client, world, kind="director")
    invitation = Invitation.objects.get()
    mail.outbox.clear()
    page = detail(client, world, world.staff[0], world.coordinator)
    assert "Rechten zodra de uitnodiging aanvaard is: directeur." in page
    assert reverse("teams:invitation_resend", args=[world.school.pk, invitation.pk]) not in page
    response = client.post(
        reverse("teams:invitation_resend", args=[world.school.pk, invitation.pk])
    )
    assert response.status_code == 302
    assert not mail.outbox
    invitation.refresh_from_db()
    assert invitation.invited_by == world.director
    assert "niemand uitnodigen als directeur" in client.get(response["Location"]).content.decode()
