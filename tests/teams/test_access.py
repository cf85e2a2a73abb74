"""Every school-scoped view against its role matrix, the outsider first."""

import pytest
from django.urls import reverse

from teams.assignments.distribution import task_row
from teams.models import Assignment

pytestmark = pytest.mark.django_db

CAST = ["director", "coordinator", "staff_user", "group_admin", "outsider", "stranger"]


def urls(w):
    s, t, m = w.school.pk, w.tasks[0].pk, w.staff[0].pk
    return {
        "board": reverse("teams:board", args=[s]),
        "task": reverse("teams:task", args=[s, t]),
        "staff": reverse("teams:staff", args=[s]),
        "staff_detail": reverse("teams:staff_detail", args=[s, m]),
        "member_tasks": reverse("teams:member_tasks", args=[s, m]),
        "staff_edit": reverse("teams:staff_edit", args=[s, m]),
        "roles": reverse("teams:roles", args=[s]),
        "task_list": reverse("teams:task_list", args=[s]),
        "task_edit": reverse("teams:task_edit", args=[s, t]),
        "history": reverse("teams:history", args=[s]),
        "export": reverse("teams:export", args=[s]),
        "group": reverse("teams:school_group", args=[w.group.pk]),
        "group_tasks": reverse("teams:school_group_tasks", args=[w.group.pk]),
        "workload": reverse("teams:workload", args=[s]),
    }


# Expected status of GET per page, for each member of the cast.
READ = {
    "board":        [200, 200, 200, 200, 404, 404],
    "task":         [200, 200, 200, 200, 404, 404],
    "staff":        [200, 200, 200, 200, 404, 404],
    "staff_detail": [200, 200, 200, 200, 404, 404],
    "member_tasks": [200, 200, 200, 200, 404, 404],
    "staff_edit":   [200, 200, 403, 403, 404, 404],
    "roles":        [200, 200, 200, 200, 404, 404],
    "task_list":    [200, 200, 200, 200, 404, 404],
    "task_edit":    [200, 200, 403, 403, 404, 404],
    "history":      [200, 200, 200, 200, 404, 404],
    "export":       [200, 200, 200, 200, 404, 404],
    "group":        [404, 404, 404, 200, 404, 404],
    "group_tasks":  [404, 404, 404, 200, 404, 404],
    "workload":     [200, 200, 403, 200, 404, 404],
}  # fmt: skip


@pytest.mark.parametrize("view", READ)
@pytest.mark.parametrize("who", range(len(CAST)))
def test_reading(client, world, view, who):
    client.force_login(getattr(world, CAST[who]))
    assert client.get(urls(world)[view]).status_code == READ[view][who]


def post_assign(client, w, task, staff):
    return client.post(
        reverse("teams:assignment_add", args=[w.school.pk, task.pk]),
        {
            f"t{task.pk}-staff_member": staff.pk,
            f"t{task.pk}-kind": "responsible",
            f"t{task.pk}-state": task_row(task, w.school, w.year).state,
            "year": w.year.start_year,
        },
    )


# Expected status of assigning a school task and a group task (302 = saved).
WRITE = {
    "school task": [302, 302, 403, 403, 404, 404],
    "group task":  [403, 403, 403, 302, 404, 404],
}  # fmt: skip


@pytest.mark.parametrize("which", WRITE)
@pytest.mark.parametrize("who", range(len(CAST)))
def test_assigning(client, world, which, who):
    client.force_login(getattr(world, CAST[who]))
    task = world.tasks[0] if which == "school task" else world.group_task
    response = post_assign(client, world, task, world.staff[0])
    assert response.status_code == WRITE[which][who]
    assert Assignment.objects.exists() == (WRITE[which][who] == 302)


