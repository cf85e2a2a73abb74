"""Generated schools and groups: every page shows the calculator's numbers and ranks people
in the calculator's order, stored figures equal a fresh calculation, and a school group's
hours are conserved."""

from __future__ import annotations

import io
import json
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from openpyxl import load_workbook

from tasks.models import Task, TaskGroup
from teams.models import (
    Appointment,
    Assignment,
    Budget,
    Membership,
    School,
    SchoolGroup,
    SchoolTask,
    SchoolYear,
    StaffMember,
)
from teams.workload.calculator import STATES, over_schools
from teams.workload.figures import calculate_school, recalculate, stale_schools

HOURS = st.one_of(st.none(), st.decimals(min_value=0, max_value=120, places=1))
KINDS = ["technical", "pedagogical", "policy", "administrative"]
# A school's hours factor: none, by hand, or from its size.
FACTORS = st.sampled_from([(None, "", None), (Decimal("0.5"), "", None),
                           (None, "pupils", 1000), (None, "devices", 75)])  # fmt: skip


@st.composite
def groups(draw: st.DrawFn) -> dict:
    """A school group: schools, people (some in two schools), tasks and assignments."""
    school_count = draw(st.integers(1, 3))
    people = []
    for index in range(draw(st.integers(1, 6))):
        home = draw(st.integers(0, school_count - 1))
        schools = {home}
        if school_count > 1 and draw(st.booleans()):
            schools.add(draw(st.integers(0, school_count - 1)))
        people.append({"index": index, "schools": sorted(schools),
                       "budgets": {s: draw(HOURS) for s in schools}})  # fmt: skip
    tasks = []
    for _ in range(draw(st.integers(1, 8))):
        owner = draw(st.one_of(st.just(None), st.integers(0, school_count - 1)))  # None: group
        pool = [p["index"] for p in people if owner is None or owner in p["schools"]]
        chosen = draw(st.lists(st.sampled_from(pool), unique=True, max_size=3)) if pool else []
        assignments = [
            {"person": p, "kind": draw(st.sampled_from(["responsible", "backup"])),
             "hours": draw(st.one_of(st.none(), st.decimals(0, 50, places=1)))}
            for p in chosen
        ]  # fmt: skip
        if draw(st.booleans()):
            assignments.append({"person": None, "kind": "responsible", "hours": draw(HOURS)})
        tasks.append({"owner": owner, "hours": draw(HOURS), "kind": draw(st.sampled_from(KINDS)),
                      "hidden": draw(st.booleans()) and draw(st.booleans()),
                      # From the catalogue (with these hours there), or the school's own.
                      "catalogue": draw(st.one_of(st.none(), HOURS)),
                      "assignments": assignments})  # fmt: skip
    return {"schools": school_count, "people": people, "tasks": tasks,
            "limits": draw(st.sampled_from([(80, 100), (50, 120), (100, 100)])),
            "factors": [draw(FACTORS) for _ in range(school_count)]}  # fmt: skip


