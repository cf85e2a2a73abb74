"""Staff: people, the schools they work in, their ICT budgets and roles."""

from __future__ import annotations

from decimal import Decimal
from functools import cache, lru_cache

import pyuca
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OrderBy, OuterRef, Q
from django.db.models.functions import Collate
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from teams.models.organisation import School, SchoolYear
from teams.workload import units
from teams.workload.units import MAX_BUDGET_HOURS, BudgetUnit

# The longest e-mail address stored (Django's EmailField); forms that take one say so too.
EMAIL_MAX_LENGTH = 254

# People sort by name as a Dutch reader looks them up: "Çelik" with C, "Öz" with O. That
# is the Unicode Collation Algorithm, which Dutch takes untailored. PostgreSQL sorts by its
# ICU collation of this name; SQLite by one of the same name that teams.receivers gives
# each connection (compare_names); Python by name_sort_key. The three agree on names.
NAME_COLLATION = "nl-x-icu"


@cache
def _collator() -> pyuca.Collator:
    return pyuca.Collator()


@lru_cache(maxsize=4096)
def name_sort_key(name: str) -> tuple[int, ...]:
    """A key that sorts names in Dutch order: letters first, accents and case only break
    ties ("Celik" < "Çelik" < "Dirk")."""
    return tuple(_collator().sort_key(name))


def compare_names(a: str | None, b: str | None) -> int:
    """-1, 0 or 1 as ``a`` sorts before, with or after ``b`` in Dutch order."""
    key_a, key_b = name_sort_key(a or ""), name_sort_key(b or "")
    return (key_a > key_b) - (key_a < key_b)


def by_name() -> list[OrderBy]:
    """The ordering of people by last name, then first name, in Dutch order."""
    return [Collate(field, NAME_COLLATION).asc() for field in ("last_name", "first_name")]


class Post(models.TextChoices):
    TEACHER = "teacher", _("teacher")
    ICT_COORDINATOR = "ict_coordinator", _("ICT coordinator")
    DIRECTOR = "director", _("director")
    ADMINISTRATIVE = "administrative", _("administrative staff")
    EXTERNAL = "external", _("external partner")


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def current(self) -> AppointmentQuerySet:
        """Who works where now: the one definition of "works in a school".

        A person works in a school while their appointment there is active;
        ending it (a leaver) takes the school from everything they see and
        are told. Workload, access, reminders, digests, the calendar feed, the
        bell and "my tasks" all read this.
        """
        return self.filter(is_active=True)

    def where_task_belongs(
        self, *, school_id: int | None, school_group_id: int | None
    ) -> AppointmentQuerySet:
        """Current appointments where a task belongs: in its school, or for a school
        group's task in any school of that group."""
        if school_group_id is not None:
            return self.current().filter(school__school_group_id=school_group_id)
        if school_id is None:
            return self.none()
        return self.current().filter(school_id=school_id)

    def where_outer_task_belongs(self, *, member: str, task: str) -> AppointmentQuerySet:
        """For a subquery: the current appointments of the outer row's person where the
        outer row's task belongs, as :meth:`where_task_belongs` says it for one task.

        ``member`` names the outer row's staff member id (``"staff_member_id"``) and
        ``task`` the path to its task (``"school_task"``, ``"occurrence__school_task"``).
        """
        current = self.current().filter(staff_member_id=OuterRef(member))
        return current.filter(school_id=OuterRef(f"{task}__school_id")) | current.filter(
            school__school_group_id=OuterRef(f"{task}__school_group_id")
        )


class StaffMemberQuerySet(models.QuerySet["StaffMember"]):
    def working_in(self, school: School | int) -> StaffMemberQuerySet:
        """The people who work in ``school`` now (:meth:`AppointmentQuerySet.current`)."""
        here = Appointment.objects.current().filter(school=school)
        return self.filter(pk__in=here.values("staff_member_id"))

    def working_where(
        self, *, school_id: int | None, school_group_id: int | None
    ) -> StaffMemberQuerySet:
        """Who may take a task: the people working in its school, or for a school group's
        task anyone working in a school of the group."""
        there = Appointment.objects.where_task_belongs(
            school_id=school_id, school_group_id=school_group_id
        )
        return self.filter(pk__in=there.values("staff_member_id"))


class StaffMember(models.Model):
    """A person who can take ICT work: usually staff of one school, sometimes of several.

    The schools a person works in are their appointments; a group-level
    coordinator has an appointment in every school they serve.
    """

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), max_length=EMAIL_MAX_LENGTH, blank=True)
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
        ordering = by_name()
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def works_in(self, school: School | int) -> bool:
        """Whether the person works in ``school`` now (an active appointment)."""
        return Appointment.objects.current().filter(staff_member=self, school=school).exists()


class Appointment(models.Model):
    """That a staff member works in a school, and in which post."""

    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="appointments"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="appointments")
    post = models.CharField(_("post"), max_length=20, choices=Post.choices, default=Post.TEACHER)
    is_active = models.BooleanField(_("active"), default=True)

    objects = AppointmentQuerySet.as_manager()

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
    # What the person who set the budget typed, shown beside the hours ("4 lestijden/week").
    entered_amount = models.DecimalField(
        _("amount as given"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    entered_unit = models.CharField(
        _("unit as given"), max_length=10, choices=BudgetUnit.choices, default=BudgetUnit.YEAR
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
        """The hours a year spread over the school's weeks, as a budget per week counts them.

        Reads ``school``: a list of budgets selects it with them.
        """
        return units.hours_per_week(self.hours_per_year, self.school)

    @property
    def given_in_other_unit(self) -> bool:
        """Whether the budget was given in another unit than hours a year (shown beside it)."""
        return self.entered_amount is not None and self.entered_unit != BudgetUnit.YEAR

    @property
    def entered_count(self) -> int:
        """The amount as given, as a count for its plural form: "1 lestijd", "4,5 lestijden"."""
        return 1 if self.entered_amount == 1 else 2

    @property
    def fraction_of_full_time(self) -> Decimal:
        return units.fraction_of_full_time(self.hours_per_year)


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
