"""The director's board and the pages around it."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tasks.models import TaskGroup
from teams.assignments import task_list
from teams.assignments.distribution import task_row
from teams.models import Assignment, Budget, SchoolTask, SchoolYear
from teams.staff import services as staff_services

from .factories import OwnTaskFactory, StaffMemberFactory, appoint

pytestmark = pytest.mark.django_db
R, B = Assignment.Kind.RESPONSIBLE, Assignment.Kind.BACKUP


def assign(w, task, member, kind=R, **extra):
    return Assignment.objects.create(
        school_task=task, school_year=w.year, kind=kind, staff_member=member, **extra
    )


def board(client, w, **params):
    return client.get(reverse("teams:board", args=[w.school.pk]), params)


def edit_state(w, member):
    """The state token the staff edit page carries for a person, as a browser would post it."""
    return staff_services.staff_state(member=member, school=w.school, school_year=w.year)


def shown(response):
    return [row.task.display_title for s in response.context["sections"] for row in s.rows]


def calculations(captured) -> int:
    """How often a request calculated the school: each calculation reads the appointments
    with their budgets once (``teams.workload.loading``)."""
    return sum(
        1
        for q in captured.captured_queries
        if 'FROM "teams_appointment"' in q["sql"] and '"teams_budget"' in q["sql"]
    )


def board_tasks_read(captured) -> int:
    """How often a request read the board's tasks with their year's assignments and people
    (``distribution.board_tasks``): its prefetch is the only query that selects the
    assignments with their staff members."""
    return sum(
        1
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "teams_assignment"."id"')
        and 'JOIN "teams_staffmember"' in q["sql"]
    )


class TestBoard:
    def test_groups_tasks_with_responsibles_and_backups(self, client, world):
        assign(world, world.tasks[0], world.staff[0])
        assign(world, world.tasks[0], world.staff[1], B)
        client.force_login(world.director)
        response = board(client, world)
        assert shown(response) == ["Groepstaak", "Taak A0", "Taak A1", "Taak A2"]
        page = response.content.decode()
        assert "Ann A" in page and "Bert A" in page

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"unassigned": "1"}, ["Groepstaak", "Taak A2"]),
            ({"without_backup": "1"}, ["Groepstaak", "Taak A1", "Taak A2"]),
            ({"person": "ann"}, ["Taak A0"]),
            ({"person": "bert"}, ["Taak A0", "Taak A1"]),
        ],
    )
    def test_filters(self, client, world, params, expected):
        assign(world, world.tasks[0], world.staff[0])
        assign(world, world.tasks[0], world.staff[1], B)
        assign(world, world.tasks[1], world.staff[1])
        ids = {"ann": world.staff[0].pk, "bert": world.staff[1].pk}
        if "person" in params:
            params = {"person": ids[params["person"]]}
        client.force_login(world.coordinator)
        assert shown(board(client, world, **params)) == expected

    def test_filter_by_group(self, client, world):
        OwnTaskFactory(
            school=world.school,
            title="Mediawijsheid",
            group=TaskGroup.objects.get(kind="pedagogical"),
        )
        client.force_login(world.director)
        group = TaskGroup.objects.get(kind="pedagogical").pk
        assert shown(board(client, world, group=group)) == ["Mediawijsheid"]

    def test_hidden_tasks_are_off_the_board(self, client, world):
        SchoolTask.objects.filter(pk=world.tasks[2].pk).update(is_hidden=True)
        client.force_login(world.director)
        assert "Taak A2" not in shown(board(client, world))

    def test_people_over_budget_are_flagged(self, client, world):
        Budget.objects.create(
            staff_member=world.staff[0],
            school=world.school,
            school_year=world.year,
            hours_per_year=Decimal(12),
        )
        for task in world.tasks:
            assign(world, task, world.staff[0])  # 30 hours against 12
        client.force_login(world.director)
        response = board(client, world)
        load = next(x for x in response.context["board"].loads if x.member == world.staff[0])
        assert (load.figures.carried_hours, load.figures.percent) == (30, 250)
        assert "250% · " in response.content.decode()

    def test_query_count_is_the_same_for_small_and_large_schools(self, client, world):
        def queries() -> int:
            client.force_login(world.director)
            with CaptureQueriesContext(connection) as captured:
                assert board(client, world).status_code == 200
            return len(captured)

        def grow(tasks: int, staff: int) -> None:
            members = [appoint(StaffMemberFactory(), world.school) for _ in range(staff)]
            new = SchoolTask.objects.bulk_create(
                SchoolTask(
                    school=world.school,
                    title=f"T{i}",
                    group_id=world.tasks[0].group_id,
                    local_hours=5,
                )
                for i in range(tasks)
            )
            Assignment.objects.bulk_create(
                Assignment(
                    school_task=task,
                    school_year=world.year,
                    kind=R,
                    staff_member=members[i % staff],
                )
                for i, task in enumerate(new)
            )
            Budget.objects.bulk_create(
                Budget(
                    staff_member=m, school=world.school, school_year=world.year, hours_per_year=50
                )
                for m in members
            )

        grow(10, 5)
        small = queries()
        grow(490, 95)
        assert SchoolTask.objects.filter(school=world.school).count() > 500
        assert queries() == small


class TestAssigningInTheBrowserWay:
    def post_add(self, client, w, task, headers=None, **fields):
        if "state" not in fields:
            fields["state"] = task_row(task, w.school, w.year).state
        data = {f"t{task.pk}-{k}": v for k, v in fields.items()}
        return client.post(
            reverse("teams:assignment_add", args=[w.school.pk, task.pk]),
            {**data, "year": w.year.start_year},
            **(self.headers if headers is None else headers),
        )

    headers: dict[str, str] = {}

    def test_plain_form_post_redirects_to_the_task(self, client, world):
        client.force_login(world.director)
        task = world.tasks[0]
        response = self.post_add(
            client,
            world,
            task,
            staff_member=world.staff[0].pk,
            kind=R,
            state=task_row(task, world.school, world.year).state,
        )
        assert response.status_code == 302
        assert response["Location"].startswith(
            reverse("teams:task", args=[world.school.pk, task.pk])
        )
        assert Assignment.objects.get().staff_member == world.staff[0]

    def test_htmx_post_returns_the_task_block_and_refreshes_the_panel(self, client, world):
        client.force_login(world.director)
        task = world.tasks[0]
        response = client.post(
            reverse("teams:assignment_add", args=[world.school.pk, task.pk]),
            {
                f"t{task.pk}-staff_member": world.staff[0].pk,
                f"t{task.pk}-kind": R,
                f"t{task.pk}-state": task_row(task, world.school, world.year).state,
                "year": world.year.start_year,
            },
            HTTP_HX_REQUEST="true",
        )
        body = response.content.decode()
        assert body.strip().startswith(f'<tbody id="task-{task.pk}"')
        assert "Ann A" in body and "Opgeslagen." in body
        assert response["HX-Trigger"] == "assignmentsChanged"
        panel = client.get(
            reverse("teams:board", args=[world.school.pk]), {"panel": "1"}, HTTP_HX_REQUEST="true"
        )
        assert panel.content.decode().strip().startswith('<div id="load-panel"')

    def test_a_change_redraws_the_panel_from_the_one_calculation_of_its_row(self, client, world):
        client.force_login(world.director)
        task = world.tasks[0]  # 10 h
        state = task_row(task, world.school, world.year).state
        Budget.objects.create(
            staff_member=world.staff[0], school=world.school, school_year=world.year,
            hours_per_year=40,
        )  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            response = self.post_add(
                client, world, task, {"HTTP_HX_REQUEST": "true"},
                staff_member=world.staff[0].pk, kind=R, state=state,
            )  # fmt: skip
        body = response.content.decode()
        panel = body[body.index('<div id="load-panel" hx-swap-oob="true">') :]
        assert "1 taak als verantwoordelijke · 10 / 40 u" in panel
        assert "25%" in panel
        assert calculations(captured) == 1  # the row and the panel share it
        # The board's panel takes it from there: it no longer asks for itself again.
        page = board(client, world).content.decode()
        assert '<div id="load-panel">' in page and "assignmentsChanged" not in page

    def test_the_panel_alone_calculates_without_building_the_board(self, client, world):
        client.force_login(world.director)
        assign(world, world.tasks[0], world.staff[0])
        url = reverse("teams:board", args=[world.school.pk])
        with CaptureQueriesContext(connection) as whole:
            board(client, world)
        with CaptureQueriesContext(connection) as alone:
            panel = client.get(url, {"panel": "1"}, HTTP_HX_REQUEST="true")
        assert calculations(whole) == calculations(alone) == 1
        assert board_tasks_read(whole) == 1  # the board reads its tasks with their assignments
        assert board_tasks_read(alone) == 0  # the panel does not
        assert "1 taak als verantwoordelijke · 10 / – u" in panel.content.decode()

    def test_htmx_open_and_close_a_task(self, client, world):
        client.force_login(world.director)
        url = reverse("teams:task", args=[world.school.pk, world.tasks[0].pk])
        opened = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        closed = client.get(url, {"closed": "1"}, HTTP_HX_REQUEST="true").content.decode()
        assert "task-editor" in opened and "task-editor" not in closed

    @pytest.mark.parametrize("who", ["director", "coordinator", "staff_user", "group_admin"])
    def test_the_task_editor_links_the_schedule_for_whoever_may_open_it(self, client, world, who):
        # Whoever opens a task on the board may open its schedule (those who manage the
        # task set it, the others read it), through the same two access checks.
        client.force_login(getattr(world, who))
        for task in (world.tasks[0], world.group_task):
            url = reverse("teams:task", args=[world.school.pk, task.pk])
            editor = client.get(url, HTTP_HX_REQUEST="true").content.decode()
            schedule = reverse("teams:schedule", args=[world.school.pk, task.pk])
            assert f'href="{schedule}"' in editor
            assert "Vervaldatums en herinneringen" in editor
            page = client.get(schedule)
            assert page.status_code == 200 and task.display_title in page.content.decode()
        # The task's own page shows the editor, and so the link, once.
        page = client.get(reverse("teams:task", args=[world.school.pk, world.tasks[0].pk]))
        assert page.content.decode().count("Vervaldatums en herinneringen") == 1

    def test_missing_person_is_a_form_error(self, client, world):
        client.force_login(world.director)
        response = self.post_add(client, world, world.tasks[0], kind=R)
        assert response.status_code == 200
        assert "Kies een personeelslid" in response.content.decode()
        assert not Assignment.objects.exists()

    def test_second_director_gets_a_conflict_and_nothing_is_lost(self, client, world):
        task = world.tasks[0]
        seen = task_row(task, world.school, world.year).state
        assign(world, task, world.staff[1])  # the coordinator was quicker
        client.force_login(world.director)
        response = self.post_add(
            client, world, task, staff_member=world.staff[0].pk, kind=R, state=seen
        )
        # Not the redirect a saved change gets: the task again, saying what happened.
        assert response.status_code == 409
        page = response.content.decode()
        assert "Iemand anders heeft" in page and "Bert A" in page
        assert list(Assignment.objects.values_list("staff_member", flat=True)) == [
            world.staff[1].pk
        ]
        # The choice is kept, based on the task as it is now: adding again saves it.
        form = response.context["add_form"]
        assert form["staff_member"].value() == str(world.staff[0].pk)
        assert form["state"].value() == task_row(task, world.school, world.year).state
        again = self.post_add(
            client, world, task, staff_member=world.staff[0].pk, kind=B, state=form["state"].value()
        )
        assert again.status_code == 302
        assert Assignment.objects.count() == 2

    def test_a_lost_add_does_not_tell_the_board_to_refresh(self, client, world):
        task = world.tasks[0]
        seen = task_row(task, world.school, world.year).state
        assign(world, task, world.staff[1])
        client.force_login(world.director)
        response = client.post(
            reverse("teams:assignment_add", args=[world.school.pk, task.pk]),
            {
                f"t{task.pk}-staff_member": world.staff[0].pk,
                f"t{task.pk}-kind": R,
                f"t{task.pk}-state": seen,
                "year": world.year.start_year,
            },
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert "HX-Trigger" not in response
        assert "Iemand anders heeft" in response.content.decode()

    @pytest.mark.parametrize("htmx", [False, True])
    def test_a_lost_remove_says_so_and_does_not_refresh_the_board(self, client, world, htmx):
        a = assign(world, world.tasks[0], world.staff[0])
        Assignment.objects.filter(pk=a.pk).update(version=2)  # changed by someone else
        client.force_login(world.director)
        response = client.post(
            reverse("teams:assignment_remove", args=[world.school.pk, a.pk]),
            {"version": "1", "confirm": "1"},
            **({"HTTP_HX_REQUEST": "true"} if htmx else {}),
        )
        assert response.status_code == (200 if htmx else 409)
        assert "HX-Trigger" not in response
        assert "Iemand anders heeft" in response.content.decode()
        assert Assignment.objects.filter(pk=a.pk).exists()

    def test_editing_a_stale_assignment_keeps_the_users_input(self, client, world):
        a = assign(world, world.tasks[0], world.staff[0])
        Assignment.objects.filter(pk=a.pk).update(version=2, hours=Decimal(7))
        client.force_login(world.director)
        response = client.post(
            reverse("teams:assignment_change", args=[world.school.pk, a.pk]),
            {
                f"a{a.pk}-staff_member": world.staff[2].pk,
                f"a{a.pk}-kind": R,
                f"a{a.pk}-hours": "3",
                f"a{a.pk}-version": "1",
            },
        )
        page = response.content.decode()
        assert response.status_code == 409
        assert "Iemand anders heeft deze toewijzing intussen gewijzigd" in page
        assert 'value="3"' in page  # what the user typed is still there
        a.refresh_from_db()
        assert (a.staff_member, a.hours) == (world.staff[0], 7)

    def test_reassign_and_unassign(self, client, world):
        a = assign(world, world.tasks[0], world.staff[0])
        client.force_login(world.coordinator)
        client.post(
            reverse("teams:assignment_change", args=[world.school.pk, a.pk]),
            {
                f"a{a.pk}-staff_member": world.staff[1].pk,
                f"a{a.pk}-kind": B,
                f"a{a.pk}-hours": "2",
                f"a{a.pk}-version": "1",
            },
        )
        a.refresh_from_db()
        assert (a.staff_member, a.kind, a.hours, a.version) == (world.staff[1], B, 2, 2)
        client.post(
            reverse("teams:assignment_remove", args=[world.school.pk, a.pk]),
            {"version": "2", "confirm": "1"},
        )
        assert not Assignment.objects.exists()


class TestMassAssignment:
    def test_a_person_from_another_school_is_not_a_choice(self, client, world):
        client.force_login(world.director)
        task = world.tasks[0]
        url = reverse("teams:assignment_add", args=[world.school.pk, task.pk])

        def add(member):
            return client.post(
                url,
                {
                    f"t{task.pk}-staff_member": member.pk,
                    f"t{task.pk}-kind": R,
                    f"t{task.pk}-state": task_row(task, world.school, world.year).state,
                },
            )

        response = add(world.other_staff)
        assert response.status_code == 200
        form = response.context["add_form"]
        assert [e.code for e in form.errors.as_data()["staff_member"]] == ["invalid_choice"]
        assert world.other_staff not in form.fields["staff_member"].queryset
        assert world.other_staff.full_name not in response.content.decode()
        assert not Assignment.objects.exists()
        # The same post with a colleague of this school is saved: the person was refused.
        response = add(world.staff[0])
        assert response.status_code == 302
        assert Assignment.objects.get().staff_member == world.staff[0]

    def test_an_assignment_of_another_school_is_404_through_this_school(self, client, world):
        other = Assignment.objects.create(
            school_task=world.other_task,
            school_year=world.year,
            kind=R,
            staff_member=world.other_staff,
        )
        client.force_login(world.director)
        change = client.post(
            reverse("teams:assignment_change", args=[world.school.pk, other.pk]),
            {f"a{other.pk}-partner": "x", f"a{other.pk}-kind": R, f"a{other.pk}-version": "1"},
        )
        remove = client.post(
            reverse("teams:assignment_remove", args=[world.school.pk, other.pk]),
            {"version": "1", "confirm": "1"},
        )
        assert (change.status_code, remove.status_code) == (404, 404)
        assert Assignment.objects.filter(pk=other.pk, partner="").exists()

    def test_a_task_of_another_school_through_this_school_is_404(self, client, world):
        client.force_login(world.director)
        task = world.other_task
        response = client.post(
            reverse("teams:assignment_add", args=[world.school.pk, task.pk]),
            {f"t{task.pk}-partner": "x", f"t{task.pk}-kind": R},
        )
        assert response.status_code == 404

    def test_bulk_assign_ignores_tasks_of_another_school(self, client, world):
        client.force_login(world.director)
        response = client.post(
            reverse("teams:bulk_assign", args=[world.school.pk]),
            {
                "tasks": [world.tasks[0].pk, world.other_task.pk],
                "staff_member": world.staff[0].pk,
                "kind": R,
                "year": world.year.start_year,
            },
            follow=True,
        )
        assert "Selecteer minstens één taak" in response.content.decode()
        assert not Assignment.objects.exists()

    def test_bulk_assign(self, client, world):
        client.force_login(world.director)
        response = client.post(
            reverse("teams:bulk_assign", args=[world.school.pk]),
            {
                "tasks": [t.pk for t in world.tasks],
                "staff_member": world.staff[0].pk,
                "kind": R,
                "year": world.year.start_year,
            },
            follow=True,
        )
        assert "3 taken gegeven aan Ann A" in response.content.decode()
        assert Assignment.objects.filter(staff_member=world.staff[0]).count() == 3

    def test_staff_of_another_school_cannot_be_edited_or_seen(self, client, world):
        client.force_login(world.director)
        for name in ("teams:staff_detail", "teams:staff_edit"):
            url = reverse(name, args=[world.school.pk, world.other_staff.pk])
            assert client.get(url).status_code == 404


class TestStaff:
    def test_add_with_budget_in_hours_per_week_and_roles(self, client, world):
        client.force_login(world.director)
        coach = world.school.pk and __import__("teams.models").models.Role.objects.get(
            key="media_coach"
        )
        response = client.post(
            reverse("teams:staff", args=[world.school.pk]),
            {
                "first_name": "Dirk",
                "last_name": "Dewit",
                "email": "dirk@example.org",
                "post": "teacher",
                "budget": "2",
                "budget_unit": "week",
                "roles": [coach.pk],
                "year": world.year.start_year,
            },
            follow=True,
        )
        assert "Dirk Dewit is toegevoegd." in response.content.decode()
        budget = Budget.objects.get(staff_member__last_name="Dewit")
        assert budget.hours_per_year == 74
        assert budget.school == world.school

    @pytest.mark.parametrize(
        ("amount", "unit", "hours"), [("0.5", "fte", 703), ("120", "year", 120), ("3", "week", 111)]
    )
    def test_budget_units(self, client, world, amount, unit, hours):
        client.force_login(world.coordinator)
        member = world.staff[0]
        client.post(
            reverse("teams:staff_edit", args=[world.school.pk, member.pk]),
            {
                "first_name": member.first_name,
                "last_name": member.last_name,
                "email": "",
                "post": "teacher",
                "budget": amount,
                "budget_unit": unit,
                "year": world.year.start_year,
                "state": edit_state(world, member),
            },
        )
        assert Budget.objects.get(staff_member=member).hours_per_year == hours

    def test_impossible_budget_is_refused(self, client, world):
        client.force_login(world.coordinator)
        member = world.staff[0]
        response = client.post(
            reverse("teams:staff_edit", args=[world.school.pk, member.pk]),
            {
                "first_name": "A",
                "last_name": "B",
                "post": "teacher",
                "budget": "2",
                "budget_unit": "fte",
                "state": edit_state(world, member),
            },
        )
        assert response.status_code == 200
        assert "budget" in response.context["form"].errors
        assert not Budget.objects.exists()

    def test_staff_page_shows_tasks_and_hours(self, client, world):
        Budget.objects.create(
            staff_member=world.staff[0],
            school=world.school,
            school_year=world.year,
            hours_per_year=40,
        )
        assign(world, world.tasks[0], world.staff[0])
        assign(world, world.tasks[1], world.staff[0], B)
        client.force_login(world.staff_user)
        detail = client.get(
            reverse("teams:staff_detail", args=[world.school.pk, world.staff[0].pk])
        ).content.decode()
        tasks_url = reverse("teams:member_tasks", args=[world.school.pk, world.staff[0].pk])
        # The person's page loads the tasks from the assignments' address, a link without htmx.
        assert f'hx-get="{tasks_url}?year={world.year.start_year}"' in detail
        assert f'href="{tasks_url}?year={world.year.start_year}"' in detail
        fragment = client.get(tasks_url, headers={"HX-Request": "true"})
        assert "<html" not in fragment.content.decode()
        assert "Taak A0" in fragment.content.decode()
        response = client.get(tasks_url)
        page = response.content.decode()
        assert "<html" in page and "De taken van Ann A" in page
        summary = response.context["summary"]
        assert (summary.carried_hours, summary.backup_hours, summary.percent) == (10, 0, 25)

    def test_a_person_of_another_school_has_no_tasks_page_here(self, client, world):
        assert world.other_staff is not None
        client.force_login(world.director)
        missing = reverse("teams:member_tasks", args=[world.school.pk, 999999])
        elsewhere = reverse("teams:member_tasks", args=[world.school.pk, world.other_staff.pk])
        assert client.get(missing).status_code == client.get(elsewhere).status_code == 404

    def test_my_tasks(self, client, world):
        assign(world, world.tasks[2], world.staff[2])  # Carla has the staff login
        client.force_login(world.staff_user)
        page = client.get(reverse("teams:my_tasks")).content.decode()
        assert "Taak A2" in page and "School A" in page and "Taak A0" not in page

    def test_my_tasks_link_each_task_and_name_who_shares_it(self, client, world):
        task = world.tasks[2]
        SchoolTask.objects.filter(pk=task.pk).update(description="Licenties verlengen in juni.")
        assign(world, task, world.staff[2], B)  # Carla backs up Ann
        assign(world, task, world.staff[0])
        client.force_login(world.staff_user)
        page = client.get(reverse("teams:my_tasks")).content.decode()
        link = reverse("teams:task", args=[world.school.pk, task.pk])
        assert f'href="{link}?year={world.year.start_year}"' in page
        assert "Licenties verlengen in juni." in page
        assert "Ann A (verantwoordelijke)" in page

    def test_the_staff_page_highlights_overload_as_the_dashboard_does(self, client, world):
        Budget.objects.create(
            staff_member=world.staff[0], school=world.school, school_year=world.year,
            hours_per_year=Decimal(5),
        )  # fmt: skip
        assign(world, world.tasks[0], world.staff[0])  # 10 hours against 5
        client.force_login(world.director)
        response = client.get(
            reverse("teams:member_tasks", args=[world.school.pk, world.staff[0].pk])
        )
        page = response.content.decode()
        assert response.context["summary"].state == "over"
        assert "200%" in page and "border-danger" in page and "overbelast" in page
        assert "geen back-up" in page


class TestTaskList:
    def test_hide_and_restore(self, client, world):
        client.force_login(world.director)
        url = reverse("teams:task_hide", args=[world.school.pk, world.tasks[0].pk])
        client.post(url, {"hidden": "1"})
        assert SchoolTask.objects.get(pk=world.tasks[0].pk).is_hidden
        client.post(url, {"hidden": "0"})
        assert not SchoolTask.objects.get(pk=world.tasks[0].pk).is_hidden

    def test_a_hidden_task_says_it_does_not_apply_and_can_be_restored(self, client, world):
        task_list.set_hidden(task=world.tasks[0], hidden=True)
        client.force_login(world.director)
        page = client.get(reverse("teams:task_list", args=[world.school.pk])).content.decode()
        hidden = page.split(f'id="list-{world.tasks[0].pk}"')[1].split("</tr>")[0]
        shown = page.split(f'id="list-{world.tasks[1].pk}"')[1].split("</tr>")[0]
        assert "task-not-applicable" in hidden and "text-muted" not in hidden
        assert "niet van toepassing</span>" in hidden and "Terugzetten" in hidden
        # Marking a task not applicable is an action like any other, not a greyed-out one.
        assert 'btn-outline-primary">Niet van toepassing<span class="visually-hidden">' in shown
        assert "btn-outline-secondary" not in shown

    def test_add_own_task(self, client, world):
        client.force_login(world.coordinator)
        group = TaskGroup.objects.get(kind="policy")
        client.post(
            reverse("teams:task_list", args=[world.school.pk]),
            {"title": "Robotica-club", "group": group.pk, "hours": "15", "frequency": "weekly"},
        )
        task = SchoolTask.objects.get(title="Robotica-club")
        assert (task.school, task.task_group, task.hours) == (world.school, group, 15)

    def test_group_admin_adds_a_group_task(self, client, world):
        client.force_login(world.group_admin)
        group = TaskGroup.objects.get(kind="technical")
        page = client.get(reverse("teams:school_group", args=[world.group.pk])).content.decode()
        tasks_url = reverse("teams:school_group_tasks", args=[world.group.pk])
        assert f'href="{tasks_url}"' in page
        response = client.post(
            tasks_url, {"title": "Raamcontract printers", "group": group.pk, "frequency": "yearly"}
        )
        assert response.status_code == 302
        assert SchoolTask.objects.get(title="Raamcontract printers").school_group == world.group
        assert "Raamcontract printers" in client.get(tasks_url).content.decode()

    def test_a_group_task_without_title_is_refused_and_nothing_added(self, client, world):
        client.force_login(world.group_admin)
        before = SchoolTask.objects.count()
        url = reverse("teams:school_group_tasks", args=[world.group.pk])
        response = client.post(url, {"title": "", "group": "", "frequency": "yearly"})
        assert response.status_code == 400
        assert "Dit veld is verplicht" in response.content.decode()
        assert SchoolTask.objects.count() == before

    def test_a_director_has_no_group_task_list(self, client, world):
        client.force_login(world.director)
        url = reverse("teams:school_group_tasks", args=[world.group.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"title": "X", "frequency": "yearly"}).status_code == 404


def test_export_is_safe_to_open(client, world):
    assign(world, world.tasks[0], world.staff[0], note='=HYPERLINK("http://x")')
    assign(world, world.tasks[0], world.staff[1], B)
    client.force_login(world.staff_user)
    response = client.get(reverse("teams:export", args=[world.school.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Code", "Groep", "Taak", "Verantwoordelijke", "Back-up", "Uren per jaar")
    row = next(r for r in rows if r[2] == "Taak A0")
    assert (row[3], row[4], row[5]) == ("Ann A", "Bert A", 10)
    note = next(c for c in sheet.iter_rows() for c in c if c.value and str(c.value).startswith("="))
    assert note.data_type == "s" and note.quotePrefix


def test_history_shows_who_changed_what(client, world):
    client.force_login(world.director)
    task = world.tasks[0]
    client.post(
        reverse("teams:assignment_add", args=[world.school.pk, task.pk]),
        {
            f"t{task.pk}-staff_member": world.staff[0].pk,
            f"t{task.pk}-kind": R,
            f"t{task.pk}-state": task_row(task, world.school, world.year).state,
            "year": world.year.start_year,
        },
    )
    a = Assignment.objects.get()
    client.post(
        reverse("teams:assignment_change", args=[world.school.pk, a.pk]),
        {f"a{a.pk}-staff_member": world.staff[1].pk, f"a{a.pk}-kind": R, f"a{a.pk}-version": "1"},
    )
    response = client.get(reverse("teams:history", args=[world.school.pk]))
    entries = [e for e in response.context["page"].object_list if e.subject == "Toewijzing"]
    assert [e.action for e in entries] == ["~", "+"]
    assert entries[0].who == world.director.get_full_name()
    assert ("persoon", "Ann A", "Bert A") in entries[0].changes


def test_history_query_count_is_fixed(client, world):
    client.force_login(world.director)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("teams:history", args=[world.school.pk]))
        return len(captured)

    assign(world, world.tasks[0], world.staff[0])
    small = queries()
    for task in world.tasks[1:]:
        for member in world.staff:
            a = assign(world, task, member)
            a.hours = 3
            a.save()
    assert queries() == small


def test_board_panel_agrees_with_the_workload_figures(client, world):
    """A group task of 20 h, a person with budgets of 10 h and 30 h in two schools of the
    group: 5 h and 50 % here on every page, before and after the figures are stored."""
    from teams.workload.figures import recalculate

    bram = appoint(
        appoint(StaffMemberFactory(first_name="Bram", last_name="J"), world.school), world.other
    )
    Budget.objects.create(
        staff_member=bram, school=world.school, school_year=world.year, hours_per_year=10
    )
    Budget.objects.create(
        staff_member=bram, school=world.other, school_year=world.year, hours_per_year=30
    )
    SchoolTask.objects.filter(pk=world.group_task.pk).update(local_hours=20)
    assign(world, world.group_task, bram)
    client.force_login(world.director)

    def shown() -> tuple[object, ...]:
        load = next(x for x in board(client, world).context["board"].loads if x.member == bram)
        summary = client.get(
            reverse("teams:member_tasks", args=[world.school.pk, bram.pk])
        ).context["summary"]
        return (load.figures.carried_hours, load.figures.budget_hours, load.figures.percent,
                summary.carried_hours, summary.percent)  # fmt: skip

    assert shown() == (5, 10, 50, 5, 50)
    recalculate([world.school.pk, world.other.pk], world.year)
    assert shown() == (5, 10, 50, 5, 50)
    people = client.get(reverse("teams:workload", args=[world.school.pk])).context["data"].people
    assert [(p.figures.carried_hours, p.figures.percent) for p in people if p.member == bram] == [
        (5, 50)
    ]


def test_an_add_without_the_page_state_is_a_conflict(client, world):
    client.force_login(world.director)
    task = world.tasks[0]
    client.post(
        reverse("teams:assignment_add", args=[world.school.pk, task.pk]),
        {f"t{task.pk}-staff_member": world.staff[0].pk, f"t{task.pk}-kind": R},
    )
    assert not Assignment.objects.exists()


def test_removing_twice_reloads_the_board(client, world):
    a = assign(world, world.tasks[0], world.staff[0])
    client.force_login(world.director)
    url = reverse("teams:assignment_remove", args=[world.school.pk, a.pk])
    client.post(url, {"version": "1", "confirm": "1"})
    again = client.post(url, {"version": "1", "confirm": "1"}, HTTP_HX_REQUEST="true")
    # The same answer as for an id that never existed or is another school's.
    assert (again.status_code, again["HX-Refresh"]) == (404, "true")


def test_a_person_of_two_schools_keeps_their_name_unless_you_manage_both(client, world):
    shared = appoint(world.other_staff, world.school)
    client.force_login(world.director)
    url = reverse("teams:staff_edit", args=[world.school.pk, shared.pk])
    response = client.post(
        url,
        {
            "first_name": "Gewijzigd",
            "last_name": "X",
            "email": "",
            "post": "teacher",
            "budget_unit": "year",
            "state": edit_state(world, shared),
        },
    )
    assert response.status_code == 302
    shared.refresh_from_db()
    assert (shared.first_name, shared.last_name) == ("Omer", "B")
    # Managing every school of a person does allow it (Ann works only in school A).
    client.post(
        reverse("teams:staff_edit", args=[world.school.pk, world.staff[0].pk]),
        {
            "first_name": "Anna",
            "last_name": "A",
            "email": world.staff[0].email,
            "post": "teacher",
            "budget_unit": "year",
            "state": edit_state(world, world.staff[0]),
        },
    )
    world.staff[0].refresh_from_db()
    assert world.staff[0].first_name == "Anna"


def test_board_and_dashboard_count_the_same_tasks_and_say_so(client, world):
    from teams.workload.figures import recalculate

    recalculate([world.school.pk], world.year)
    client.force_login(world.director)
    page = board(client, world, unassigned="1")
    titles = [r.task.display_title for s in page.context["sections"] for r in s.rows]
    data = client.get(reverse("teams:workload", args=[world.school.pk])).context["data"]
    assert "Groepstaak" in titles
    assert page.context["board"].unassigned_count == len(titles) == data.current.unassigned_count
    assert data.current.group_level_unassigned_count == 1
    text = "De aantallen tellen de taken van de scholengroep mee die deze school deelt"
    assert text in page.content.decode()


class TestPlanningTheNextYear:
    PAGES = ["board", "staff", "workload", "roles", "export", "task"]

    @pytest.mark.parametrize("page", PAGES)
    def test_asking_a_page_for_a_year_not_on_record_writes_nothing(self, client, world, page):
        client.force_login(world.director)
        args = [world.school.pk] + ([world.tasks[0].pk] if page == "task" else [])
        next_start = world.year.start_year + 1
        response = client.get(reverse(f"teams:{page}", args=args), {"year": next_start})
        assert response.status_code == 200
        assert not SchoolYear.objects.filter(start_year=next_start).exists()

    def test_a_manager_opens_the_next_year_with_a_post(self, client, world):
        client.force_login(world.director)
        page = board(client, world)
        next_start = world.year.start_year + 1
        assert page.context["next_start"] == next_start
        url = reverse("teams:plan_next_year", args=[world.school.pk])
        assert f'action="{url}"' in page.content.decode()
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"].endswith(f"?year={next_start}")
        planned = SchoolYear.objects.get(start_year=next_start)
        assert board(client, world, year=next_start).context["year"] == planned
        assert board(client, world).context["next_start"] is None

    def test_only_managers_open_a_year(self, client, world):
        url = reverse("teams:plan_next_year", args=[world.school.pk])
        for user, status in ((world.staff_user, 403), (world.outsider, 404)):
            client.force_login(user)
            assert client.post(url).status_code == status
        client.force_login(world.director)
        assert client.get(url).status_code == 405
        assert board(client, world).context["next_start"] is not None
