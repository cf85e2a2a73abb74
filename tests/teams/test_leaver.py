"""Someone who left a school: nothing of it reaches them, and their reminders go on.

Carla (the staff login) is responsible for task A0 of school A and Ann backs
her up; Dirk directs school A. Each test ends an appointment as a director
does (``end_appointment``) and then tries what the leaver tried: the calendar
address without a login, the daily digest, the occurrence page (looking and
marking done), the bell, "my tasks" and the reminder list. The clock stands
on Wednesday 10 March 2027.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from teams.models import (
    Appointment,
    Assignment,
    Digest,
    Membership,
    Occurrence,
    Reminder,
    Rhythm,
    SchoolReminderPolicy,
    SchoolTask,
    SchoolYear,
    StaffMember,
)
from teams.reminders import scan, services
from teams.reminders.scan import run_scan
from teams.staff.services import end_appointment

from .conftest import World
from .factories import StaffMemberFactory, UserFactory, appoint

pytestmark = pytest.mark.django_db
Kind = Reminder.Kind
TODAY = date(2027, 3, 10)
DUE = date(2027, 3, 7)  # reminded from 4 March, overdue since 8 March


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(datetime(2027, 3, 10, 9, tzinfo=ZoneInfo("Europe/Brussels"))):
        yield


@dataclass
class Cast:
    world: World
    task: SchoolTask
    carla: StaffMember  # responsible, with the staff login
    ann: StaffMember  # backup
    dirk: StaffMember  # director of school A
    year: SchoolYear


def assign(task: SchoolTask, member: StaffMember, kind: str = "responsible") -> None:
    Assignment.objects.create(
        school_task=task, school_year=SchoolYear.current(), kind=kind, staff_member=member
    )


def monthly(task: SchoolTask) -> None:
    services.set_schedule(
        school_task=task, rhythm=Rhythm.MONTHLY, anchor=DUE, lead_days=3, today=date(2027, 3, 1)
    )


@pytest.fixture
def cast(world: World, settings) -> Cast:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    task = world.tasks[0]
    carla, ann = world.staff[2], world.staff[0]
    assign(task, carla)
    assign(task, ann, "backup")
    monthly(task)
    dirk = appoint(StaffMemberFactory(first_name="Dirk", user=world.director), world.school)
    return Cast(world, task, carla, ann, dirk, SchoolYear.current())


def leave(member: StaffMember, school) -> None:  # type: ignore[no-untyped-def]
    end_appointment(member=member, school=school, school_year=SchoolYear.current())


def told(member: StaffMember) -> list[tuple[str, str]]:
    return sorted(Reminder.objects.filter(staff_member=member).values_list("kind", "title"))


def mails_to(member: StaffMember) -> list[str]:
    return [m.body for m in mail.outbox if m.to == [member.email]]


def feed(client: Client, member: StaffMember):  # type: ignore[no-untyped-def]
    token = services.settings_for(member).feed_token
    client.logout()
    return client.get(reverse("teams:feed", args=[token]))


def summaries(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


# --- The calendar address ---------------------------------------------------------------------


def test_the_calendar_address_of_someone_who_left_answers_404(client, cast):
    run_scan(on=date(2027, 3, 4))
    before = feed(client, cast.carla)
    assert before.status_code == 200 and summaries(before) == {"Taak A0"}
    leave(cast.carla, cast.world.school)
    after = feed(client, cast.carla)
    assert after.status_code == 404
    assert b"VEVENT" not in after.content and b"Taak A0" not in after.content


def test_someone_who_works_in_another_school_keeps_a_calendar_of_that_school_only(client, cast):
    world = cast.world
    appoint(cast.carla, world.other)
    assign(world.other_task, cast.carla)
    monthly(world.other_task)
    run_scan(on=date(2027, 3, 4))
    assert summaries(feed(client, cast.carla)) == {"Taak A0", "Taak B"}
    leave(cast.carla, world.school)
    response = feed(client, cast.carla)
    assert response.status_code == 200
    assert summaries(response) == {"Taak B"}


def test_guideline_steps_she_owned_leave_her_calendar(client, cast):
    world = cast.world
    appoint(cast.carla, world.other)  # she keeps a calendar, of school B
    step_key, cycle = _overdue_step(world, owner=cast.carla)
    before = feed(client, cast.carla)
    assert any(step_key in str(e.get("URL", "")) for e in _events(before))
    leave(cast.carla, world.school)
    after = feed(client, cast.carla)
    assert after.status_code == 200
    assert not any(f"/cycles/{cycle.pk}/" in str(e.get("URL", "")) for e in _events(after))


def _events(response):  # type: ignore[no-untyped-def]
    return Calendar.from_ical(response.content).walk("VEVENT")


def _overdue_step(world: World, owner: StaffMember | None):  # type: ignore[no-untyped-def]
    from guidelines.definitions import load_file
    from guidelines.services import plan_step, start_cycle
    from tests.guidelines.conftest import definition, dump

    version = load_file(dump(definition()), publish=True).version
    cycle = start_cycle(school=world.school, school_year=SchoolYear.current(), version=version)
    step_key = version.steps.order_by("number").first().key
    plan_step(cycle=cycle, step_key=step_key, owner=owner, target_date=date(2027, 3, 1))
    return step_key, cycle


# --- The daily scan and its digests -------------------------------------------------------------


def test_the_scan_tells_the_leaver_nothing_more_and_the_director_instead(cast):
    run_scan(on=date(2027, 3, 4))
    assert told(cast.carla) == [(Kind.DUE, "Taak A0")]
    assert len(mails_to(cast.carla)) == 1
    leave(cast.carla, cast.world.school)
    for day in range(5, 11):
        run_scan(on=date(2027, 3, day))
    assert told(cast.carla) == [(Kind.DUE, "Taak A0")]  # nothing after she left
    assert len(mails_to(cast.carla)) == 1
    assert told(cast.dirk) == [(Kind.DUE, "Taak A0"), (Kind.OVERDUE, "Taak A0")]
    first = mails_to(cast.dirk)[0]
    assert "Taak A0" in first and "/schools/occurrences/" in first
    assert "Niemand die ervoor verantwoordelijk is, werkt hier nog" in first


def test_a_digest_recorded_before_she_left_does_not_go_out(cast):
    scan.record_occurrences(on=date(2027, 3, 4))
    scan.record_reminders(on=date(2027, 3, 4))
    scan.gather_digests(on=date(2027, 3, 4))  # the job stopped here, before sending
    assert Digest.objects.filter(staff_member=cast.carla, sent_at__isnull=True).exists()
    leave(cast.carla, cast.world.school)
    run_scan(on=date(2027, 3, 4))
    assert mails_to(cast.carla) == []
    digest = Digest.objects.get(staff_member=cast.carla)
    assert digest.skipped and digest.sent_at is not None
    assert len(mails_to(cast.dirk)) == 1


def test_only_the_lines_of_the_school_she_left_drop_out_of_a_digest(cast):
    world = cast.world
    appoint(cast.carla, world.other)
    assign(world.other_task, cast.carla)
    monthly(world.other_task)
    scan.record_occurrences(on=date(2027, 3, 4))
    scan.record_reminders(on=date(2027, 3, 4))
    leave(cast.carla, world.school)
    run_scan(on=date(2027, 3, 4))
    (body,) = mails_to(cast.carla)
    assert "Taak B" in body and "Taak A0" not in body


def test_a_responsible_who_still_works_there_is_told_and_the_director_is_not(cast):
    bert = cast.world.staff[1]
    assign(cast.task, bert)
    leave(cast.carla, cast.world.school)
    run_scan(on=date(2027, 3, 4))
    assert told(bert) == [(Kind.DUE, "Taak A0")]
    assert told(cast.dirk) == [] and told(cast.carla) == []
    assert "Niemand die ervoor" not in mails_to(bert)[0]


def test_a_late_task_whose_backup_left_is_told_to_the_director(cast):
    SchoolReminderPolicy.objects.create(school=cast.world.school, backup_after_days=1)
    leave(cast.ann, cast.world.school)
    run_scan(on=date(2027, 3, 4))
    run_scan(on=TODAY)  # three days late
    assert told(cast.ann) == []
    assert told(cast.carla) == [(Kind.DUE, "Taak A0"), (Kind.OVERDUE, "Taak A0")]
    assert told(cast.dirk) == [(Kind.BACKUP, "Taak A0")]
    assert Reminder.objects.get(staff_member=cast.dirk).data == {"stand_in": "backup"}
    assert "De back-up werkt hier niet meer: Taak A0" in mails_to(cast.dirk)[0]


def test_a_group_task_nobody_in_the_group_does_goes_to_the_directors_of_its_schools(cast):
    world = cast.world
    assert world.group_task is not None
    olga = appoint(StaffMemberFactory(first_name="Olga", user=world.outsider), world.other)
    stranger = appoint(StaffMemberFactory(first_name="Stan", user=world.stranger),
                       Membership.objects.get(user=world.stranger).school)  # fmt: skip
    assign(world.group_task, cast.carla)
    monthly(world.group_task)
    leave(cast.carla, world.school)
    run_scan(on=date(2027, 3, 4))
    assert told(cast.carla) == []
    assert (Kind.DUE, "Groepstaak") in told(cast.dirk)
    assert told(olga) == [(Kind.DUE, "Groepstaak")]
    assert told(stranger) == []


def test_a_group_task_stays_with_someone_who_still_works_in_the_group(cast):
    world = cast.world
    assert world.group_task is not None
    appoint(cast.carla, world.other)
    assign(world.group_task, cast.carla)
    monthly(world.group_task)
    leave(cast.carla, world.school)
    run_scan(on=date(2027, 3, 4))
    assert (Kind.DUE, "Groepstaak") in told(cast.carla)
    assert (Kind.DUE, "Groepstaak") not in told(cast.dirk)


def test_a_director_who_left_is_not_the_stand_in(cast):
    dora = UserFactory(username="directeur2.a")
    Membership.objects.create(user=dora, kind="director", school=cast.world.school)
    second = appoint(StaffMemberFactory(first_name="Dora", user=dora), cast.world.school)
    Appointment.objects.filter(staff_member=cast.dirk).update(is_active=False)  # as in the admin
    leave(cast.carla, cast.world.school)
    run_scan(on=date(2027, 3, 4))
    assert told(cast.dirk) == []
    assert told(second) == [(Kind.DUE, "Taak A0")]


def test_a_guideline_step_of_someone_who_left_goes_to_the_coordinators(cast):
    world = cast.world
    cor = appoint(StaffMemberFactory(first_name="Cor", user=world.coordinator), world.school)
    _overdue_step(world, owner=cast.carla)
    leave(cast.carla, world.school)
    run_scan(on=TODAY)
    assert Reminder.objects.filter(staff_member=cast.carla, kind=Kind.STEP).count() == 0
    assert Reminder.objects.filter(staff_member=cor, kind=Kind.STEP).count() == 1


def test_an_appointment_ended_in_the_admin_also_stops_the_weekly_summary(cast):
    """The weekly summary follows the coordinator's appointment, not only their rights."""
    world = cast.world
    cor = appoint(StaffMemberFactory(first_name="Cor", user=world.coordinator), world.school)
    Appointment.objects.filter(staff_member=cor).update(is_active=False)  # rights left as they are
    for day in range(4, 16):  # Monday 15 March brings the summary
        run_scan(on=date(2027, 3, day))
    assert not Reminder.objects.filter(kind=Kind.SUMMARY, staff_member=cor).exists()
    assert told(cast.carla)  # the scan did run