@pytest.mark.parametrize("who", ["staff_user", "group_admin", "outsider", "stranger"])
def test_only_managers_change_the_team(client, world, who):
    client.force_login(getattr(world, who))
    s = world.school.pk
    posts = [
        (
            reverse("teams:staff", args=[s]),
            {"first_name": "X", "last_name": "Y", "post": "teacher", "budget_unit": "year"},
        ),
        (reverse("teams:roles", args=[s]), {"name": "Robotica"}),
        (
            reverse("teams:task_list", args=[s]),
            {"title": "Eigen", "group": 1, "frequency": "weekly"},
        ),
        (reverse("teams:task_hide", args=[s, world.tasks[0].pk]), {}),
        (
            reverse("teams:bulk_assign", args=[s]),
            {
                "tasks": [world.tasks[0].pk],
                "staff_member": world.staff[0].pk,
                "kind": "responsible",
            },
        ),
        (reverse("teams:copy_year", args=[s]), {}),
        (reverse("teams:staff_remove", args=[s, world.staff[0].pk]), {}),
    ]
    expected = 403 if who in ("staff_user", "group_admin") else 404
    for url, data in posts:
        assert client.post(url, data).status_code == expected, url
    world.tasks[0].refresh_from_db()
    assert not world.tasks[0].is_hidden
    assert not Assignment.objects.exists()


def test_lists_never_show_another_schools_rows(client, world):
    Assignment.objects.create(
        school_task=world.other_task,
        school_year=world.year,
        kind="responsible",
        staff_member=world.other_staff,
    )
    client.force_login(world.director)
    pages = [
        reverse("teams:board", args=[world.school.pk]),
        reverse("teams:staff", args=[world.school.pk]),
        reverse("teams:task_list", args=[world.school.pk]),
        reverse("teams:history", args=[world.school.pk]),
        reverse("teams:schools"),
    ]
    for url in pages:
        page = client.get(url, follow=True).content.decode()
        assert "Taak B" not in page and "Omer" not in page and "School B" not in page, url


def test_school_list_shows_only_own_schools(client, world):
    client.force_login(world.group_admin)
    page = client.get(reverse("teams:schools")).content.decode()
    assert "School A" in page and "School B" in page and "School C" not in page


def test_home_sends_each_account_to_its_work(client, world):
    for user, target in [
        (world.director, reverse("teams:schools")),
        (world.staff_user, reverse("teams:my_tasks")),
        (world.group_admin, reverse("teams:schools")),
    ]:
        client.force_login(user)
        assert client.get("/")["Location"] == target


