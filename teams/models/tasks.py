"""A school's task list and who does each task in a school year."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tasks.models import MAX_TASK_HOURS, Frequency, Level, Task, TaskGroup
from teams.models.organisation import School, SchoolGroup, SchoolYear
from teams.models.staff import Appointment, StaffMember
from teams.workload.calculator import ONE, TaskHours, hours_here


class SchoolTaskQuerySet(models.QuerySet["SchoolTask"]):
    def for_school(self, school: School) -> SchoolTaskQuerySet:
        """The school's own list plus, in a school group, the group-level tasks."""
        owner = Q(school=school)
        if school.school_group_id:
            owner |= Q(school_group_id=school.school_group_id)
        return self.filter(owner)

    def visible(self) -> SchoolTaskQuerySet:
        """Tasks that apply: not hidden, and still in the catalogue if they come from it."""
        return self.filter(is_hidden=False).filter(
            Q(catalogue_task__isnull=True) | Q(catalogue_task__is_active=True)
        )

    def with_catalogue(self) -> SchoolTaskQuerySet:
        return self.select_related("catalogue_task__group", "group")

    def of_school_group(self, school_group: SchoolGroup) -> SchoolTaskQuerySet:
        """The tasks a school group takes on as a group, as its pages list them."""
        return (
            self.filter(school_group=school_group)
            .visible()
            .with_catalogue()
            .order_by("catalogue_task__code", "title")
        )

    def adopt_catalogue(
        self, *, school: School | None = None, school_group: SchoolGroup | None = None
    ) -> int:
        """Put every active catalogue task on the list of a school or school group.

        In a school group, group-level tasks go on the group's list and the rest
        on each school's; a school on its own takes them all. Tasks already on the
        list (hidden ones too) are left as they are. Returns how many were added.
        """
        if (school is None) == (school_group is None):
            raise ValueError("Pass a school or a school group.")
        catalogue = Task.objects.active()
        owner: dict[str, School | SchoolGroup]
        if school_group is not None:
            catalogue = catalogue.filter(level=Level.SCHOOL_GROUP)
            owner = {"school_group": school_group}
        else:
            assert school is not None
            if school.school_group_id is not None:
                catalogue = catalogue.filter(level=Level.SCHOOL)
            owner = {"school": school}
        adopted = self.filter(**owner, catalogue_task__isnull=False).values("catalogue_task_id")
        missing = catalogue.exclude(pk__in=adopted).values_list("pk", flat=True)
        created = self.bulk_create(
            [self.model(**owner, catalogue_task_id=pk) for pk in missing], batch_size=500
        )
        return len(created)