def test_a_scan_that_hands_leavers_reminders_on_costs_the_same_for_20_or_40(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import OwnTaskFactory

    def due_tasks(count: int, anchor: date) -> None:
        for index in range(count):
            task = OwnTaskFactory(school=cast.world.school, title=f"T{anchor}{index}")
            assign(task, cast.carla)
            services.set_schedule(school_task=task, rhythm=Rhythm.ONCE, anchor=anchor,
                                  lead_days=0, today=date(2027, 3, 1))  # fmt: skip

    services.clear_schedule(school_task=cast.task)
    leave(cast.carla, cast.world.school)
    due_tasks(20, date(2027, 3, 20))
    with CaptureQueriesContext(connection) as twenty:
        run_scan(on=date(2027, 3, 20))
    Occurrence.objects.update(done_at=timezone.now())  # all done: nothing overdue later
    due_tasks(40, date(2027, 3, 21))
    with CaptureQueriesContext(connection) as forty:
        run_scan(on=date(2027, 3, 21))
    assert Reminder.objects.filter(staff_member=cast.dirk, kind=Kind.DUE).count() == 60
    assert len(forty) == len(twenty)


# --- Pages: the occurrence, the bell, "my tasks", the reminder list ---------------------------


def test_the_leaver_can_neither_open_nor_mark_an_occurrence(client, cast):
    SchoolReminderPolicy.objects.create(school=cast.world.school, backup_after_days=1)
    run_scan(on=date(2027, 3, 4))
    run_scan(on=TODAY)
    occurrence = Occurrence.objects.get(school_task=cast.task)
    colleagues = Reminder.objects.filter(staff_member=cast.ann, read_at__isnull=True)
    assert colleagues.count() == 1
    url = reverse("teams:occurrence", args=[occurrence.pk])
    client.force_login(cast.world.staff_user)
    assert client.get(url).status_code == 200  # before she left
    leave(cast.carla, cast.world.school)
    client.force_login(cast.world.staff_user)  # she logs in again
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "Gedaan"}).status_code == 404
    occurrence.refresh_from_db()
    assert (occurrence.done_at, occurrence.done_by, occurrence.note) == (None, None, "")
    assert colleagues.count() == 1  # her colleague's reminder is still unread


