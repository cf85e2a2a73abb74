"""Adapting a school's task list: own tasks, hidden tasks, local hours and frequency."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams import access
from teams.assignments import task_list as services
from teams.assignments.forms import LocalValuesForm, OwnTaskForm
from teams.models import SchoolTask, SchoolYear


def task_list(request: HttpRequest, school_id: int) -> HttpResponse:
    """Every task on the school's list, hidden ones too, and a form to add an own task."""
    school = access.get_school(request.user, school_id)
    can_manage = access.access_for(request.user).can_manage_school(school.pk)
    form = OwnTaskForm(request.POST or None)
    if request.method == "POST":
        school = access.get_school(request.user, school_id, manage=True)
        if form.is_valid():
            services.add_own_task(school=school, **form.cleaned_data)
            messages.success(request, _("The task was added."))
            return redirect("teams:task_list", school.pk)
    tasks = (
        SchoolTask.objects.for_school(school)
        .with_catalogue()
        .select_related("school")  # its hours factor, for tasks that follow the catalogue
        .order_by(
            "is_hidden",
            "catalogue_task__group__position",
            "group__position",
            "catalogue_task__code",
            "title",
        )
    )
    return render(
        request,
        "teams/task_list.html",
        {
            "school": school,
            "tasks": tasks,
            "form": form,
            "can_manage": can_manage,
            "year": SchoolYear.current(),
        },
    )


def school_group_task_list(request: HttpRequest, group_id: int) -> HttpResponse:
    """The tasks a school group takes on as a group, and a form to add one of its own."""
    school_group = access.get_school_group(request.user, group_id)
    form = OwnTaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_own_task(school_group=school_group, **form.cleaned_data)
        messages.success(request, _("The task was added."))
        return redirect("teams:school_group_tasks", school_group.pk)
    tasks = SchoolTask.objects.of_school_group(school_group)
    return render(
        request,
        "teams/school_group_task_list.html",
        {"school_group": school_group, "tasks": tasks, "form": form},
        status=400 if form.errors else 200,
    )


def task_edit(request: HttpRequest, school_id: int, task_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id)
    task = access.get_school_task(request.user, school, task_id, manage=True)
    initial = {
        "title": task.title,
        "description": task.description,
        "hours": task.local_hours,
        "frequency": task.local_frequency,
    }
    form = LocalValuesForm(request.POST or None, task=task, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.set_local_values(
            task=task,
            hours=data["hours"],
            frequency=data["frequency"],
            title=data.get("title", ""),
            description=data.get("description", ""),
        )
        messages.success(request, _("Saved."))
        return redirect(_list_url(school.pk, task))
    return render(
        request,
        "teams/task_form.html",
        {"school": school, "task": task, "form": form, "year": SchoolYear.current()},
    )


def _list_url(school_id: int, task: SchoolTask) -> str:
    return f"{reverse('teams:task_list', args=[school_id])}#list-{task.pk}"


@require_POST
def task_hide(request: HttpRequest, school_id: int, task_id: int) -> HttpResponse:
    school = access.get_school(request.user, school_id)
    task = access.get_school_task(request.user, school, task_id, manage=True)
    hide = request.POST.get("hidden") != "0"
    services.set_hidden(task=task, hidden=hide)
    if hide:
        messages.success(
            request, _("“%(task)s” is marked not applicable.") % {"task": task.display_title}
        )
    else:
        messages.success(
            request, _("“%(task)s” is back on the list.") % {"task": task.display_title}
        )
    return redirect(_list_url(school.pk, task))
