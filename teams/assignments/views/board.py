"""The director's board: a school's tasks with who does them, and changing that."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ictteam.http import HtmxHttpRequest
from teams import access
from teams.assignments import assigning
from teams.assignments.distribution import (
    TaskRow,
    build_board,
    load_panel,
    task_row,
    write_distribution,
)
from teams.assignments.forms import AssignmentForm, BulkAssignForm
from teams.models import Assignment, Conflict, Occurrence, School, SchoolTask, SchoolYear
from teams.workload.calculator import SchoolCalculation
from teams.workload.figures import calculate_school


def _board_url(school: School, year: SchoolYear, anchor: str = "") -> str:
    url = f"{reverse('teams:board', args=[school.pk])}?year={year.start_year}"
    return f"{url}#{anchor}" if anchor else url


# Elements of a task's editor that a redraw may send focus back to.
_FOCUSABLE = re.compile(r"(remove|save)-\d{1,10}")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdecimal() else None


def board(request: HtmxHttpRequest, school_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id)
    year = SchoolYear.from_param(request.GET.get("year"))
    if request.htmx and request.GET.get("panel") == "1":
        # The panel alone: the school's figures and staff, not the board's tasks.
        loads = load_panel(school, calculate_school(school, year))
        context = {"school": school, "year": year, "loads": loads}
        return render(request, "teams/_load_panel.html", context)
    data = build_board(school, year)
    filters = {
        "unassigned": request.GET.get("unassigned") == "1",
        "without_backup": request.GET.get("without_backup") == "1",
        "staff_id": _int(request.GET.get("person")),
        "group_id": _int(request.GET.get("group")),
        "single": request.GET.get("single") == "1",
        "at_risk": request.GET.get("at_risk") == "1",
    }
    rows = data.filtered(
        unassigned=bool(filters["unassigned"]),
        without_backup=bool(filters["without_backup"]),
        staff_id=filters["staff_id"],
        group_id=filters["group_id"],
        single=bool(filters["single"]),
        at_risk=bool(filters["at_risk"]),
    )
    query = request.GET.get("q", "").strip()[:100]
    if query:
        rows = _matching(rows, query)
    can_manage = access.access_for(request.user).can_manage_school(school.pk)
    return render(
        request,
        "teams/board.html",
        {
            "school": school,
            "year": year,
            "board": data,
            "sections": data.sections(rows),
            "shown": len(rows),
            "filters": filters,
            "can_manage": can_manage,
            "years": SchoolYear.objects.all(),
            # The next school year can be planned from the current one, once it is made.
            "next_start": year.start_year + 1
            if can_manage and year == SchoolYear.current() and year.next() is None
            else None,
            "query": request.GET.urlencode(),
            "q": query,
            # A search by code or title lands on its first task's button.
            "jump_to": rows[0].task.pk if query and rows else None,
            "overdue": Occurrence.objects.overdue_in(school, timezone.localdate()),
            "bulk_form": BulkAssignForm(
                tasks=SchoolTask.objects.none(), staff=access.staff_of(school)
            ),
        },
    )


def _matching(rows: list[TaskRow], query: str) -> list[TaskRow]:
    """The rows whose code is the query, else those whose code or title contains it."""
    wanted = query.casefold()
    exact = [r for r in rows if (r.task.code or "").casefold() == wanted]
    if exact:
        return exact
    return [r for r in rows if wanted in f"{r.task.code or ''} {r.task.display_title}".casefold()]


def _editor_context(
    request: HttpRequest,
    school: School,
    task: SchoolTask,
    year: SchoolYear,
    add_form: AssignmentForm | None = None,
    change_forms: dict[int, AssignmentForm] | None = None,
    workload: SchoolCalculation | None = None,
) -> dict[str, object]:
    row = task_row(task, school, year, workload)
    staff = access.staff_for_task(task)
    change_forms = change_forms or {}
    editors = [
        (
            assignment,
            change_forms.get(assignment.pk)
            or AssignmentForm(
                staff=staff,
                task_hours=row.figures.hours,
                prefix=f"a{assignment.pk}",
                initial={
                    "staff_member": assignment.staff_member_id,
                    "partner": assignment.partner,
                    "kind": assignment.kind,
                    "hours": assignment.hours,
                    "note": assignment.note,
                    "version": assignment.version,
                },
            ),
        )
        for assignment in row.assignments
    ]
    kind = Assignment.Kind.RESPONSIBLE if row.is_unassigned else Assignment.Kind.BACKUP
    return {
        "school": school,
        "task": task,
        "year": year,
        "row": row,
        "editors": editors,
        "can_edit": access.access_for(request.user).can_manage_task(task),
        "can_manage": access.access_for(request.user).can_manage_school(school.pk),
        "add_form": add_form
        or AssignmentForm(
            staff=staff,
            task_hours=row.figures.hours,
            prefix=f"t{task.pk}",
            initial={"kind": kind, "state": row.state},
        ),
        "board_url": _board_url(school, year, f"task-{task.pk}"),
    }


def task_detail(request: HtmxHttpRequest, school_id: int, task_id: int) -> HttpResponse:
    """The task with its assignments; htmx asks for its block on the board, open or closed."""
    school = access.get_school(request.user, school_id)
    task = access.get_school_task(request.user, school, task_id)
    year = SchoolYear.from_param(request.GET.get("year"))
    context = _editor_context(request, school, task, year)
    if request.htmx:
        context["open"] = request.GET.get("closed") != "1"
        # Closing returns focus to the button that opened the editor; "Keep" after the
        # question about removing returns it to that assignment's remove button.
        focus = request.GET.get("focus", "")
        context["focus_id"] = (
            f"toggle-{task.pk}"
            if not context["open"]
            else focus
            if _FOCUSABLE.fullmatch(focus)
            else ""
        )
        return render(request, "teams/_task_block.html", context)
    return render(request, "teams/task.html", context)


def _after_change(
    request: HtmxHttpRequest,
    school: School,
    task: SchoolTask,
    year: SchoolYear,
    add_form: AssignmentForm | None = None,
    change_forms: dict[int, AssignmentForm] | None = None,
    conflict: bool = False,
    focus_id: str = "",
) -> HttpResponse:
    """Redraw the task's block on the board (htmx), or show the task page again.

    Only a saved change redraws the board's panel of hours per person (from the
    same calculation as the task's row) and, without htmx, redirects; a refused
    one (a form error or someone else's change) shows the task again with what
    happened, 409 for a conflict.
    """
    failed = conflict or add_form is not None or change_forms is not None
    if not failed and not request.htmx:
        url = reverse("teams:task", args=[school.pk, task.pk])
        return redirect(f"{url}?year={year.start_year}")
    workload = calculate_school(school, year)  # once, for the task's row and the panel
    context = _editor_context(request, school, task, year, add_form, change_forms, workload)
    if not request.htmx:
        return render(request, "teams/task.html", context, status=409 if conflict else 200)
    # After a saved change: the fresh add form, ready for the next person (or the
    # assignment just changed); after a refusal the field that needs work.
    if not failed and not focus_id:
        focus_id = f"id_t{task.pk}-staff_member" if context["can_edit"] else ""
    if not failed:
        context["panel_loads"] = load_panel(school, workload)
    context.update(open=True, inline_messages=True, focus_id=focus_id)
    response = render(request, "teams/_task_block.html", context)
    if not failed:
        response["HX-Trigger"] = "assignmentsChanged"
    return response


@require_POST
def assignment_add(request: HtmxHttpRequest, school_id: int, task_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id)
    task = access.get_school_task(request.user, school, task_id, manage=True)
    year = SchoolYear.from_param(request.POST.get("year"))
    form = AssignmentForm(
        request.POST, staff=access.staff_for_task(task), task_hours=task.hours, prefix=f"t{task.pk}"
    )
    if form.is_valid():
        try:
            assigning.add_assignment(
                task=task,
                school_year=year,
                data=form.to_input(),
                expected_state=form.cleaned_data["state"],
            )
        except Conflict as conflict:
            # The user's choice stays, now based on the task as it is: adding again saves it.
            data = request.POST.copy()
            data[f"t{task.pk}-state"] = task_row(task, school, year).state
            form = AssignmentForm(
                data, staff=access.staff_for_task(task), task_hours=task.hours, prefix=f"t{task.pk}"
            )
            form.is_valid()
            form.add_error(None, conflict.message)
            return _after_change(request, school, task, year, add_form=form, conflict=True)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return _after_change(request, school, task, year)
    return _after_change(request, school, task, year, add_form=form)


def _assignment(request: HttpRequest, school: School, assignment_id: int) -> Assignment:
    assignment = Assignment.objects.filter(pk=assignment_id).select_related("school_task").first()
    if assignment is None:
        raise Http404  # removed meanwhile, or never there
    access.get_school_task(request.user, school, assignment.school_task_id, manage=True)
    return assignment


def _resubmittable(
    request: HttpRequest, assignment: Assignment, task: SchoolTask, message: str
) -> AssignmentForm:
    """The user's input once more, now based on the current version, with the conflict shown.

    Nothing is lost: the message says what the other person saved, and saving
    this form again deliberately replaces it.
    """
    data = request.POST.copy()
    current = Assignment.objects.filter(pk=assignment.pk).values_list("version", flat=True).first()
    data[f"a{assignment.pk}-version"] = str(current or 0)
    form = AssignmentForm(
        data, staff=access.staff_for_task(task), task_hours=task.hours, prefix=f"a{assignment.pk}"
    )
    form.is_valid()
    form.add_error(None, message)
    return form


@require_POST
def assignment_change(request: HtmxHttpRequest, school_id: int, assignment_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id)
    assignment = _assignment(request, school, assignment_id)
    task = access.get_school_task(request.user, school, assignment.school_task_id)
    year = assignment.school_year
    form = AssignmentForm(
        request.POST,
        staff=access.staff_for_task(task),
        task_hours=task.hours,
        prefix=f"a{assignment.pk}",
    )
    if form.is_valid():
        try:
            assigning.change_assignment(
                assignment=assignment,
                data=form.to_input(),
                expected_version=form.cleaned_data["version"] or 0,
            )
        except Conflict as conflict:
            form = _resubmittable(request, assignment, task, conflict.message)
            return _after_change(
                request, school, task, year, change_forms={assignment.pk: form}, conflict=True
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return _after_change(request, school, task, year, focus_id=f"save-{assignment.pk}")
    return _after_change(request, school, task, year, change_forms={assignment.pk: form})


@require_POST
def assignment_remove(request: HtmxHttpRequest, school_id: int, assignment_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id)
    try:
        assignment = _assignment(request, school, assignment_id)
    except Http404:
        # Removed a moment ago (a double click, or someone else), never there, or not
        # this school's: one answer for all three. htmx reloads the board to show which.
        if not request.htmx:
            raise
        response = HttpResponseNotFound()
        response["HX-Refresh"] = "true"
        return response
    task = access.get_school_task(request.user, school, assignment.school_task_id)
    version = _int(request.POST.get("version")) or 0
    if request.POST.get("confirm") != "1":
        # Removing is asked first: the same task, with the question at that assignment.
        context = _editor_context(request, school, task, assignment.school_year)
        context["confirm_remove"] = assignment.pk
        if request.htmx:
            context.update(open=True, focus_id=f"confirm-remove-{assignment.pk}")
            return render(request, "teams/_task_block.html", context)
        return render(request, "teams/task.html", context)
    try:
        assigning.remove_assignment(assignment=assignment, expected_version=version)
    except Conflict as conflict:
        messages.error(request, conflict.message)
        return _after_change(request, school, task, assignment.school_year, conflict=True)
    messages.success(request, _("Removed."))
    return _after_change(request, school, task, assignment.school_year)


@require_POST
def bulk_assign(request: HttpRequest, school_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id, manage=True)
    year = SchoolYear.from_param(request.POST.get("year"))
    tasks = SchoolTask.objects.for_school(school).visible().filter(school=school)
    form = BulkAssignForm(request.POST, tasks=tasks, staff=access.staff_of(school))
    if not form.is_valid():
        messages.error(request, _("Select at least one task of this school and a staff member."))
        return redirect(_board_url(school, year))
    try:
        assigned, skipped = assigning.assign_many(
            tasks=list(form.cleaned_data["tasks"]),
            school_year=year,
            staff_member=form.cleaned_data["staff_member"],
            kind=form.cleaned_data["kind"],
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("%(count)s tasks given to %(name)s.")
            % {"count": assigned, "name": form.cleaned_data["staff_member"].full_name},
        )
        if skipped:
            messages.info(request, _("%(count)s of them were already theirs.") % {"count": skipped})
    return redirect(_board_url(school, year))


@require_POST
def plan_next_year(request: HttpRequest, school_id: int) -> HttpResponse:
    """Open the next school year for planning (a write, so a POST, never a page view)."""
    school = access.get_school(request.user, school_id, manage=True)
    year = SchoolYear.plan_next()
    messages.success(request, _("You can now plan %(year)s.") % {"year": year})
    return redirect(_board_url(school, year))


@require_POST
def copy_year(request: HttpRequest, school_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id, manage=True)
    year = SchoolYear.from_param(request.POST.get("year"))
    source = year.previous()
    if source is None:
        messages.error(request, _("There is no previous school year to copy from."))
        return redirect(_board_url(school, year))
    tasks = list(SchoolTask.objects.filter(school=school).visible())
    copied = assigning.copy_year(tasks=tasks, source=source, target=year)
    messages.success(
        request,
        _("%(count)s assignments copied from %(source)s.") % {"count": copied, "source": source},
    )
    return redirect(_board_url(school, year))


def export(request: HttpRequest, school_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id)
    year = SchoolYear.from_param(request.GET.get("year"))
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"taakverdeling-{school.pk}-{year}-{timezone.localdate().isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    write_distribution(response, build_board(school, year))
    return response
