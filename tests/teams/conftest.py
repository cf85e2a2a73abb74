"""The cast of the teams tests.

School group G runs school A and school B. In A: a director, a coordinator
and a staff member with a login; a group administrator runs G; the outsider
is B's director; a stranger works in a school of another group.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User

from teams.models import Membership, School, SchoolGroup, SchoolTask, SchoolYear, StaffMember

from .factories import (
    MembershipFactory,
    OwnTaskFactory,
    SchoolFactory,
    SchoolGroupFactory,
    StaffMemberFactory,
    UserFactory,
    appoint,
)

Kind = Membership.Kind


@dataclass
class World:
    group: SchoolGroup
    school: School
    other: School
    year: SchoolYear
    director: User
    coordinator: User
    staff_user: User
    group_admin: User
    outsider: User
    stranger: User
    staff: list[StaffMember] = field(default_factory=list)
    other_staff: StaffMember | None = None
    tasks: list[SchoolTask] = field(default_factory=list)
    group_task: SchoolTask | None = None
    other_task: SchoolTask | None = None


def member(
    kind: str, username: str, school: School | None = None, group: SchoolGroup | None = None
) -> User:
    user = UserFactory(username=username)
    MembershipFactory(user=user, kind=kind, school=school, school_group=group)
    return user


@pytest.fixture
def world(db, standard_data) -> World:
    group = SchoolGroupFactory(name="Scholengroep G")
    school = SchoolFactory(name="School A", school_group=group)
    other = SchoolFactory(name="School B", school_group=group)
    elsewhere = SchoolFactory(name="School C")
    w = World(
        group=group,
        school=school,
        other=other,
        year=SchoolYear.current(),
        director=member(Kind.DIRECTOR, "directeur.a", school),
        coordinator=member(Kind.COORDINATOR, "ictco.a", school),
        staff_user=member(Kind.STAFF, "leerkracht.a", school),
        group_admin=member(Kind.GROUP_ADMIN, "beheer.g", group=group),
        outsider=member(Kind.DIRECTOR, "directeur.b", other),
        stranger=member(Kind.DIRECTOR, "directeur.c", elsewhere),
    )
    w.staff = [
        appoint(StaffMemberFactory(first_name=name, last_name="A"), school)
        for name in ("Ann", "Bert", "Carla")
    ]
    w.staff[2].user = w.staff_user
    w.staff[2].save()
    w.other_staff = appoint(StaffMemberFactory(first_name="Omer", last_name="B"), other)
    w.tasks = [OwnTaskFactory(school=school, title=f"Taak A{i}") for i in range(3)]
    w.group_task = OwnTaskFactory(school_group=group, title="Groepstaak")
    w.other_task = OwnTaskFactory(school=other, title="Taak B")
    return w