def test_the_bell_my_tasks_and_the_reminder_list_forget_the_school_she_left(client, cast):
    run_scan(on=date(2027, 3, 4))
    run_scan(on=TODAY)
    occurrence = Occurrence.objects.get(school_task=cast.task)
    client.force_login(cast.world.staff_user)
    page = client.get(reverse("teams:my_tasks"))
    assert "Herinneringen, 2 ongelezen" in page.content.decode()
    assert page.context["overdue"] == [occurrence]
    assert len(client.get(reverse("teams:reminders")).context["page"]) == 2

    leave(cast.carla, cast.world.school)
    client.force_login(cast.world.staff_user)
    page = client.get(reverse("teams:my_tasks"))
    text = page.content.decode()
    assert "ongelezen" not in text and "Taak A0" not in text
    assert page.context["overdue"] == [] and page.context["summaries"] == []
    listing = client.get(reverse("teams:reminders"))
    assert list(listing.context["page"]) == []
    assert "Taak A0" not in listing.content.decode()
    reminder = Reminder.objects.filter(staff_member=cast.carla).first()
    assert reminder is not None
    assert client.post(reverse("teams:reminder_open", args=[reminder.pk])).status_code == 404


def test_someone_who_works_in_another_school_keeps_that_schools_things(client, cast):
    world = cast.world
    appoint(cast.carla, world.other)
    Membership.objects.create(user=world.staff_user, kind="staff", school=world.other)
    assign(world.other_task, cast.carla)
    monthly(world.other_task)
    run_scan(on=date(2027, 3, 4))
    mine_a = Occurrence.objects.get(school_task=cast.task)
    mine_b = Occurrence.objects.get(school_task=world.other_task)
    leave(cast.carla, world.school)

    client.force_login(world.staff_user)
    page = client.get(reverse("teams:my_tasks"))
    assert "Herinneringen, 1 ongelezen" in page.content.decode()
    assert [s.school for s in page.context["summaries"]] == [world.other]
    assert page.context["overdue"] == [mine_b]
    listing = client.get(reverse("teams:reminders"))
    assert [r.title for r in listing.context["page"]] == ["Taak B"]
    assert client.get(reverse("teams:occurrence", args=[mine_a.pk])).status_code == 404
    url = reverse("teams:occurrence", args=[mine_b.pk])
    assert client.post(url, {"note": "Gedaan"}).status_code == 302
    mine_b.refresh_from_db()
    assert mine_b.done_by == cast.carla

    run_scan(on=TODAY)
    assert (Kind.OVERDUE, "Taak A0") not in told(cast.carla)
    assert (Kind.OVERDUE, "Taak A0") in told(cast.dirk)
