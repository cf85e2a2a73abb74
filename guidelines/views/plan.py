"""A school's step plan: the cycle's checklist, ticking, owners and dates, the self-check."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams.access import staff_of, visible_schools
from teams.models import SchoolYear, by_name

from .. import access, services
from ..connections import workload_facts
from ..forms import ItemForm, SelfCheckForm, SharingForm, StartCycleForm, StepPlanForm
from ..models import Cycle, Progress, SelfCheck
from ..progress import plan_state
from ..selfcheck import compare, questions_for


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _cycle_url(cycle: Cycle) -> str:
    return reverse("guidelines:cycle", args=[cycle.school_id, cycle.pk])


def mine(request: HttpRequest) -> HttpResponse:
    """The step plan of the account's school, or the list of its schools to choose from."""
    schools = list(visible_schools(request.user)[:2])
    if len(schools) == 1:
        return redirect("guidelines:plan", schools[0].pk)
    if not schools and access.follows_pilots(request.user):
        return redirect("guidelines:pilots")
    return redirect("teams:schools")


def plan(request: HttpRequest, school_id: int) -> HttpResponse:
    """The school's cycle of the chosen school year, or a way to start one."""
    school = access.get_plan_school(request.user, school_id)
    year = SchoolYear.from_param(request.GET.get("year"))
    cycles = services.cycles_of(school)
    current = next((c for c in cycles if c.school_year_id == year.pk), None)
    if current is not None:
        return redirect(_cycle_url(current))
    form = StartCycleForm(initial={"year": year.start_year})
    context = {"school": school, "year": year, "cycles": cycles, "form": form}
    context["can_edit"] = access.can_edit(request.user, school)
    context["published"] = services.latest_version() is not None
    return render(request, "guidelines/start.html", context)


