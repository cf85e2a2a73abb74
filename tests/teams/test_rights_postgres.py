"""Two directors removing each other at the same moment on a real PostgreSQL: the school
always keeps one, and the one who comes second is told why nothing happened."""

import threading
import time
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from teams.models import Appointment, Invitation, Membership, StaffMember
from teams.staff import invitations, rights, services
from tests.test_postgres import at_once

from .conftest import World, world  # noqa: F401  (the cast of the teams tests)
from .factories import StaffMemberFactory, appoint

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
RUNS = 20
REFUSALS = {
    "School A moet minstens één directeur houden.",
    "Met jouw rechten in School A kun je de aanstelling van Bert A niet beëindigen.",
    "Met jouw rechten in School A kun je de aanstelling van Carla A niet beëindigen.",
    "Met jouw rechten in School A kun je de rechten van Carla A niet wijzigen.",
}


def two_directors(w: World) -> tuple[StaffMember, StaffMember, User, User]:
    """Bert (account directeur.a) and Carla (account leerkracht.a) both direct school A,
    as at the start of every run."""
    bert, carla = w.staff[1], w.staff[2]
    bert.user = w.director
    bert.save()
    Membership.objects.filter(school=w.school, user__in=[w.director, w.staff_user]).delete()
    for user in (w.director, w.staff_user):
        Membership.objects.create(user=user, kind="director", school=w.school)
    Appointment.objects.filter(school=w.school).update(is_active=True)
    return (
        StaffMember.objects.get(pk=bert.pk),
        StaffMember.objects.get(pk=carla.pk),
        User.objects.get(pk=w.director.pk),
        User.objects.get(pk=w.staff_user.pk),
    )


def ending(w: World, member: StaffMember, by: User) -> Callable[[], object]:
    return lambda: services.end_appointment(
        member=member, school=w.school, school_year=w.year, by=by
    )


def demoting(w: World, member: StaffMember, by: User) -> Callable[[], object]:
    return lambda: rights.set_rights(member=member, school=w.school, kind="staff", by=by)


def outcome(w: World, results: list[object]) -> tuple[int, list[str]]:
    unexpected = [r for r in results if isinstance(r, Exception)]
    refusals = [r for r in unexpected if isinstance(r, ValidationError)]
    assert len(refusals) == len(unexpected), unexpected  # nothing else went wrong
    directors = Membership.objects.filter(school=w.school, kind="director").count()
    return directors, [r.messages[0] for r in refusals]


def test_two_directors_ending_each_others_appointment_at_once(world):  # noqa: F811
    for run in range(RUNS):
        bert, carla, bert_account, carla_account = two_directors(world)
        results = at_once(
            ending(world, carla, by=bert_account), ending(world, bert, by=carla_account)
        )
        directors, refusals = outcome(world, results)
        assert directors == 1, f"run {run}: {directors} directors"
        assert len(refusals) == 1 and refusals[0] in REFUSALS, (run, refusals)
        # The one refused still works here: exactly one appointment ended.
        active = Appointment.objects.current().filter(staff_member__in=[bert, carla])
        assert active.count() == 1, run
        survivor = active.get().staff_member
        assert Membership.objects.get(school=world.school, kind="director").user_id == (
            survivor.user_id
        )


def test_a_director_demoting_while_the_other_ends_their_appointment(world):  # noqa: F811
    for run in range(RUNS):
        bert, carla, bert_account, carla_account = two_directors(world)
        results = at_once(
            demoting(world, carla, by=bert_account), ending(world, bert, by=carla_account)
        )
        directors, refusals = outcome(world, results)
        assert directors == 1, f"run {run}: {directors} directors"
        assert len(refusals) == 1 and refusals[0] in REFUSALS, (run, refusals)


def test_the_admin_deleting_a_director_while_the_other_ends_an_appointment(
    world,  # noqa: F811
    admin_client,
):
    for run in range(RUNS):
        bert, _carla, _bert_account, carla_account = two_directors(world)
        carlas = Membership.objects.get(user=carla_account, school=world.school)
        url = reverse("admin:teams_membership_delete", args=[carlas.pk])
        results = at_once(
            lambda: admin_client.post(url, {"post": "yes"}),  # noqa: B023
            ending(world, bert, by=carla_account),
        )
        deleted = Membership.objects.filter(pk=carlas.pk).exists() is False
        ended = not Appointment.objects.get(staff_member=bert, school=world.school).is_active
        assert Membership.objects.filter(school=world.school, kind="director").count() == 1, run
        assert deleted != ended, run  # exactly one of the two went through
        if deleted:
            assert isinstance(results[1], ValidationError), run
            assert results[1].messages[0] in REFUSALS
        else:
            assert results[0]["Location"].endswith(f"/membership/{carlas.pk}/change/"), run


def test_an_invitation_is_accepted_under_the_lock_of_a_change_of_its_inviters_rights(
    world,  # noqa: F811
):
    """The coordinator invited Ann as coordinator; the director makes the coordinator plain
    staff while Ann accepts. Her acceptance waits for that change and then refuses: rights
    the inviter no longer holds are not passed on."""
    inviter = StaffMemberFactory(first_name="Ilse", last_name="A", user=world.coordinator)
    appoint(inviter, world.school, post="ict_coordinator")
    ann = world.staff[0]
    invitation = Invitation.objects.create(
        school=world.school,
        staff_member=ann,
        email=ann.email,
        kind="coordinator",
        invited_by=world.coordinator,
    )
    changing = threading.Event()

    def demote() -> None:
        with transaction.atomic():
            rights.set_rights(member=inviter, school=world.school, kind="staff", by=world.director)
            changing.set()
            time.sleep(0.5)  # the change holds the school's lock a while before it commits

    def accept() -> object:
        changing.wait(5)
        return invitations.accept(
            invitation=Invitation.objects.get(pk=invitation.pk), password="Zonnebloem-Fiets-77"
        )

    _, accepted = at_once(demote, accept)
    assert isinstance(accepted, invitations.InvalidInvitation), accepted
    assert accepted.reason == "rights"
    assert not User.objects.filter(email=ann.email).exists()
    assert Membership.objects.get(user=world.coordinator, school=world.school).kind == "staff"
