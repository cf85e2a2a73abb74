"""Task lists, staff, budgets and roles."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from tasks.models import Level, Task, TaskGroup
from teams.assignments import task_list
from teams.models import (
    Appointment,
    Assignment,
    Budget,
    Membership,
    Role,
    SchoolTask,
    SchoolYear,
    StaffRole,
)
from teams.staff import services as staff_services
from teams.workload import services as workload_services

from .factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def catalogue(db):
    technical = TaskGroup.objects.get(kind="technical")
    return [
        Task.objects.create(code="S1", title="Wifi", group=technical, hours_per_year=10),
        Task.objects.create(code="S2", title="Printers", group=technical),
        Task.objects.create(code="G1", title="Aankopen", group=technical, level=Level.SCHOOL_GROUP),
        Task.objects.create(
            code="R1", title="Oud", group=technical, is_active=False, retired_at="2024-01-01T00:00Z"
        ),
    ]


def codes(**owner):
    tasks = SchoolTask.objects.filter(**owner, catalogue_task__isnull=False)
    return sorted(tasks.values_list("catalogue_task__code", flat=True))


def test_adopting_the_catalogue_in_a_school_group(world, catalogue):
    SchoolTask.objects.adopt_catalogue(school_group=world.group)
    SchoolTask.objects.adopt_catalogue(school=world.school)
    assert codes(school_group=world.group) == ["G1"]
    assert codes(school=world.school) == ["S1", "S2"]


def test_a_standalone_school_adopts_everything_active(catalogue):
    school = SchoolFactory(school_group=None)
    assert SchoolTask.objects.adopt_catalogue(school=school) == 3
    assert codes(school=school) == ["G1", "S1", "S2"]


def test_adopting_twice_adds_nothing_and_keeps_hidden_tasks_hidden(world, catalogue):
    SchoolTask.objects.adopt_catalogue(school=world.school)
    SchoolTask.objects.filter(catalogue_task__code="S1").update(is_hidden=True)
    assert SchoolTask.objects.adopt_catalogue(school=world.school) == 0
    assert SchoolTask.objects.get(catalogue_task__code="S1").is_hidden


def test_school_values_override_the_catalogue(world, catalogue):
    SchoolTask.objects.adopt_catalogue(school=world.school)
    task = SchoolTask.objects.get(catalogue_task__code="S1")
    assert (task.hours, task.frequency, task.display_title) == (10, "ad_hoc", "Wifi")
    task_list.set_local_values(task=task, hours=Decimal(4), frequency="weekly")
    task.refresh_from_db()
    assert (task.hours, task.frequency) == (4, "weekly")
    assert Task.objects.get(code="S1").hours_per_year == 10


def test_retired_catalogue_tasks_leave_the_board_but_keep_their_assignments(world, catalogue):
    SchoolTask.objects.adopt_catalogue(school=world.school)
    task = SchoolTask.objects.get(catalogue_task__code="S1")
    Assignment.objects.create(
        school_task=task, school_year=world.year, kind="responsible", staff_member=world.staff[0]
    )
    Task.objects.filter(code="S1").update(is_active=False, retired_at="2025-01-01T00:00Z")
    assert task not in SchoolTask.objects.for_school(world.school).visible()
    assert Assignment.objects.filter(school_task=task).exists()


def test_own_task_needs_title_and_group(world):
    with pytest.raises(ValidationError):
        task_list.add_own_task(school=world.school, title=" ", group=None)  # type: ignore[arg-type]
    task = task_list.add_own_task(
        school=world.school,
        title=" Robotica ",
        group=TaskGroup.objects.get(kind="pedagogical"),
        hours=Decimal(12),
        frequency="weekly",
    )
    assert (task.display_title, task.hours, task.is_own) == ("Robotica", 12, True)


def test_a_task_belongs_to_a_school_or_its_group_never_both(world):
    with pytest.raises(IntegrityError):
        SchoolTask.objects.create(
            school=world.school,
            school_group=world.group,
            title="x",
            group=TaskGroup.objects.first(),
        )


def test_same_email_in_the_group_is_linked_only_by_the_group(world):
    first = staff_services.add_staff_member(
        school=world.school, first_name="Bram", last_name="Jacobs", email="bram@example.org"
    )
    with pytest.raises(ValidationError) as refused:
        staff_services.add_staff_member(
            school=world.other, first_name="Bram", last_name="Jacobs", email="BRAM@example.org"
        )
    assert refused.value.error_dict["email"][0].code == "email_not_usable"
    assert "Bram" not in str(refused.value)
    staff_services.link_staff_member(member=first, school=world.other, post="director")
    assert set(Appointment.objects.filter(staff_member=first).values_list("school", "post")) == {
        (world.school.pk, "teacher"),
        (world.other.pk, "director"),
    }
    with pytest.raises(ValidationError, match="already works in this school"):
        staff_services.add_staff_member(
            school=world.school, first_name="B", last_name="J", email="bram@example.org"
        )
    with pytest.raises(ValidationError, match="already works in School B"):
        staff_services.link_staff_member(member=first, school=world.other)


def test_linking_needs_a_person_of_the_same_group(world):
    stranger = staff_services.add_staff_member(
        school=SchoolFactory(name="School D"), first_name="Sam", last_name="D"
    )
    with pytest.raises(ValidationError, match="does not work in a school of this school group"):
        staff_services.link_staff_member(member=stranger, school=world.school)
    assert not Appointment.objects.filter(staff_member=stranger, school=world.school).exists()


def test_someone_who_worked_here_before_can_be_taken_back(world):
    member = world.staff[0]
    staff_services.end_appointment(member=member, school=world.school, school_year=world.year)
    again = staff_services.add_staff_member(
        school=world.school, first_name="x", last_name="y", email=member.email.upper()
    )
    assert again == member
    assert Appointment.objects.get(staff_member=member, school=world.school).is_active


def test_someone_who_left_for_a_sister_school_is_not_taken_back_by_a_director(world):
    member = world.staff[0]
    staff_services.link_staff_member(member=member, school=world.other)
    staff_services.end_appointment(member=member, school=world.school, school_year=world.year)
    with pytest.raises(ValidationError):
        staff_services.add_staff_member(
            school=world.school, first_name="x", last_name="y", email=member.email
        )
    assert not Appointment.objects.get(staff_member=member, school=world.school).is_active


def test_an_address_of_someone_else_in_the_group_cannot_be_given_to_a_person(world):
    member = world.staff[0]
    with pytest.raises(ValidationError) as refused:
        staff_services.update_staff_member(
            member=member, school=world.school, first_name="Ann", last_name="A",
            email=world.other_staff.email, post="teacher",
        )  # fmt: skip
    assert refused.value.error_dict["email"][0].code == "email_not_usable"
    member.refresh_from_db()
    assert member.email != world.other_staff.email


def test_budget_is_per_school_and_year_and_keeps_history(world):
    member = world.staff[0]
    staff_services.set_budget(
        member=member, school=world.school, school_year=world.year, hours_per_year=Decimal(100)
    )
    staff_services.set_budget(
        member=member, school=world.school, school_year=world.year, hours_per_year=Decimal(120)
    )
    budget = Budget.objects.get()
    assert budget.hours_per_year == 120
    assert budget.hours_per_week == Decimal("3.2")
    assert [h.hours_per_year for h in budget.history.order_by("history_id")] == [100, 120]


def test_roles_are_set_exactly_and_only_from_the_school(world):
    member = world.staff[0]
    coach, helpdesk = Role.objects.get(key="media_coach"), Role.objects.get(key="helpdesk")
    own = staff_services.add_role(school=world.school, name="Robotica-coach")
    staff_services.set_roles(
        member=member, school=world.school, school_year=world.year, roles=[coach, own]
    )
    staff_services.set_roles(
        member=member, school=world.school, school_year=world.year, roles=[helpdesk, own]
    )
    held = set(StaffRole.objects.values_list("role__key", "role__name"))
    assert held == {("helpdesk", "Helpdesk"), ("", "Robotica-coach")}
    foreign = staff_services.add_role(school=world.other, name="Andermans rol")
    with pytest.raises(ValidationError):
        staff_services.set_roles(
            member=member, school=world.school, school_year=world.year, roles=[foreign]
        )
    with pytest.raises(ValidationError, match="already a role"):
        staff_services.add_role(school=world.school, name="robotica-coach")
    assert StaffRole.history.filter(history_type="-").count() == 1


def test_a_leaver_keeps_their_tasks_and_loses_the_school(world):
    assignment = Assignment.objects.create(
        school_task=world.tasks[0],
        school_year=world.year,
        kind="responsible",
        staff_member=world.staff[2],
    )
    staff_services.end_appointment(
        member=world.staff[2], school=world.school, school_year=world.year
    )
    assert not Appointment.objects.get(staff_member=world.staff[2]).is_active
    assert Assignment.objects.filter(pk=assignment.pk, staff_member=world.staff[2]).exists()
    assert not Membership.objects.filter(user=world.staff_user, school=world.school).exists()


@pytest.mark.parametrize(("day", "start"), [(date(2026, 8, 31), 2025), (date(2026, 9, 1), 2026)])
def test_school_year_turns_on_the_first_of_september(day, start):
    with time_machine.travel(day):
        SchoolYear.ensure_current()
        assert SchoolYear.current().start_year == start
        assert str(SchoolYear.current()) == f"{start}-{start + 1}"


def test_year_parameter_accepts_years_on_record_and_creates_none(db):
    current = SchoolYear.current()
    assert SchoolYear.from_param(str(current.start_year + 1)) == current
    assert not SchoolYear.objects.filter(start_year=current.start_year + 1).exists()
    planned = SchoolYear.plan_next()
    assert planned.start_year == current.start_year + 1
    assert SchoolYear.from_param(str(current.start_year + 1)) == planned
    assert SchoolYear.plan_next() == planned
    assert SchoolYear.from_param("1999") == current
    assert SchoolYear.from_param("abc") == current
    assert SchoolYear.from_param(str(current.start_year + 5)) == current


def test_membership_scope_must_fit_its_kind(world):
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=world.director, kind="group_admin", school=world.school)


def test_standard_roles_read_in_the_users_language(db):
    role = Role.objects.get(key="media_coach")
    with translation.override("en"):
        assert role.label == "media coach"
    with translation.override("nl"):
        assert role.label == "mediacoach"


def test_next_and_previous_years_are_school_years_on_record_and_never_created(db):
    current = SchoolYear.current()
    before = SchoolYear.objects.count()
    assert current.next() is None
    assert current.previous() is None
    assert SchoolYear.objects.count() == before
    later = SchoolYear.objects.create(start_year=current.start_year + 1)
    earlier = SchoolYear.objects.create(start_year=current.start_year - 1)
    assert current.next() == later
    assert current.previous() == earlier
    assert later.previous() == current


def test_workload_limits_are_set_in_order(world):
    workload_services.set_limits(school=world.school, busy_from=70, overloaded_above=120)
    world.school.refresh_from_db()
    assert (world.school.busy_from_percent, world.school.overloaded_above_percent) == (70, 120)
    with pytest.raises(ValidationError, match="Busy from"):
        workload_services.set_limits(school=world.school, busy_from=130, overloaded_above=120)
    world.school.refresh_from_db()
    assert world.school.busy_from_percent == 70
