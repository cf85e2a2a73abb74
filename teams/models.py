"""School groups, schools, their staff, ICT roles, task lists and assignments.

Everything a school plans is held per school year (budgets, roles,
assignments), so a school can copy last year's distribution and, later, go
round the step plan cycle after cycle.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tasks.models import MAX_TASK_HOURS, Frequency, Level, Task, TaskGroup

# A full-time post: 38 hours a week over the 37 weeks of a Flemish school year.
HOURS_PER_WEEK_FULL_TIME = Decimal(38)
WEEKS_PER_SCHOOL_YEAR = Decimal(37)
HOURS_PER_YEAR_FULL_TIME = HOURS_PER_WEEK_FULL_TIME * WEEKS_PER_SCHOOL_YEAR
MAX_BUDGET_HOURS = Decimal(2000)


class SchoolYear(models.Model):
    """A Flemish school year, 1 September to 31 August; 2026 means 2026-2027."""

    start_year = models.PositiveSmallIntegerField(
        _("first calendar year"), unique=True, validators=[MinValueValidator(2000)]
    )

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("school year")
        verbose_name_plural = _("school years")

    def __str__(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 9, 1)

    @property
    def ends_on(self) -> date:
        return date(self.start_year + 1, 8, 31)

    @staticmethod
    def start_year_of(day: date) -> int:
        return day.year if day.month >= 9 else day.year - 1

    @classmethod
    def current(cls) -> SchoolYear:
        """The school year today falls in, created on first use."""
        year, _created = cls.objects.get_or_create(
            start_year=cls.start_year_of(timezone.localdate())
        )
        return year

    @classmethod
    def from_param(cls, value: str | None) -> SchoolYear:
        """The year a page asks for (``?year=2026``): any year on record, or the
        current or next one (created on first use); otherwise the current year."""
        current = cls.current()
        try:
            start = int(value or "")
        except ValueError:
            return current
        year = cls.objects.filter(start_year=start).first()
        if year is None and start == current.start_year + 1:
            year = cls.objects.create(start_year=start)
        return year or current

    def previous(self) -> SchoolYear | None:
        return SchoolYear.objects.filter(start_year=self.start_year - 1).first()

    def next(self) -> int:
        return self.start_year + 1


class SchoolGroup(models.Model):
    """A *scholengroep* or *scholengemeenschap*: schools that pool ICT work."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school group")
        verbose_name_plural = _("school groups")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("teams:group", args=[self.pk])