class GeneratedWorkload(TestCase):
    def build(self, spec: dict) -> tuple[SchoolGroup, list[School], SchoolYear]:
        TaskGroup.objects.ensure_standard()
        SchoolYear.ensure_current()
        year = SchoolYear.current()
        group = SchoolGroup.objects.create(name="Gegenereerde groep")
        busy, over = spec["limits"]
        schools = [
            School.objects.create(name=f"School {i}", school_group=group, busy_from_percent=busy,
                                  overloaded_above_percent=over, hours_factor_by_hand=by_hand,
                                  size_measure=measure, size=size)
            for i, (by_hand, measure, size) in enumerate(spec["factors"])
        ]  # fmt: skip
        people = []
        for person in spec["people"]:
            member = StaffMember.objects.create(first_name="P", last_name=str(person["index"]))
            for s in person["schools"]:
                Appointment.objects.create(staff_member=member, school=schools[s])
                hours = person["budgets"][s]
                if hours is not None:
                    Budget.objects.create(
                        staff_member=member, school=schools[s], school_year=year,
                        hours_per_year=hours,
                    )  # fmt: skip
            people.append(member)
        groups_by_kind = {g.kind: g for g in TaskGroup.objects.exclude(kind="")}
        for n, task in enumerate(spec["tasks"]):
            owner = {"school_group": group} if task["owner"] is None else {
                "school": schools[task["owner"]]}  # fmt: skip
            if task["catalogue"] is None:
                own = {"title": f"Taak {n}", "group": groups_by_kind[task["kind"]]}
            else:
                own = {"catalogue_task": Task.objects.create(
                    code=f"G{n}", title=f"Taak {n}", group=groups_by_kind[task["kind"]],
                    hours_per_year=task["catalogue"])}  # fmt: skip
            school_task = SchoolTask.objects.create(
                **owner, **own, local_hours=task["hours"], is_hidden=task["hidden"],
            )  # fmt: skip
            for a in task["assignments"]:
                member = people[a["person"]] if a["person"] is not None else None
                Assignment.objects.create(
                    school_task=school_task, school_year=year, kind=a["kind"],
                    staff_member=member, partner="" if member else "Partner", hours=a["hours"],
                )  # fmt: skip
        return group, schools, year

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(groups())
    # Always: someone with a task of no hours and no budget, someone with neither a task nor
    # a budget, people in two schools, one of them overloaded in one school only.
    @example({
        "schools": 2, "limits": (80, 100), "factors": [(None, "", None), (None, "", None)],
        "people": [
            {"index": 0, "schools": [0], "budgets": {0: None}},
            {"index": 1, "schools": [0], "budgets": {0: None}},
            {"index": 2, "schools": [0, 1], "budgets": {0: Decimal(10), 1: Decimal(100)}},
            {"index": 3, "schools": [0, 1], "budgets": {0: Decimal(40), 1: None}},
            {"index": 4, "schools": [1], "budgets": {1: Decimal(20)}},
        ],
        "tasks": [
            {"owner": 0, "hours": None, "kind": "technical", "hidden": False, "catalogue": None,
             "assignments": [{"person": 0, "kind": "responsible", "hours": None}]},
            {"owner": 0, "hours": Decimal(30), "kind": "policy", "hidden": False,
             "catalogue": None, "assignments": [{"person": 2, "kind": "responsible",
                                                 "hours": None},
                                                {"person": 3, "kind": "backup", "hours": None}]},
            {"owner": None, "hours": Decimal(20), "kind": "pedagogical", "hidden": False,
             "catalogue": None, "assignments": [{"person": 3, "kind": "responsible",
                                                 "hours": None}]},
            {"owner": 1, "hours": Decimal(10), "kind": "technical", "hidden": False,
             "catalogue": Decimal(8), "assignments": [{"person": 4, "kind": "responsible",
                                                       "hours": None}]},
        ],
    })  # fmt: skip
    def test_pages_exports_and_stored_figures_agree_with_the_calculator(self, spec: dict) -> None:
        group, schools, year = self.build(spec)
        recalculate([s.pk for s in schools], year)
        assert stale_schools(year) == []
        director = User.objects.create(username="d", is_superuser=False)
        for school in schools:
            Membership.objects.create(user=director, kind="director", school=school)
        self.client.force_login(director)
        per_school = {}
        for school in schools:
            result = calculate_school(school, year)
            board = self.check_board(school, result)
            self.check_ranking(board)
            expected = {pk: shown for pk, shown in board}
            # The dashboard keeps the people with a task or a budget here, in the board's order.
            involved = [(pk, shown) for pk, shown in board if result.people[pk].is_involved]
            assert self.dashboard(school) == involved
            assert self.staff_list(school) == board
            self.check_staff_pages(school, year, expected)
            self.check_command(school, board)
            per_school[school.pk] = result
        self.check_group_page(group, schools, per_school)
        self.check_conservation(group, schools, year)

    @staticmethod
    def shown(member_pk: int, figures) -> tuple:  # type: ignore[no-untyped-def]
        return (member_pk, (figures.carried_hours, figures.budget_hours, figures.percent,
                            figures.state))  # fmt: skip

    def check_board(self, school, result) -> list:  # type: ignore[no-untyped-def]
        """The board's panel in its order, each person with the calculator's figures."""
        board = self.client.get(reverse("teams:board", args=[school.pk])).context["board"]
        shown = [self.shown(load.member.pk, load.figures) for load in board.loads]
        assert sorted(pk for pk, _ in shown) == sorted(result.people)  # everyone, once
        assert {pk: figures for pk, figures in shown} == {
            p.staff_id: (p.carried_hours, p.budget_hours, p.percent, p.state)
            for p in result.people.values()
        }
        assert board.unassigned_count == result.risks.unassigned
        export = self.client.get(reverse("teams:export", args=[school.pk]))
        sheet = load_workbook(io.BytesIO(export.content)).active
        written = {
            row[2]: (row[5], row[6])
            for row in sheet.iter_rows(min_row=2, values_only=True)
            if row[2]
        }
        for row in board.rows:
            hours, value = written[row.task.display_title]
            wanted = None if row.is_unassigned else row.figures.assigned_hours
            assert (None if value is None else Decimal(str(value))) == wanted
            # The task's hours (scaled to the school, or its own) are the calculator's too.
            assert row.figures.hours == row.task.hours == result.tasks[row.task.pk].hours
            assert (None if hours is None else Decimal(str(hours))) == row.figures.hours
        return shown

    @staticmethod
    def check_ranking(shown: list) -> None:  # type: ignore[type-arg]
        """Most loaded first: by state, then hours against budget (hours without any first),
        then hours; people with neither hours nor a budget last."""

        def weight(figures: tuple) -> tuple:  # type: ignore[type-arg]
            carried, budget, _percent, state = figures
            share = carried / budget if budget else Decimal("Infinity") if carried else 0
            return (STATES.index(state), -share, -carried)

        weights = [weight(figures) for _pk, figures in shown]
        assert weights == sorted(weights)
        states = [figures[3] for _pk, figures in shown]
        if "unknown" in states:
            assert set(states[states.index("unknown") :]) == {"unknown"}

    def dashboard(self, school) -> list:  # type: ignore[no-untyped-def]
        data = self.client.get(reverse("teams:workload", args=[school.pk])).context["data"]
        return [self.shown(p.member.pk, p.figures) for p in data.people]

    def staff_list(self, school) -> list:  # type: ignore[no-untyped-def]
        loads = self.client.get(reverse("teams:staff", args=[school.pk])).context["loads"]
        return [self.shown(load.member.pk, load.figures) for load in loads]

    def check_group_page(self, group, schools, per_school) -> None:  # type: ignore[no-untyped-def]
        """Each school's needed and carried hours per group, and the people of several schools
        with their totals (as the calculator adds them up), in the calculator's order."""
        admin = User.objects.create(username=f"g{group.pk}")
        Membership.objects.create(user=admin, kind="group_admin", school_group=group)
        self.client.force_login(admin)
        data = self.client.get(reverse("teams:school_group", args=[group.pk])).context["data"]
        for column in data.schools:
            result = per_school[column.school.pk]
            assert column.current.group_split() == result.needed_by_group
            carried = {kind: sum((p.by_group[kind] for p in result.people.values()), Decimal(0))
                       for kind in result.needed_by_group}  # fmt: skip
            assert column.carried_by_group == carried
        parts: dict[int, list] = {}  # type: ignore[type-arg]
        for school in schools:
            for person in per_school[school.pk].people.values():
                if person.is_involved:
                    parts.setdefault(person.staff_id, []).append(person)
        totals = [(pk, over_schools(p)) for pk, p in parts.items() if len(p) > 1]
        shown = [self.shown(p.member.pk, p.figures) for p in data.multi_school_people]
        assert sorted(pk for pk, _ in shown) == sorted(pk for pk, _ in totals)
        for pk, total in totals:
            assert dict(shown)[pk] == (
                sum((p.carried_hours for p in parts[pk]), Decimal(0)),
                sum((p.budget_hours for p in parts[pk] if p.budget_hours), Decimal(0)) or None,
                total.percent,
                min((p.state for p in parts[pk]), key=STATES.index),
            )
        self.check_ranking(shown)

    def check_staff_pages(self, school, year, expected) -> None:  # type: ignore[no-untyped-def]
        for staff_id, (carried, _budget, percent, _state) in expected.items():
            summary = self.client.get(
                reverse("teams:member_tasks", args=[school.pk, staff_id])
            ).context["summary"]
            assert (summary.carried_hours, summary.percent) == (carried, percent)

    def check_command(self, school, board) -> None:  # type: ignore[no-untyped-def]
        out = io.StringIO()
        call_command("recalculate_workload", "--school", str(school.pk), "--json", stdout=out)
        people = json.loads(out.getvalue())["people"]
        assert [(p["staff_id"], Decimal(str(p["carried_hours"])), p["percent"], p["state"])
                for p in people] == [
            (pk, v[0], v[2], v[3]) for pk, v in board]  # fmt: skip

    def check_conservation(self, group, schools, year) -> None:  # type: ignore[no-untyped-def]
        """Carried hours over every person of every school add up to what the group's and its
        schools' staff assignments carry (each assignment counted once, before rounding)."""
        carried = sum(
            (p.carried_hours for s in schools for p in calculate_school(s, year).people.values()),
            Decimal(0),
        )
        expected = Decimal(0)
        for task in SchoolTask.objects.filter(is_hidden=False).filter(
            school_group=group
        ) | SchoolTask.objects.filter(is_hidden=False, school__in=schools):
            responsibles = list(task.assignments.filter(kind="responsible"))
            for a in responsibles:
                if a.staff_member_id is None:
                    continue
                if a.hours is not None:
                    expected += a.hours
                elif task.hours is not None:
                    expected += task.hours / len(responsibles)
        people_rows = sum(len(calculate_school(s, year).people) for s in schools)
        assert abs(carried - expected) <= Decimal("0.005") * people_rows + Decimal("0.0001")