class SchoolTask(models.Model):
    """A task on a school's (or a school group's) list.

    Either it points at a catalogue task and may override its hours and
    frequency, or it is the school's own task with its own title and group.
    A catalogue task is never deleted, so these rows survive every re-import.
    """

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    school_group = models.ForeignKey(
        SchoolGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    catalogue_task = models.ForeignKey(
        Task, on_delete=models.PROTECT, null=True, blank=True, related_name="school_tasks"
    )
    title = models.CharField(_("task"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    group = models.ForeignKey(
        TaskGroup, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("group")
    )
    local_hours = models.DecimalField(
        _("hours per year here"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_TASK_HOURS)],
    )
    local_frequency = models.CharField(
        _("frequency here"), max_length=20, choices=Frequency.choices, blank=True
    )
    is_hidden = models.BooleanField(_("not applicable"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = SchoolTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("school task")
        verbose_name_plural = _("school tasks")
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=True) ^ Q(school_group__isnull=True),
                name="schooltask_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(catalogue_task__isnull=False) | (~Q(title="") & Q(group__isnull=False)),
                name="schooltask_own_has_title_and_group",
            ),
            models.UniqueConstraint(
                fields=["school", "catalogue_task"],
                condition=Q(catalogue_task__isnull=False),
                name="schooltask_adopted_once_per_school",
            ),
            models.UniqueConstraint(
                fields=["school_group", "catalogue_task"],
                condition=Q(catalogue_task__isnull=False),
                name="schooltask_adopted_once_per_group",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def is_own(self) -> bool:
        return self.catalogue_task_id is None

    @property
    def display_title(self) -> str:
        if self.catalogue_task is not None and not self.title:
            return self.catalogue_task.title
        return self.title

    @property
    def display_description(self) -> str:
        """The school's own description, else the catalogue's."""
        if self.description or self.catalogue_task is None:
            return self.description
        return self.catalogue_task.description

    @property
    def code(self) -> str:
        return self.catalogue_task.code if self.catalogue_task else ""

    @property
    def task_group(self) -> TaskGroup | None:
        """The group this task counts in (the catalogue's, unless it is an own task)."""
        if self.catalogue_task is not None:
            return self.catalogue_task.group
        return self.group

    @property
    def hours(self) -> Decimal | None:
        """Hours per year here (the rule is the workload calculator's)."""
        return self._hours_here.hours

    @property
    def hours_source(self) -> str | None:
        """Where the hours come from: "local", "scaled", "catalogue" (or None: unknown)."""
        return self._hours_here.source

    @property
    def _hours_here(self) -> TaskHours:
        """The calculator's route; the school (and its factor) is read only when it counts."""
        catalogue = self.catalogue_task.hours_per_year if self.catalogue_task else None
        return hours_here(
            self.local_hours,
            catalogue,
            group_level=self.is_group_level,
            school_factor=lambda: self.school.hours_factor if self.school else ONE,
        )

    @property
    def frequency(self) -> str:
        if self.local_frequency:
            return self.local_frequency
        return self.catalogue_task.frequency if self.catalogue_task else Frequency.AD_HOC

    def get_frequency_display(self) -> str:
        return str(dict(Frequency.choices).get(self.frequency, self.frequency))

    @property
    def level(self) -> str:
        return Level.SCHOOL_GROUP if self.school_group_id else Level.SCHOOL

    @property
    def is_group_level(self) -> bool:
        return self.school_group_id is not None

    def clean(self) -> None:
        if self.catalogue_task_id is None and not (self.title and self.group_id):
            raise ValidationError(_("An own task needs a title and a group."))


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def for_year(self, school_year: SchoolYear) -> AssignmentQuerySet:
        return self.filter(school_year=school_year)

    def counting(self) -> AssignmentQuerySet:
        """Assignments whose person still works where the task belongs, and outsourced
        ones: those the board does not show as needing a new person.

        The database form of the calculator's rule, for pages and jobs that
        select assignments (reminders, the feed, occurrences) rather than
        calculate over them; both read :meth:`AppointmentQuerySet.current`.
        """
        there = Appointment.objects.where_outer_task_belongs(
            member="staff_member_id", task="school_task"
        )
        return self.filter(Q(staff_member__isnull=True) | Q(Exists(there)))


class Assignment(models.Model):
    """A task given for a school year: to a staff member, or outsourced to a partner.

    ``hours`` left empty means "the task's hours shared over its responsibles"
    for a responsible, and no hours for a backup. ``version`` rises with
    every change so that two people editing at once notice each other.
    """

    class Kind(models.TextChoices):
        RESPONSIBLE = "responsible", _("responsible")
        BACKUP = "backup", _("backup")

    school_task = models.ForeignKey(
        SchoolTask, on_delete=models.CASCADE, related_name="assignments"
    )
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    staff_member = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("staff member"),
    )
    partner = models.CharField(
        _("external partner"), max_length=200, blank=True, help_text=_("when outsourced")
    )
    hours = models.DecimalField(
        _("hours per year"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_TASK_HOURS)],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(staff_member__isnull=False) & Q(partner=""))
                | (Q(staff_member__isnull=True) & ~Q(partner="")),
                name="assignment_staff_or_partner",
            ),
            models.UniqueConstraint(
                fields=["school_task", "school_year", "staff_member"],
                condition=Q(staff_member__isnull=False),
                name="assignment_once_per_person",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0, hours__lte=MAX_TASK_HOURS),
                name="assignment_hours_in_range",
            ),
        ]

    def __str__(self) -> str:
        who = self.staff_member or self.partner
        return f"{self.school_task} → {who} ({self.get_kind_display()})"

    @property
    def is_outsourced(self) -> bool:
        return self.staff_member_id is None

    @property
    def assignee(self) -> str:
        return str(self.staff_member) if self.staff_member_id else self.partner
