"""Factories for the teams tests (Faker in Belgian Dutch)."""

from decimal import Decimal

import factory
from django.contrib.auth.models import User
from factory.django import DjangoModelFactory

from tasks.models import TaskGroup
from teams.models import (
    Appointment,
    Assignment,
    Budget,
    Membership,
    Post,
    School,
    SchoolGroup,
    SchoolTask,
    StaffMember,
)

factory.Faker._DEFAULT_LOCALE = "nl_BE"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("Secret-Pass-123")


class SchoolGroupFactory(DjangoModelFactory):
    class Meta:
        model = SchoolGroup

    name = factory.Sequence(lambda n: f"Scholengroep {n}")


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"School {n}")
    school_group = factory.SubFactory(SchoolGroupFactory)


class StaffMemberFactory(DjangoModelFactory):
    class Meta:
        model = StaffMember

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"staff{n}@school.test")


def appoint(member: StaffMember, school: School, post: str = Post.TEACHER) -> StaffMember:
    Appointment.objects.get_or_create(staff_member=member, school=school, defaults={"post": post})
    return member


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    kind = Membership.Kind.DIRECTOR


class OwnTaskFactory(DjangoModelFactory):
    """A school's own task (no catalogue entry)."""

    class Meta:
        model = SchoolTask

    title = factory.Sequence(lambda n: f"Taak {n}")
    group = factory.LazyFunction(lambda: TaskGroup.objects.get(kind="technical"))
    local_hours = Decimal(10)


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    kind = Assignment.Kind.RESPONSIBLE


class BudgetFactory(DjangoModelFactory):
    class Meta:
        model = Budget

    hours_per_year = Decimal(100)