@require_POST
def start(request: HttpRequest, school_id: int) -> HttpResponse:
    school = access.get_plan_school(request.user, school_id, edit=True)
    form = StartCycleForm(request.POST)
    if form.is_valid():
        year = _school_year(form.cleaned_data["year"])
        try:
            cycle = services.start_cycle(
                school=school, school_year=year, version=form.cleaned_data["version"],
                by=_user(request),
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The cycle was started."))
            return redirect(_cycle_url(cycle))
    else:
        messages.error(request, _("Choose a guideline and a school year."))
    return redirect(reverse("guidelines:plan", args=[school.pk]))


def _school_year(start_year: int) -> SchoolYear:
    """The school year the form offered: one on record, or the next one, which starting a
    cycle in it plans (:meth:`SchoolYear.plan_next`)."""
    year = SchoolYear.objects.filter(start_year=start_year).first()
    return year if year is not None else SchoolYear.plan_next()


def _page_context(request: HttpRequest, cycle: Cycle, *, whole: bool = True) -> dict[str, Any]:
    """What the plan page shows; ``whole=False`` is what redrawing one item needs."""
    school = cycle.school
    state = services.state_of(services.structure_of(cycle.version), cycle)
    context = {
        "school": school,
        "cycle": cycle,
        "year": cycle.school_year,
        "state": state,
        "can_edit": access.can_edit(request.user, school),
        "states": Progress.State.choices,
    }
    if not whole:
        return context
    connected = any(s.step.connection for s in state.steps)
    staff = staff_of(school).order_by(*by_name())
    return context | {
        "cycles": services.cycles_of(school),
        "changes": services.changes_for(cycle),
        "facts": workload_facts(school, cycle.school_year) if connected else None,
        "staff": list(staff) if context["can_edit"] else [],
        "today": timezone.localdate(),
        "sharing_form": SharingForm(initial={"shares_notes": cycle.shares_notes}),
        "checks": {c.moment: c for c in cycle.self_checks.all()},
    }


def cycle(request: HttpRequest, school_id: int, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle(request.user, school_id, cycle_id)
    return render(request, "guidelines/plan.html", _page_context(request, cycle))


def _item_response(
    request: HttpRequest, cycle: Cycle, item_key: str, error: str | None, details: bool
) -> HttpResponse:
    """The item again, with its step's, phase's and the plan's progress (out of band)."""
    context = _page_context(request, cycle, whole=False)
    context.update(item_error=error, details_open=details)
    for phase in context["state"].phases:
        for step in phase.steps:
            for item in step.items:
                if item.item.key == item_key:
                    context.update(phase_state=phase, step_state=step, item_state=item)
    return render(request, "guidelines/_item_update.html", context)


@require_POST
def item(request: HttpRequest, school_id: int, cycle_id: int, item_key: str) -> HttpResponse:
    """Change an item's state, reason, note and link."""
    cycle = access.get_cycle(request.user, school_id, cycle_id, edit=True)
    form = ItemForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.record_item(
                cycle=cycle, item_key=item_key, by=_user(request), **form.cleaned_data
            )
        except ValidationError as problem:
            error = problem.messages[0]
    else:
        error = str(next(iter(form.errors.values()))[0])
    return _after_item(request, cycle, item_key, error, details=True)


@require_POST
def tick(request: HttpRequest, school_id: int, cycle_id: int, item_key: str) -> HttpResponse:
    """Mark an item done, or open it again; its note and link stay."""
    cycle = access.get_cycle(request.user, school_id, cycle_id, edit=True)
    state = Progress.State.DONE if request.POST.get("done") == "1" else Progress.State.OPEN
    error = None
    try:
        services.record_item(cycle=cycle, item_key=item_key, by=_user(request), state=state)
    except ValidationError as problem:
        error = problem.messages[0]
    return _after_item(request, cycle, item_key, error, details=False)


def _after_item(
    request: HttpRequest, cycle: Cycle, item_key: str, error: str | None, *, details: bool
) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]  # added by HtmxMiddleware
        return _item_response(request, cycle, item_key, error, details)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect(f"{_cycle_url(cycle)}#item-{item_key}")


@require_POST
def step(request: HttpRequest, school_id: int, cycle_id: int, step_key: str) -> HttpResponse:
    """Give a step an owner and a target date."""
    cycle = access.get_cycle(request.user, school_id, cycle_id, edit=True)
    form = StepPlanForm(request.POST, staff=staff_of(cycle.school))
    if form.is_valid():
        try:
            services.plan_step(cycle=cycle, step_key=step_key, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The owner and target date were saved."))
    else:
        messages.error(request, str(next(iter(form.errors.values()))[0]))
    return redirect(f"{_cycle_url(cycle)}#step-{step_key}")


@require_POST
def changes_seen(request: HttpRequest, school_id: int, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle(request.user, school_id, cycle_id, edit=True)
    services.dismiss_changes(cycle=cycle)
    return redirect(_cycle_url(cycle))


@require_POST
def sharing(request: HttpRequest, school_id: int, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle(request.user, school_id, cycle_id, edit=True)
    form = SharingForm(request.POST)
    form.is_valid()
    services.set_sharing(cycle=cycle, shares_notes=form.cleaned_data.get("shares_notes", False))
    messages.success(request, _("Your choice about sharing was saved."))
    return redirect(_cycle_url(cycle))


def self_check(request: HttpRequest, school_id: int, cycle_id: int, moment: str) -> HttpResponse:
    """Fill in the self-check at the start or the end of the cycle; both side by side."""
    if moment not in SelfCheck.Moment.values:
        raise Http404
    cycle = access.get_cycle(request.user, school_id, cycle_id)
    checks = {c.moment: c for c in cycle.self_checks.all()}
    existing = checks.get(moment)
    questions = questions_for(cycle.school)
    initial = existing.answers if existing else None
    form = SelfCheckForm(request.POST or None, initial=initial, questions=questions)
    if request.method == "POST":
        cycle = access.get_cycle(request.user, school_id, cycle_id, edit=True)
        if form.is_valid():
            services.save_self_check(
                cycle=cycle, moment=moment, answers=form.cleaned_data, by=_user(request)
            )
            messages.success(request, _("The self-check was saved."))
            return redirect(_cycle_url(cycle) + "#self-check")
    start, end = checks.get(SelfCheck.Moment.START), checks.get(SelfCheck.Moment.END)
    return render(request, "guidelines/self_check.html", {
        "school": cycle.school, "cycle": cycle, "year": cycle.school_year, "form": form,
        "moment": SelfCheck.Moment(moment), "can_edit": access.can_edit(request.user, cycle.school),
        "rows": compare(
            start.answers if start else None, end.answers if end else None, questions
        ),
    })  # fmt: skip


def history(request: HttpRequest, school_id: int) -> HttpResponse:
    """The school's cycles side by side, step by step (matched by key)."""
    school = access.get_plan_school(request.user, school_id)
    cycles = services.cycles_of(school)
    structures = services.load_structures({c.version for c in cycles})
    states = []
    progress: dict[int, list[Progress]] = {}
    for row in Progress.objects.filter(cycle__in=cycles):
        progress.setdefault(row.cycle_id, []).append(row)
    for c in cycles:
        s = structures[c.version_id]
        states.append(
            (
                c,
                plan_state(
                    phases=s.phases, steps=s.steps, items=s.items, progress=progress.get(c.pk, [])
                ),
            )
        )
    keys = list(dict.fromkeys(st.step.key for _c, state in states for st in state.steps))
    rows = []
    for key in keys:
        cells = [state.step(key) for _c, state in states]
        first = next(c for c in cells if c is not None)
        rows.append((f"{first.step.number}. {first.step.title}", cells))
    return render(request, "guidelines/history.html", {
        "school": school, "year": SchoolYear.current(), "states": states, "rows": rows,
    })  # fmt: skip
