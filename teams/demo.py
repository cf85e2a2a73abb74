"""The demo data behind ``seed_demo``: realistic, and safe to load twice.

Scholengroep Demo runs two schools. Basisschool De Linde is the classic case
the product exists for: its ICT coordinator carries far too much, several
tasks have nobody and most have no backup. Atheneum Zuid is further along.
A group-level coordinator works in both. Apps built on teams add their part
when it is done (``teams.signals.demo_seeded``): the step plan enrols both
schools in a demo pilot.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Permission, User
from django.db import transaction
from django.utils import timezone

from tasks.services import load_shipped_catalogue
from teams.models import (
    Appointment,
    Assignment,
    Budget,
    Invitation,
    Membership,
    Post,
    Role,
    School,
    SchoolGroup,
    SchoolTask,
    SchoolYear,
    StaffMember,
    StaffRole,
)
from teams.reminders.demo import seed_schedules
from teams.signals import demo_seeded
from teams.staff import services as staff_services
from teams.workload.figures import recalculate
from teams.workload.units import BudgetUnit, budget_hours

GROUP = "Scholengroep Demo"
LINDE = "Basisschool De Linde"
ZUID = "Atheneum Zuid"
Kind = Assignment.Kind


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    post: str
    # School name -> ICT hours per year, or the amount and unit the budget is given in.
    budgets: dict[str, int | tuple[Decimal, str]]
    roles: tuple[str, ...] = ()
    username: str = ""


PEOPLE = [
    Person("Sofie", "Peeters", Post.DIRECTOR, {LINDE: 40}, ("policy_officer",), "directeur.linde"),
    Person("Tom", "Janssens", Post.ICT_COORDINATOR, {LINDE: (Decimal("0.25"), BudgetUnit.FTE)},
           ("overall_coordinator", "technical_coordinator", "network_administrator"),
           "ictco.linde"),
    Person("Lien", "Maes", Post.TEACHER, {LINDE: 100}, ("pedagogical_coordinator",),
           "leerkracht.linde"),
    Person("Ahmed", "El Amrani", Post.TEACHER, {LINDE: 80}, ("media_coach",)),
    Person("Eva", "Claes", Post.ADMINISTRATIVE, {LINDE: (Decimal("0.05"), BudgetUnit.FTE)},
           ("security_contact",)),
    Person("Koen", "Wouters", Post.TEACHER, {LINDE: 30}, ("helpdesk",)),
    Person("Marc", "Willems", Post.DIRECTOR, {ZUID: 30}, ("policy_officer",), "directeur.zuid"),
    Person("Nathalie", "Dubois", Post.ICT_COORDINATOR, {ZUID: 520},
           ("overall_coordinator", "pedagogical_coordinator"), "ictco.zuid"),
    Person("Pieter", "De Smet", Post.TEACHER, {ZUID: 220}, ("technician", "helpdesk")),
    Person("Sara", "Vermeulen", Post.TEACHER, {ZUID: 90}, ("media_coach",)),
    Person("Jonas", "Mertens", Post.TEACHER, {ZUID: 110}, ("lms_administrator",)),
    Person("Ines", "Goossens", Post.ADMINISTRATIVE, {ZUID: 120},
           ("security_contact", "web_administrator")),
    Person("Bram", "Jacobs", Post.ICT_COORDINATOR, {ZUID: 150, LINDE: 60},
           ("technical_coordinator",)),
]  # fmt: skip

# Catalogue code -> (responsible, backup) by last name; "" for nobody.
DISTRIBUTION = {
    LINDE: {
        "T01": ("Janssens", ""), "T02": ("Janssens", ""), "T03": ("Janssens", "Wouters"),
        "T04": ("Janssens", "Wouters"), "T05": ("Janssens", ""), "T06": ("Janssens", ""),
        "T07": ("Janssens", ""), "T08": ("Janssens", "Claes"), "T10": ("Janssens", ""),
        "T13": ("Janssens", ""), "T14": ("Janssens", ""), "T16": ("Janssens", ""),
        "P01": ("Janssens", "Maes"), "P02": ("El Amrani", ""), "P03": ("Maes", "Janssens"),
        "P04": ("Maes", ""), "P05": ("Janssens", ""), "P09": ("El Amrani", ""),
        "P14": ("Maes", ""), "B01": ("Peeters", "Janssens"), "B02": ("Janssens", "Peeters"),
        "B05": ("Janssens", ""), "B06": ("Janssens", ""), "B08": ("Peeters", ""),
        "A04": ("Claes", ""), "A06": ("Janssens", ""), "A09": ("Claes", ""),
    },
    ZUID: {
        "T01": ("De Smet", "Jacobs"), "T02": ("De Smet", ""), "T03": ("De Smet", "Jacobs"),
        "T04": ("De Smet", "Mertens"), "T05": ("Jacobs", "De Smet"), "T06": ("Jacobs", ""),
        "T07": ("De Smet", ""), "T08": ("Mertens", "De Smet"), "T09": ("Dubois", ""),
        "T10": ("De Smet", ""), "T13": ("Jacobs", "De Smet"), "T14": ("De Smet", "Mertens"),
        "P01": ("Dubois", "Vermeulen"), "P02": ("Vermeulen", "Dubois"), "P03": ("Mertens", ""),
        "P04": ("Mertens", "Dubois"), "P05": ("Dubois", ""), "P06": ("Dubois", ""),
        "P09": ("Vermeulen", "Goossens"), "P12": ("Dubois", "Vermeulen"),
        "B01": ("Willems", "Dubois"), "B02": ("Dubois", "Willems"), "B05": ("Dubois", ""),
        "A01": ("Goossens", ""), "A04": ("Goossens", "Willems"), "A06": ("Goossens", ""),
    },
    GROUP: {
        "T11": ("Jacobs", ""), "T15": ("Jacobs", ""), "B04": ("Jacobs", ""),
        "A03": ("Goossens", ""),
    },
}  # fmt: skip
OUTSOURCED = {LINDE: {"T12": "PrintPartners bv"}, ZUID: {"T12": "PrintPartners bv"}}

ACCOUNTS = [
    ("directeur.linde", f"director of {LINDE}"),
    ("ictco.linde", f"ICT coordinator of {LINDE}"),
    ("leerkracht.linde", f"staff member of {LINDE}, with a few tasks"),
    ("directeur.zuid", f"director of {ZUID}"),
    ("ictco.zuid", f"ICT coordinator of {ZUID}"),
    ("beheer.scholengroep", f"administrator of {GROUP}"),
    ("departement", "department viewer (follows the pilot schools)"),
    ("beheer.catalogus", "catalogue maintainer: imports the task overview"),
]


def _account(username: str, password: str, first_name: str = "", last_name: str = "") -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": last_name,
                  "email": f"{username}@demo.ictteam.be"},
    )  # fmt: skip
    if created:
        user.set_password(password)
        user.save()
    return user


def _memberships(users: dict[str, User], schools: dict[str, School], group: SchoolGroup) -> None:
    wanted = [
        ("directeur.linde", Membership.Kind.DIRECTOR, schools[LINDE], None),
        ("ictco.linde", Membership.Kind.COORDINATOR, schools[LINDE], None),
        ("leerkracht.linde", Membership.Kind.STAFF, schools[LINDE], None),
        ("directeur.zuid", Membership.Kind.DIRECTOR, schools[ZUID], None),
        ("ictco.zuid", Membership.Kind.COORDINATOR, schools[ZUID], None),
        ("beheer.scholengroep", Membership.Kind.GROUP_ADMIN, None, group),
        ("departement", Membership.Kind.DEPARTMENT, None, None),
    ]
    for username, kind, school, school_group in wanted:
        Membership.objects.get_or_create(
            user=users[username], kind=kind, school=school, school_group=school_group
        )


def _staff(
    schools: dict[str, School], year: SchoolYear, users: dict[str, User]
) -> dict[str, StaffMember]:
    members = {}
    roles = {role.key: role for role in Role.objects.filter(school__isnull=True)}
    for person in PEOPLE:
        email = f"{person.first_name}.{person.last_name}@demo.ictteam.be".lower().replace(" ", "")
        member, _ = StaffMember.objects.get_or_create(
            first_name=person.first_name, last_name=person.last_name, defaults={"email": email}
        )
        if person.username and member.user_id is None:
            member.user = users[person.username]
            member.save(update_fields=["user"])
        for school_name, budget in person.budgets.items():
            school = schools[school_name]
            amount, unit = (
                budget if isinstance(budget, tuple) else (Decimal(budget), BudgetUnit.YEAR)
            )
            Appointment.objects.get_or_create(
                staff_member=member, school=school, defaults={"post": person.post}
            )
            if not Budget.objects.filter(
                staff_member=member, school=school, school_year=year
            ).exists():
                staff_services.set_budget(
                    member=member, school=school, school_year=year,
                    hours_per_year=budget_hours(amount, unit, school), amount=amount, unit=unit,
                )  # fmt: skip
            for key in person.roles:
                StaffRole.objects.get_or_create(
                    role=roles[key], staff_member=member, school=school, school_year=year
                )
        members[person.last_name] = member
    return members


def _distribute(
    owner: dict[str, object],
    plan: dict[str, tuple[str, str]],
    partners: dict[str, str],
    members: dict[str, StaffMember],
    year: SchoolYear,
) -> None:
    tasks = {
        task.catalogue_task.code: task
        for task in SchoolTask.objects.filter(**owner).select_related("catalogue_task")
        if task.catalogue_task
    }
    for code, (responsible, backup) in plan.items():
        task = tasks.get(code)
        if task is None or Assignment.objects.filter(school_task=task, school_year=year).exists():
            continue
        for last_name, kind in ((responsible, Kind.RESPONSIBLE), (backup, Kind.BACKUP)):
            if last_name:
                Assignment.objects.create(
                    school_task=task, school_year=year, kind=kind, staff_member=members[last_name]
                )
    for code, partner in partners.items():
        task = tasks.get(code)
        if task and not Assignment.objects.filter(school_task=task, school_year=year).exists():
            Assignment.objects.create(
                school_task=task,
                school_year=year,
                kind=Kind.RESPONSIBLE,
                partner=partner,
                note="Onderhoudscontract",
            )


def _pending_invitation(member: StaffMember, school: School, director: User) -> None:
    """One invitation not yet accepted, so the staff list shows the state. No mail is sent:
    re-sending it from the staff page prints the link on the console."""
    if (
        member.user_id is None
        and not Invitation.objects.open().filter(staff_member=member).exists()
    ):
        Invitation.objects.create(
            school=school, staff_member=member, email=member.email, invited_by=director
        )


@transaction.atomic
def seed_demo(*, password: str) -> list[tuple[str, str]]:
    """Create the demo data; returns the accounts with what each may do."""
    load_shipped_catalogue()  # after ``migrate`` already there, unless turned off
    year = SchoolYear.current()
    group, _ = SchoolGroup.objects.get_or_create(name=GROUP)
    schools = {
        name: School.objects.get_or_create(name=name, school_group=group)[0]
        for name in (LINDE, ZUID)
    }
    SchoolTask.objects.adopt_catalogue(school_group=group)
    for school in schools.values():
        SchoolTask.objects.adopt_catalogue(school=school)
    names = {p.username: (p.first_name, p.last_name) for p in PEOPLE if p.username}
    users = {
        username: _account(username, password, *names.get(username, ("", "")))
        for username, _description in ACCOUNTS
    }
    users["beheer.catalogus"].user_permissions.add(
        Permission.objects.get(codename="import_catalogue")
    )
    _memberships(users, schools, group)
    members = _staff(schools, year, users)
    for name, school in schools.items():
        _distribute({"school": school}, DISTRIBUTION[name], OUTSOURCED[name], members, year)
    _distribute({"school_group": group}, DISTRIBUTION[GROUP], {}, members, year)
    seed_schedules(school_ids=[s.pk for s in schools.values()], group_ids=[group.pk], year=year,
                   today=timezone.localdate())  # fmt: skip
    _pending_invitation(members["El Amrani"], schools[LINDE], users["directeur.linde"])
    recalculate([school.pk for school in schools.values()], year)
    demo_seeded.send(sender=seed_demo, schools=list(schools.values()), school_year=year)
    return ACCOUNTS
