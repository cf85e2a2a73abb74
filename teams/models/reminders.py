"""Reminders: when a school's tasks fall due, who is told, and the record of every telling.

A :class:`Schedule` says when a task falls due: once, or on a rhythm built
from its frequency and an anchor date. The daily scan turns the due dates
that come within the lead time into :class:`Occurrence` rows, which the
responsible marks done. Each thing a person is told is one
:class:`Reminder`, unique per person, kind and subject, so that a scan run
twice never tells anyone twice; the reminders a person has not yet had by
e-mail are gathered into one :class:`Digest`, which is the outbox the
sender works through.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, Min, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from teams.models.organisation import School, SchoolYear
from teams.models.staff import Appointment, StaffMember
from teams.models.tasks import Assignment, SchoolTask

MAX_LEAD_DAYS = 90
# The most overdue occurrences a page lists.
OVERDUE_SHOWN = 50


class Rhythm(models.TextChoices):
    ONCE = "once", _("once, on a date")
    WEEKLY = "weekly", _("every week")
    MONTHLY = "monthly", _("every month")
    TRIMESTER = "trimester", _("every trimester")
    YEARLY = "yearly", _("every year")


class ScheduleQuerySet(models.QuerySet["Schedule"]):
    def with_next_due(self) -> ScheduleQuerySet:
        """Each schedule's next due date as people see it (``next_due``): its earliest
        occurrence not yet done, else the first date not yet handed out; empty when
        nothing is still to do."""
        open_due = Min("occurrences__due_on", filter=Q(occurrences__done_at__isnull=True))
        return self.annotate(next_due=Coalesce(open_due, "next_due_on"))


class Schedule(models.Model):
    """When a task on a school's list falls due.

    ``next_due_on`` is the first due date the scan has not yet turned into an
    occurrence, and ``remind_on`` that date less the lead time: the scan looks
    only at schedules whose ``remind_on`` has come, so its cost follows what is
    due, not how many tasks have a schedule. Both are empty once a one-off
    date has been handed out.
    """

    school_task = models.OneToOneField(
        SchoolTask, on_delete=models.CASCADE, related_name="schedule", verbose_name=_("task")
    )
    rhythm = models.CharField(_("rhythm"), max_length=12, choices=Rhythm.choices)
    anchor = models.DateField(
        _("first due date"),
        help_text=_("The date it is due (once), or the first date of the rhythm."),
    )
    lead_days = models.PositiveSmallIntegerField(
        _("remind days before"),
        default=7,
        validators=[MaxValueValidator(MAX_LEAD_DAYS)],
    )
    next_due_on = models.DateField(null=True, blank=True, editable=False)
    remind_on = models.DateField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(lead_days__lte=MAX_LEAD_DAYS), name="schedule_lead_days_in_range"
            ),
        ]
        indexes = [
            models.Index(
                fields=["remind_on"], condition=Q(remind_on__isnull=False), name="schedule_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_task}: {self.get_rhythm_display()}"

    def clean(self) -> None:
        if self.lead_days is not None and self.lead_days > MAX_LEAD_DAYS:
            raise ValidationError(
                {"lead_days": _("Remind at most %(days)s days before.") % {"days": MAX_LEAD_DAYS}}
            )


class OccurrenceQuerySet(models.QuerySet["Occurrence"]):
    def open(self) -> OccurrenceQuerySet:
        return self.filter(done_at__isnull=True)

    def overdue(self, on: date) -> OccurrenceQuerySet:
        return self.open().filter(due_on__lt=on)

    def for_school(self, school: School) -> OccurrenceQuerySet:
        """Occurrences of tasks on the school's board (its own list and its group's)."""
        owner = Q(school_task__school=school)
        if school.school_group_id:
            owner |= Q(school_task__school_group_id=school.school_group_id)
        return self.filter(owner)

    def overdue_in(self, school: School, on: date) -> list[Occurrence]:
        """The school's overdue occurrences (its own tasks and its group's), oldest first,
        as the board, the dashboard and the due-dates page list them."""
        return list(
            self.overdue(on)
            .for_school(school)
            .select_related("school_task__catalogue_task")
            .order_by("due_on", "pk")[:OVERDUE_SHOWN]
        )

    def overdue_of(self, member: StaffMember | None, on: date) -> list[Occurrence]:
        """The overdue occurrences of tasks the person is responsible for in the school year
        each falls in, where they still work (:meth:`AssignmentQuerySet.counting`)."""
        if member is None:
            return []
        responsible = {
            (task_id, year)
            for task_id, year in Assignment.objects.counting()
            .filter(staff_member=member, kind=Assignment.Kind.RESPONSIBLE)
            .values_list("school_task_id", "school_year__start_year")
        }
        if not responsible:
            return []
        found = (
            self.overdue(on)
            .filter(school_task_id__in={task_id for task_id, _year in responsible})
            .select_related("school_task__catalogue_task", "school_task__school")
            .order_by("due_on", "pk")
        )
        return [
            occurrence
            for occurrence in found
            if (occurrence.school_task_id, SchoolYear.start_year_of(occurrence.due_on))
            in responsible
        ][:OVERDUE_SHOWN]


class Occurrence(models.Model):
    """One time a scheduled task falls due, and whether (and when) it was done."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="occurrences")
    school_task = models.ForeignKey(
        SchoolTask, on_delete=models.CASCADE, related_name="occurrences", verbose_name=_("task")
    )
    due_on = models.DateField(_("due on"))
    remind_on = models.DateField(_("remind from"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "due_on"], name="occurrence_once_per_day"),
            models.CheckConstraint(
                condition=Q(remind_on__lte=models.F("due_on")), name="occurrence_remind_before_due"
            ),
        ]
        indexes = [
            models.Index(
                fields=["remind_on"], condition=Q(done_at__isnull=True), name="occurrence_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_task} ({self.due_on})"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, on: date) -> bool:
        return self.done_at is None and self.due_on < on

    def days_late(self, on: date) -> int:
        return (on - self.due_on).days if self.is_overdue(on) else 0

    @property
    def was_late(self) -> bool:
        return self.done_at is not None and self.done_at.date() > self.due_on


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class ReminderSettings(models.Model):
    """How a person wants to be told: the e-mail rhythm, the language, the calendar feed's key."""

    class Digest(models.TextChoices):
        DAILY = "daily", _("every day")
        WEEKLY = "weekly", _("once a week (Monday)")
        OFF = "off", _("no e-mail")

    staff_member = models.OneToOneField(
        StaffMember, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    digest = models.CharField(
        _("e-mail digest"), max_length=8, choices=Digest.choices, default=Digest.DAILY
    )
    language = models.CharField(
        _("language of the e-mails"),
        max_length=8,
        choices=[("nl", _("Dutch")), ("en", _("English"))],
        default="nl",
    )
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")

    def __str__(self) -> str:
        return f"{self.staff_member}: {self.get_digest_display()}"

    def wants_digest_on(self, day: date) -> bool:
        if self.digest == self.Digest.OFF:
            return False
        return self.digest == self.Digest.DAILY or day.weekday() == 0


class SchoolReminderPolicy(models.Model):
    """A school's rule for telling backups: after how many days overdue."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="reminder_policy")
    backup_after_days = models.PositiveSmallIntegerField(
        _("tell the backup after (days overdue)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(backup_after_days__gte=1, backup_after_days__lte=365),
                name="reminderpolicy_days_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.backup_after_days}"


DEFAULT_BACKUP_AFTER_DAYS = 7


class Digest(models.Model):
    """One e-mail to one person, gathering the reminders they had not yet had by e-mail.

    Written before anything is sent and marked sent in the same transaction
    that holds its row lock while the mail goes out, so a scan run twice or
    at once sends it once, and one that fails leaves it for the next run.
    """

    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="digests")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped = models.BooleanField(default=False, help_text="closed without an e-mail")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True, skipped=False),
                name="digest_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff_member} {self.created_at:%Y-%m-%d}"


class ReminderQuerySet(models.QuerySet["Reminder"]):
    def about_where_they_work(self) -> ReminderQuerySet:
        """Reminders whose subject belongs where their person works now.

        About an occurrence: where its task belongs (the school, or any school of
        the task's group); about a school (a summary, a catalogue change, a
        guideline step): that school. Both read :meth:`AppointmentQuerySet.current`,
        so what someone was told about a school they left stays on record but is
        shown and sent no more.
        """
        about_task = Appointment.objects.where_outer_task_belongs(
            member="staff_member_id", task="occurrence__school_task"
        )
        in_school = Appointment.objects.current().filter(
            staff_member_id=OuterRef("staff_member_id"), school_id=OuterRef("school_id")
        )
        return self.filter(
            Q(Exists(about_task))
            | Q(occurrence__isnull=True) & (Q(school__isnull=True) | Q(Exists(in_school)))
        )


class Reminder(models.Model):
    """One thing a person is told, once: in the bell, and in their next digest.

    ``key`` names the subject (an occurrence, a guideline step, a catalogue
    import for a school, a school's week); the unique constraint on person,
    kind and key is what makes every reminder happen exactly once.
    """

    class Kind(models.TextChoices):
        DUE = "due", _("due soon")
        OVERDUE = "overdue", _("overdue")
        BACKUP = "backup", _("overdue, you are the backup")
        SUMMARY = "summary", _("weekly summary")
        CATALOGUE = "catalogue", _("catalogue change")
        STEP = "step", _("guideline step overdue")

    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=200)
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    title = models.CharField(_("subject"), max_length=300)
    url = models.CharField(max_length=500, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders"
    )

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["staff_member", "kind", "key"], name="reminder_once_per_person"
            ),
        ]
        indexes = [
            models.Index(
                fields=["staff_member"], condition=Q(read_at__isnull=True), name="reminder_unread"
            ),
            models.Index(
                fields=["staff_member"],
                condition=Q(digest__isnull=True),
                name="reminder_undigested",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member}: {self.get_kind_display()} {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def remind_on(due_on: date, lead_days: int) -> date:
    return due_on - timedelta(days=lead_days)