class School(models.Model):
    school_group = models.ForeignKey(
        SchoolGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schools",
        verbose_name=_("school group"),
    )
    name = models.CharField(_("name"), max_length=200)
    institution_number = models.CharField(
        _("institution number"), max_length=20, blank=True, help_text=_("instellingsnummer")
    )
    # Workload states, in percent of the budget (used by the workload dashboard).
    busy_from_percent = models.PositiveSmallIntegerField(_("busy from (%)"), default=80)
    overloaded_above_percent = models.PositiveSmallIntegerField(
        _("overloaded above (%)"), default=100
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [
            models.UniqueConstraint(
                fields=["institution_number"],
                condition=~Q(institution_number=""),
                name="school_unique_institution_number",
            ),
            models.CheckConstraint(
                condition=Q(busy_from_percent__lte=models.F("overloaded_above_percent")),
                name="school_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("teams:board", args=[self.pk])


class Job(models.TextChoices):
    TEACHER = "teacher", _("teacher")
    ICT_COORDINATOR = "ict_coordinator", _("ICT coordinator")
    DIRECTOR = "director", _("director")
    ADMINISTRATIVE = "administrative", _("administrative staff")
    EXTERNAL = "external", _("external partner")


class StaffMemberQuerySet(models.QuerySet["StaffMember"]):
    def in_school(self, school: School) -> StaffMemberQuerySet:
        return self.filter(appointments__school=school, appointments__is_active=True)


class StaffMember(models.Model):
    """A person who can take ICT work: usually staff of one school, sometimes of several.

    The schools a person works in are their appointments; a group-level
    coordinator has an appointment in every school they serve.
    """

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
        verbose_name=_("login account"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Appointment(models.Model):
    """That a staff member works in a school, and in which job."""

    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="appointments"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="appointments")
    job = models.CharField(_("job"), max_length=20, choices=Job.choices, default=Job.TEACHER)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["staff_member", "school"], name="appointment_unique_per_school"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member} @ {self.school}"


class Budget(models.Model):
    """The ICT hours a staff member has in one school for one school year."""

    staff_member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="budgets")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="budgets")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    hours_per_year = models.DecimalField(
        _("ICT hours per year"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_BUDGET_HOURS)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.UniqueConstraint(
                fields=["staff_member", "school", "school_year"], name="budget_unique_per_year"
            ),
            models.CheckConstraint(
                condition=Q(hours_per_year__gte=0, hours_per_year__lte=MAX_BUDGET_HOURS),
                name="budget_hours_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member} {self.school_year}: {self.hours_per_year} h"

    @property
    def hours_per_week(self) -> Decimal:
        return (self.hours_per_year / WEEKS_PER_SCHOOL_YEAR).quantize(Decimal("0.1"))

    @property
    def fraction_of_full_time(self) -> Decimal:
        return (self.hours_per_year / HOURS_PER_YEAR_FULL_TIME).quantize(Decimal("0.01"))


class RoleQuerySet(models.QuerySet["Role"]):
    def available_to(self, school: School) -> RoleQuerySet:
        """The standard roles and the school's own."""
        return self.filter(Q(school__isnull=True) | Q(school=school))

    def ensure_standard(self) -> None:
        """Create any missing standard role (a migration creates them; a flush does not)."""
        for position, (key, name) in enumerate(STANDARD_ROLE_NAMES, start=1):
            self.get_or_create(key=key, defaults={"name": name, "position": position})


# The names the standard roles are stored under; STANDARD_ROLES translates them.
STANDARD_ROLE_NAMES = [
    ("overall_coordinator", "Algemeen ICT-coördinator"),
    ("pedagogical_coordinator", "Pedagogisch ICT-coördinator"),
    ("technical_coordinator", "Technisch ICT-coördinator"),
    ("media_coach", "Mediacoach"),
    ("lms_administrator", "Beheerder leerplatform"),
    ("network_administrator", "Netwerkbeheerder"),
    ("technician", "Technicus"),
    ("helpdesk", "Helpdesk"),
    ("web_administrator", "Webbeheerder"),
    ("policy_officer", "Beleidsmedewerker"),
    ("security_contact", "Aanspreekpunt informatieveiligheid"),
    ("data_protection_officer", "Functionaris voor gegevensbescherming"),
]
STANDARD_ROLES = {
    "overall_coordinator": _("overall ICT coordinator"),
    "pedagogical_coordinator": _("pedagogical ICT coordinator"),
    "technical_coordinator": _("technical ICT coordinator"),
    "media_coach": _("media coach"),
    "lms_administrator": _("learning-platform administrator"),
    "network_administrator": _("network administrator"),
    "technician": _("technician"),
    "helpdesk": _("helpdesk"),
    "web_administrator": _("web administrator"),
    "policy_officer": _("policy officer"),
    "security_contact": _("information-security contact"),
    "data_protection_officer": _("data protection officer"),
}


class Role(models.Model):
    """A part of the ICT team: a standard one (no school) or one a school added."""

    name = models.CharField(_("name"), max_length=100)
    key = models.SlugField(_("key"), max_length=40, blank=True, help_text=_("standard roles only"))
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="own_roles"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key=""), name="role_unique_standard_key"
            ),
            models.UniqueConstraint(fields=["school", "name"], name="role_unique_name_per_school"),
            models.CheckConstraint(
                condition=Q(school__isnull=True) | Q(key=""), name="role_own_has_no_key"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language for standard roles; as typed for own ones."""
        return str(STANDARD_ROLES.get(self.key, self.name))

    @property
    def is_standard(self) -> bool:
        return self.school_id is None


class StaffRole(models.Model):
    """That a staff member holds a role in a school's ICT team for a school year."""

    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="holders")
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="staff_roles"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff_roles")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "staff_member", "school", "school_year"],
                name="staffrole_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member}: {self.role} ({self.school_year})"


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
        """Hours per year here: the local figure, else the catalogue's."""
        if self.local_hours is not None:
            return self.local_hours
        return self.catalogue_task.hours_per_year if self.catalogue_task else None

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


class Membership(models.Model):
    """What an account may do: manage a school, work in it, run a group, or follow pilots."""

    class Kind(models.TextChoices):
        DIRECTOR = "director", _("director")
        COORDINATOR = "coordinator", _("ICT coordinator")
        STAFF = "staff", _("staff member")
        GROUP_ADMIN = "group_admin", _("school group administrator")
        DEPARTMENT = "department", _("department viewer")

    SCHOOL_KINDS = (Kind.DIRECTOR, Kind.COORDINATOR, Kind.STAFF)
    MANAGING_KINDS = (Kind.DIRECTOR, Kind.COORDINATOR)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    school_group = models.ForeignKey(
        SchoolGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["director", "coordinator", "staff"])
                    & Q(school__isnull=False)
                    & Q(school_group__isnull=True)
                )
                | (Q(kind="group_admin") & Q(school__isnull=True) & Q(school_group__isnull=False))
                | (Q(kind="department") & Q(school__isnull=True) & Q(school_group__isnull=True)),
                name="membership_scope_fits_kind",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "school"],
                condition=Q(school__isnull=False),
                name="membership_unique_in_school",
            ),
            models.UniqueConstraint(
                fields=["user", "school_group"],
                condition=Q(school_group__isnull=False),
                name="membership_unique_in_group",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(kind="department"), name="membership_unique_department"
            ),
        ]

    def __str__(self) -> str:
        scope = self.school or self.school_group or ""
        return f"{self.user}: {self.get_kind_display()} {scope}".strip()
