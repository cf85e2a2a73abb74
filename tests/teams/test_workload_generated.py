"""Generated schools and groups: every page shows the calculator's numbers, stored figures
equal a fresh calculation, and a school group's hours are conserved."""

from __future__ import annotations

import io
import json
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
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
    def test_pages_exports_and_stored_figures_agree_with_the_calculator(self, spec: dict) -> None:
        group, schools, year = self.build(spec)
        recalculate([s.pk for s in schools], year)
        assert stale_schools(year) == []
        director = User.objects.create(username="d", is_superuser=False)
        for school in schools:
            Membership.objects.create(user=director, kind="director", school=school)
        self.client.force_login(director)
        for school in schools:
            result = calculate_school(school, year)
            expected = {
                p.staff_id: (p.carried_hours, p.budget_hours, p.percent, p.state)
                for p in result.people.values()
            }
            self.check_board(school, year, expected, result)
            self.check_dashboard(school, expected)
            self.check_staff_pages(school, year, expected)
            self.check_command(school, expected)
        self.check_conservation(group, schools, year)

    def check_board(self, school, year, expected, result) -> None:  # type: ignore[no-untyped-def]
        board = self.client.get(reverse("teams:board", args=[school.pk])).context["board"]
        shown = {
            load.member.pk: (load.figures.carried_hours, load.figures.budget_hours,
                             load.figures.percent, load.figures.state)
            for load in board.loads
        }  # fmt: skip
        assert shown == expected
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

    def check_dashboard(self, school, expected) -> None:  # type: ignore[no-untyped-def]
        data = self.client.get(reverse("teams:workload", args=[school.pk])).context["data"]
        shown = {
            p.member.pk: (p.figures.carried_hours, p.figures.budget_hours, p.figures.percent,
                          p.figures.state)
            for p in data.people
        }  # fmt: skip
        involved = {k: v for k, v in expected.items() if v[0] or v[1]}
        assert {k: v for k, v in shown.items() if v[0] or v[1]} == involved

    def check_staff_pages(self, school, year, expected) -> None:  # type: ignore[no-untyped-def]
        for staff_id, (carried, _budget, percent, _state) in expected.items():
            summary = self.client.get(
                reverse("teams:staff_detail", args=[school.pk, staff_id])
            ).context["summary"]
            assert (summary.carried_hours, summary.percent) == (carried, percent)

    def check_command(self, school, expected) -> None:  # type: ignore[no-untyped-def]
        out = io.StringIO()
        call_command("recalculate_workload", "--school", str(school.pk), "--json", stdout=out)
        people = json.loads(out.getvalue())["people"]
        assert {p["staff_id"]: (Decimal(str(p["carried_hours"])), p["percent"], p["state"])
                for p in people} == {
            k: (v[0], v[2], v[3]) for k, v in expected.items()}  # fmt: skip

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
