"""Reminder pages: the bell, an occurrence to mark done, schedules, settings and the feed."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from teams import access
from teams.models import (
    Occurrence,
    Reminder,
    ReminderSettings,
    Schedule,
    SchoolReminderPolicy,
    SchoolTask,
    StaffMember,
)
from teams.models.reminders import DEFAULT_BACKUP_AFTER_DAYS
from teams.reminders import feed as calendar_feed
from teams.reminders import outlook, services
from teams.reminders.forms import DoneForm, PolicyForm, ScheduleForm, SettingsForm
from teams.reminders.recurrence import RHYTHM_FOR_FREQUENCY

# The shape of the tokens ``new_feed_token`` makes (43 URL-safe characters), with room.
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def _member(request: HttpRequest) -> StaffMember | None:
    return StaffMember.objects.filter(user_id=request.user.pk or 0).first()


def reminder_list(request: HttpRequest) -> HttpResponse:
    """The bell's page: the person's reminders, unread first; POST marks them all read."""
    member = _member(request)
    if request.method == "POST":
        if member is not None:
            services.mark_read(member=member)
        messages.success(request, _("All reminders are marked read."))
        return redirect("teams:reminders")
    reminders = (
        Reminder.objects.filter(staff_member=member)
        .about_where_they_work()
        .select_related("school", "occurrence")
        if member
        else Reminder.objects.none()
    )
    unread_first = F("read_at").asc(nulls_first=True)
    page = Paginator(reminders.order_by(unread_first, "-created_at", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "teams/reminders/list.html",
        {"member": member, "page": page, "today": timezone.localdate()},
    )


@require_POST
def reminder_open(request: HttpRequest, reminder_id: int) -> HttpResponse:
    """Open a reminder: it counts as read, and the browser goes to what it is about.

    A POST, since it writes: a page that is only looked at (or prefetched) changes nothing."""
    member = _member(request)
    mine = Reminder.objects.filter(pk=reminder_id, staff_member=member).about_where_they_work()
    reminder = mine.first()
    if member is None or reminder is None:
        raise Http404
    services.mark_read(member=member, reminder_ids=[reminder.pk])
    safe = url_has_allowed_host_and_scheme(reminder.url, allowed_hosts={request.get_host()})
    return redirect(reminder.url if reminder.url and safe else reverse("teams:reminders"))


def occurrence(request: HttpRequest, occurrence_id: int) -> HttpResponse:
    """One time a task falls due; its responsible, backup or a manager marks it done."""
    found = access.get_occurrence(request.user, occurrence_id)
    task = found.school_task
    may_mark = access.may_mark_done(request.user, found)
    form = DoneForm(request.POST or None)
    if request.method == "POST":
        if not may_mark:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.mark_done(
                    occurrence=found, by=_member(request), note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, _("Marked done. Thank you!"))
            return redirect("teams:occurrence", occurrence_id=found.pk)
    history = task.occurrences.order_by("-due_on")[:12]
    return render(
        request,
        "teams/reminders/occurrence.html",
        {
            "occurrence": found,
            "task": task,
            "form": form,
            "may_mark": may_mark and not found.is_done,
            "history": history,
            "today": timezone.localdate(),
        },
    )


def schedule(request: HttpRequest, school_id: int, task_id: int) -> HttpResponse:
    """When a task falls due; a director or coordinator sets it."""
    school = access.get_school(request.user, school_id)
    task = access.get_school_task(request.user, school, task_id)
    current = Schedule.objects.filter(school_task=task).first()
    initial = (
        {"rhythm": current.rhythm, "anchor": current.anchor, "lead_days": current.lead_days}
        if current
        else {"rhythm": RHYTHM_FOR_FREQUENCY.get(task.frequency, ""), "lead_days": 7}
    )
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not access.access_for(request.user).can_manage_task(task):
            raise PermissionDenied
        if "stop" in request.POST:
            services.clear_schedule(school_task=task)
            messages.success(request, _("The task has no more due dates."))
            return redirect("teams:schedule", school_id=school.pk, task_id=task.pk)
        if form.is_valid():
            try:
                services.set_schedule(school_task=task, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The schedule was saved."))
                return redirect("teams:schedule", school_id=school.pk, task_id=task.pk)
    return render(
        request,
        "teams/reminders/schedule.html",
        {
            "school": school,
            "task": task,
            "schedule": current,
            "outlook": outlook.for_task(task),
            "form": form,
            "can_edit": access.access_for(request.user).can_manage_task(task),
            "history": task.occurrences.select_related("done_by").order_by("-due_on")[:50],
            "today": timezone.localdate(),
        },
    )


def school_reminders(request: HttpRequest, school_id: int) -> HttpResponse:
    """A school's scheduled tasks, what is overdue, and when backups are told."""
    school = access.get_school(request.user, school_id)
    can_manage = access.access_for(request.user).can_manage_school(school.pk)
    policy = SchoolReminderPolicy.objects.filter(school=school).first()
    days = policy.backup_after_days if policy else DEFAULT_BACKUP_AFTER_DAYS
    form = PolicyForm(request.POST or None, initial={"backup_after_days": days})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            services.set_backup_after_days(
                school=school, days=form.cleaned_data["backup_after_days"]
            )
            messages.success(request, _("Saved."))
            return redirect("teams:school_reminders", school_id=school.pk)
    schedules = (
        Schedule.objects.filter(school_task__in=SchoolTask.objects.for_school(school).visible())
        .with_next_due()
        .select_related("school_task__catalogue_task")
        .order_by(F("next_due").asc(nulls_last=True), "pk")
    )
    return render(
        request,
        "teams/reminders/school.html",
        {
            "school": school,
            "year": None,
            "schedules": schedules,
            "overdue": Occurrence.objects.overdue_in(school, timezone.localdate()),
            "form": form,
            "can_manage": can_manage,
            "today": timezone.localdate(),
        },
    )


def reminder_settings(request: HttpRequest) -> HttpResponse:
    """How the person is told: e-mail rhythm and language, and their calendar address."""
    member = _member(request)
    if member is None:
        return render(request, "teams/reminders/settings.html", {"member": None})
    prefs = services.settings_shown(member) or ReminderSettings(staff_member=member)
    form = SettingsForm(
        request.POST or None, initial={"digest": prefs.digest, "language": prefs.language}
    )
    if request.method == "POST" and form.is_valid():
        services.update_settings(member=member, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("teams:reminder_settings")
    feed_url = (
        settings.SITE_URL.rstrip("/") + reverse("teams:feed", args=[prefs.feed_token])
        if prefs.pk
        else ""  # no address until the person asks for one: a page view writes nothing
    )
    return render(
        request,
        "teams/reminders/settings.html",
        {"member": member, "form": form, "feed_url": feed_url, "prefs": prefs},
    )


@require_POST
def reset_feed(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if member is None:
        raise Http404
    services.reset_feed(member=member)
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return redirect("teams:reminder_settings")


@login_not_required
@never_cache
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's calendar at their secret address; any other address answers 404, and
    so does the address of someone who no longer works in any school."""
    if not FEED_TOKEN.fullmatch(token):  # never hand the database a NUL byte or junk
        raise Http404
    prefs = ReminderSettings.objects.filter(feed_token=token).select_related("staff_member").first()
    if prefs is None or not calendar_feed.has_calendar(prefs.staff_member):
        raise Http404
    response = HttpResponse(
        calendar_feed.calendar_for(prefs.staff_member), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="ictteam.ics"'
    return response
