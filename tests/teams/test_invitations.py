"""The invitation round trip: invite, open the link, choose a password, land on my tasks."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from teams.models import AccountSettings, Invitation, Membership, Post, School, StaffMember
from teams.staff import invitations

pytestmark = pytest.mark.django_db
PASSWORD = "Zonnebloem-Fiets-77"


def invite(client, world, member=None, language="nl", kind="staff", by=None):
    member = member or world.staff[0]
    client.force_login(by or world.director)
    return client.post(
        reverse("teams:invite", args=[world.school.pk, member.pk]),
        {"language": language, "kind": kind},
    )


def link_from_mail(message) -> str:
    match = re.search(r"https?://\S+/welcome/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def accept(client, link, password=PASSWORD):
    client.logout()
    return client.post(path_of(link), {"new_password1": password, "new_password2": password})


def test_round_trip_creates_the_account_and_links_the_staff_member(client, world):
    response = invite(client, world)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.staff[0].email]
    assert "Kies je wachtwoord" in message.body
    link = link_from_mail(message)
    client.logout()
    page = client.get(path_of(link))
    assert page.status_code == 200
    assert world.staff[0].email in page.content.decode()

    response = accept(client, link)
    assert response.status_code == 302
    assert response["Location"] == reverse("teams:my_tasks")
    member = world.staff[0]
    member.refresh_from_db()
    user = User.objects.get(username=member.email)
    assert member.user == user
    assert user.check_password(PASSWORD)
    assert Membership.objects.filter(user=user, school=world.school, kind="staff").exists()
    assert AccountSettings.objects.get(user=user).language == "nl"
    assert client.get(reverse("teams:my_tasks")).status_code == 200


def test_the_link_works_only_once(client, world):
    invite(client, world)
    link = link_from_mail(mail.outbox[0])
    accept(client, link)
    client.logout()
    again = client.get(path_of(link))
    assert again.status_code == 410
    assert "al gebruikt" in again.content.decode()
    assert accept(client, link, "Another-Pass-999").status_code == 410
    assert User.objects.filter(username=world.staff[0].email).count() == 1


def test_the_link_expires_after_seven_days(client, world):
    invite(client, world)
    link = link_from_mail(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        client.logout()
        response = client.get(path_of(link))
        assert response.status_code == 410
        assert "verlopen" in response.content.decode()
        assert accept(client, link).status_code == 410
    assert not User.objects.filter(username=world.staff[0].email).exists()
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert client.get(path_of(link)).status_code == 200


def test_a_withdrawn_invitation_no_longer_works(client, world):
    invite(client, world)
    link = link_from_mail(mail.outbox[0])
    invitation = Invitation.objects.get()
    client.force_login(world.director)
    response = client.post(
        reverse("teams:invitation_withdraw", args=[world.school.pk, invitation.pk])
    )
    assert response.status_code == 302
    response = accept(client, link)
    assert response.status_code == 410
    assert "ingetrokken" in response.content.decode()
    assert not User.objects.filter(username=world.staff[0].email).exists()


def test_resending_replaces_the_earlier_link(client, world):
    invite(client, world)
    first = link_from_mail(mail.outbox[0])
    invitation = Invitation.objects.get()
    with time_machine.travel(timezone.now() + timedelta(days=5)):
        client.force_login(world.director)
        client.post(reverse("teams:invitation_resend", args=[world.school.pk, invitation.pk]))
        second = link_from_mail(mail.outbox[1])
        assert second != first
        client.logout()
        assert client.get(path_of(first)).status_code == 410
    # The new link counts its seven days from the re-send.
    with time_machine.travel(timezone.now() + timedelta(days=11)):
        assert accept(client, second).status_code == 302


def test_a_tampered_link_is_refused(client, world):
    invite(client, world)
    link = link_from_mail(mail.outbox[0])
    client.logout()
    assert client.get(path_of(link).replace("/welcome/", "/welcome/x")).status_code == 404
    forged = invitations.signing.dumps({"i": Invitation.objects.get().pk, "h": "0" * 32})
    assert client.get(reverse("accept_invitation", args=[forged])).status_code == 404


def test_the_database_holds_nothing_that_rebuilds_the_link(client, world):
    invite(client, world)
    token = path_of(link_from_mail(mail.outbox[0])).split("/")[2]
    signature = token.rsplit(":", 1)[1]
    row = Invitation.objects.values().get()
    assert not any(signature in str(value) for value in row.values())
    # Whoever reads the row but lacks the site's secret key cannot sign a link.
    invitation = Invitation.objects.get()
    forged = invitations.signing.dumps(
        {"i": invitation.pk, "h": invitations._state_hash(invitation)},
        key="a-database-reader-does-not-know-the-secret-key",
        salt=invitations.SALT,
    )
    client.logout()
    assert client.get(reverse("accept_invitation", args=[forged])).status_code == 404


def test_the_mail_is_in_the_persons_language(client, world):
    invite(client, world, language="en")
    message = mail.outbox[0]
    assert message.subject == "Your account for ICT-team"
    assert "Choose your password" in message.body
    accept(client, link_from_mail(message))
    user = User.objects.get(username=world.staff[0].email)
    assert AccountSettings.objects.get(user=user).language == "en"
    page = client.get(reverse("teams:my_tasks"))
    assert 'lang="en"' in page.content.decode()


@pytest.mark.parametrize("case", ["no_email", "has_account", "already_invited"])
def test_who_cannot_be_invited(client, world, case):
    member = world.staff[0]
    if case == "no_email":
        member.email = ""
        member.save()
    elif case == "has_account":
        member = world.staff[2]
    else:
        invite(client, world)
    mail.outbox.clear()
    response = invite(client, world, member)
    assert response.status_code == 302
    assert not mail.outbox
    assert Invitation.objects.count() == (1 if case == "already_invited" else 0)
    page = client.get(response["Location"])
    assert 'role="alert"' in page.content.decode()


def test_a_failing_mail_server_writes_nothing(client, world, settings):
    settings.EMAIL_BACKEND = "tests.teams.test_invitations.BrokenBackend"
    invite(client, world)
    assert not Invitation.objects.exists()


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_the_staff_list_shows_accounts_and_invitations(client, world):
    invite(client, world)
    Invitation.objects.create(
        school=world.school,
        staff_member=world.staff[1],
        email=world.staff[1].email,
        sent_at=timezone.now() - timedelta(days=8),
    )
    page = client.get(reverse("teams:staff", args=[world.school.pk])).content.decode()
    assert "uitnodiging verstuurd" in page
    assert "uitnodiging verlopen" in page
    assert "heeft een account" in page


def test_staff_list_queries_do_not_grow_with_staff_and_invitations(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.teams.factories import StaffMemberFactory, appoint

    client.force_login(world.director)
    url = reverse("teams:staff", args=[world.school.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(30):
        member = appoint(StaffMemberFactory(), world.school)
        Invitation.objects.create(school=world.school, staff_member=member, email=member.email)
    assert queries() == few


def test_a_used_link_answers_in_english_too(client, world):
    invite(client, world)
    link = link_from_mail(mail.outbox[0])
    accept(client, link)
    client.logout()
    client.cookies["django_language"] = "en"
    assert "already been used" in client.get(path_of(link)).content.decode()


# --- Addresses that already have an account -------------------------------------------------


def give_address(member, email):
    member.email = email
    member.save(update_fields=["email"])
    return member


def test_inviting_an_address_with_an_account_elsewhere_answers_like_any_invitation(client, world):
    """The director cannot tell from the answer that the address has an account."""
    world.stranger.email = "directeur@elders.test"
    world.stranger.save()
    taken = give_address(world.staff[0], "Directeur@Elders.test")
    fresh = give_address(world.staff[1], "nieuw@school.test")
    answers, shown = [], []
    for member in (taken, fresh):
        answers.append(invite(client, world, member))
        shown.append(client.get(answers[-1]["Location"]).content.decode())
    assert [answer.status_code for answer in answers] == [302, 302]
    assert "Er is een uitnodiging verstuurd naar Directeur@Elders.test" in shown[0]
    assert "Er is een uitnodiging verstuurd naar nieuw@school.test" in shown[1]
    assert "account" not in shown[0].split("uitnodiging verstuurd naar")[1][:200]
    assert Invitation.objects.filter(staff_member__in=[taken, fresh]).count() == 2
    assert len(mail.outbox) == 2
    # Only the owner of the address reads that they already have an account; no link.
    to_owner = mail.outbox[0]
    assert to_owner.to == ["directeur@elders.test"]
    assert "Je hebt al een ICT-team-account met dit e-mailadres" in to_owner.body
    assert "/welcome/" not in to_owner.body
    assert "/login/" in to_owner.body
    assert "/welcome/" in mail.outbox[1].body


def test_no_link_makes_a_second_account_for_a_platform_administrators_address(client, world):
    admin = User.objects.create_superuser(
        "beheerder", email="Beheer@Platform.test", password="Admin-Pass-987"
    )
    member = give_address(world.staff[0], "beheer@platform.test")
    assert invite(client, world, member).status_code == 302
    invitation = Invitation.objects.get(staff_member=member)
    assert invitation.email == "beheer@platform.test"
    # Even a link to this invitation (as an earlier e-mail could have held) makes nothing.
    link = reverse("accept_invitation", args=[invitations.make_token(invitation)])
    client.logout()
    page = client.get(link)
    assert page.status_code == 410
    assert "Er is al een account voor dit e-mailadres" in page.content.decode()
    response = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 410
    assert list(User.objects.filter(email__iexact="beheer@platform.test")) == [admin]
    assert "_auth_user_id" not in client.session
    with pytest.raises(invitations.InvalidInvitation):
        invitations.accept(invitation=invitation, password=PASSWORD)
    member.refresh_from_db()
    assert member.user is None


@pytest.mark.parametrize(
    "existing",
    [
        {"username": "Ann.Peeters@School.test"},  # the address as user name, other case
        {"username": "ann", "email": "ANN.PEETERS@school.test"},
        {"username": "ann", "email": "ann.peeters@school.test", "is_active": False},
    ],
)
def test_acceptance_never_makes_a_second_account_for_an_address(client, world, existing):
    member = give_address(world.staff[0], "ann.peeters@school.test")
    invite(client, world, member)
    invitation = Invitation.objects.get(staff_member=member)
    User.objects.create_user(**existing)  # made after the invitation was sent
    accounts = User.objects.count()
    link = "http://testserver" + invitations.accept_url(invitation)
    response = accept(client, link)
    assert response.status_code == 410
    assert User.objects.count() == accounts
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_sister_schools_person_becomes_the_new_schools_director_without_a_double(client, world):
    """A new school's director who works in a sister school is that same person."""
    omer = world.other_staff
    people = StaffMember.objects.count()
    client.force_login(world.group_admin)
    response = client.post(
        reverse("teams:school_group_school_new", args=[world.group.pk]),
        {
            "name": "School D",
            "email": omer.email.upper(),
            "first_name": "Iemand",
            "last_name": "Anders",
            "language": "nl",
        },
    )
    assert response.status_code == 302
    school = School.objects.get(name="School D")
    assert StaffMember.objects.count() == people
    omer.refresh_from_db()
    assert (omer.first_name, omer.last_name) == ("Omer", "B")  # names are not the newcomer's
    assert omer.appointments.get(school=school).post == Post.DIRECTOR
    assert Invitation.objects.get(school=school).staff_member == omer
    accept(client, link_from_mail(mail.outbox[-1]))
    omer.refresh_from_db()
    assert Membership.objects.filter(user=omer.user, school=school, kind="director").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_invitations_of_one_address_accepted_at_once_make_one_account(world):
    from tests.test_postgres import at_once

    member = world.staff[0]
    appoint_in(member, world.other)
    pending = [
        Invitation.objects.create(school=school, staff_member=member, email=member.email)
        for school in (world.school, world.other)
    ]
    for _ in range(10):
        User.objects.filter(email=member.email).delete()
        Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(accepted_at=None)
        results = at_once(
            *[
                lambda i=invitation: invitations.accept(invitation=i, password=PASSWORD)
                for invitation in pending
            ]
        )
        made = [result for result in results if isinstance(result, User)]
        assert len(made) == 1, results
        assert all(
            isinstance(result, (User, invitations.InvalidInvitation)) for result in results
        ), results
        assert User.objects.filter(email=member.email).count() == 1
        member.refresh_from_db()
        assert member.user == made[0]


def appoint_in(member, school):
    from tests.teams.factories import appoint

    return appoint(member, school)