@pytest.mark.parametrize("who", ["outsider", "stranger"])
def test_outsiders_cannot_change_assignments_tasks_staff_or_limits(client, world, who):
    a = Assignment.objects.create(
        school_task=world.tasks[0],
        school_year=world.year,
        kind="responsible",
        staff_member=world.staff[0],
    )
    client.force_login(getattr(world, who))
    s, p = world.school.pk, f"a{a.pk}"
    posts = [
        (
            reverse("teams:assignment_change", args=[s, a.pk]),
            {f"{p}-staff_member": world.staff[1].pk, f"{p}-kind": "backup", f"{p}-version": "1"},
        ),
        (reverse("teams:assignment_remove", args=[s, a.pk]), {"version": "1", "confirm": "1"}),
        (
            reverse("teams:staff_edit", args=[s, world.staff[0].pk]),
            {"first_name": "X", "last_name": "Y", "post": "teacher", "budget_unit": "year"},
        ),
        (reverse("teams:task_edit", args=[s, world.tasks[0].pk]), {"hours": "99"}),
        (reverse("teams:limits", args=[s]), {"busy_from": "1", "overloaded_above": "2"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    a.refresh_from_db()
    world.tasks[0].refresh_from_db()
    world.staff[0].refresh_from_db()
    world.school.refresh_from_db()
    assert (a.staff_member, a.kind) == (world.staff[0], "responsible")
    assert world.tasks[0].local_hours == 10
    assert world.staff[0].first_name == "Ann"
    assert world.school.overloaded_above_percent == 100


def test_access_is_decided_only_by_teams_access(world, settings):
    # A second, unused permission source would drift from teams.access unnoticed.
    from pathlib import Path

    import teams

    assert not (Path(teams.__file__).parent / "rules.py").exists()
    assert not any(app.startswith("rules") for app in settings.INSTALLED_APPS)
    assert not any(backend.startswith("rules.") for backend in settings.AUTHENTICATION_BACKENDS)
    assert not world.director.has_perm("teams.manage_school", world.school)


# --- Directing a school and rank ---------------------------------------------------------------

# Each account's rank in school A: staff < coordinator < director < school group
# administrator < platform administrator; the outsider and the stranger have none there.
RANKS = {
    "director": "DIRECTOR",
    "coordinator": "COORDINATOR",
    "staff_user": "STAFF",
    "group_admin": "GROUP_ADMIN",
    "outsider": "NONE",
    "stranger": "NONE",
}


@pytest.mark.parametrize("who", CAST)
def test_rank_and_directing_are_read_with_the_one_query(world, who, django_assert_num_queries):
    from django.contrib.auth.models import User

    from teams.access import Rank, access_for, can_direct_school

    user = User.objects.get(pk=getattr(world, who).pk)
    # The memberships, and for a group administrator the group's schools.
    with django_assert_num_queries(2 if who == "group_admin" else 1):
        rights = access_for(user)
    with django_assert_num_queries(0):
        assert rights.rank_in(world.school.pk) == Rank[RANKS[who]]
        directs = can_direct_school(user, world.school)
    assert directs == (who in ("director", "group_admin"))
    assert (world.school.pk in rights.director_school_ids) == (who == "director")
    assert (world.other.pk in rights.director_school_ids) == (who == "outsider")


def test_a_platform_administrator_outranks_everyone(world, admin_user):
    from teams.access import Rank, access_for

    assert access_for(admin_user).rank_in(world.school.pk) == Rank.PLATFORM_ADMIN
    world.staff_user.is_staff = True  # a staff user of the site, without superuser rights
    assert access_for(world.staff_user).rank_in(world.school.pk) == Rank.PLATFORM_ADMIN


# Whether each account (rows) may end the appointment of, or change the rights of, a person
# in school A whose account has the rights in the columns (and someone without an account).
TARGETS = ["director", "coordinator", "staff", "group_admin", "no account"]
MAY_ACT = {
    "director":    [True, True, True, False, True],
    "coordinator": [False, True, True, False, True],
    "staff_user":  [False, False, True, False, True],
    "group_admin": [True, True, True, True, True],
    "outsider":    [False, False, False, False, False],
}  # fmt: skip


@pytest.mark.parametrize("who", MAY_ACT)
@pytest.mark.parametrize("target", range(len(TARGETS)))
def test_nobody_acts_on_someone_with_more_rights(world, who, target):
    from teams.access import may_act_on, may_change_rights, may_end_appointment
    from teams.models import Membership

    from .conftest import member
    from .factories import StaffMemberFactory, appoint

    person = appoint(StaffMemberFactory(first_name="Doris", last_name="D"), world.school)
    kind = TARGETS[target]
    if kind != "no account":
        in_school = {"school": world.school} if kind != "group_admin" else {"group": world.group}
        person.user = member(kind, "doelwit", **in_school)
        person.save()
        if kind == "group_admin":
            Membership.objects.create(user=person.user, kind="staff", school=world.school)
    user = getattr(world, who)
    allowed = MAY_ACT[who][target]
    assert may_act_on(user, person, world.school) == allowed
    assert may_act_on(user, person, world.school, fresh=True) == allowed
    assert may_end_appointment(user, person, world.school) == (
        allowed and who in ("director", "coordinator")
    )
    assert may_change_rights(user, person, world.school) == (
        allowed and who in ("director", "group_admin")
    )
