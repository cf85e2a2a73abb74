"""The organisation: school years, school groups, schools, and who may do what in them."""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from teams.workload import units
from teams.workload.calculator import FACTOR_RANGE, LIMIT_RANGE, Limits, hours_factor
from teams.workload.units import MINUTES_PER_PERIOD_RANGE, WEEKS_PER_YEAR_RANGE

# The largest size a school can give (pupils or devices).
MAX_SIZE = 20_000


def factor_range_message() -> str:
    """What a factor outside :data:`FACTOR_RANGE` is told, in the reader's language."""
    low, high = (number_format(bound.normalize()) for bound in FACTOR_RANGE)
    return gettext("A factor lies between %(low)s and %(high)s.") % {"low": low, "high": high}


# The same, for a message given before a language is chosen (a constraint, a form field).
FACTOR_RANGE_MESSAGE = lazy(factor_range_message, str)()


def validate_hours_factor(value: Decimal) -> None:
    """A school's own hours factor lies within :data:`FACTOR_RANGE`."""
    low, high = FACTOR_RANGE
    if not low <= value <= high:
        raise ValidationError(FACTOR_RANGE_MESSAGE, code="factor_range")


def validate_limits(busy_from: int, overloaded_above: int) -> None:
    """A school's limits lie within :data:`LIMIT_RANGE`, busy from at most overloaded above."""
    low, high = LIMIT_RANGE
    if not low <= busy_from <= overloaded_above <= high:
        raise ValidationError(
            gettext(
                "“Busy from” must be at least %(low)s and at most “overloaded above”, "
                "which is at most %(high)s."
            )
            % {"low": low, "high": high},
            code="limits",
        )


def validate_conversion(minutes_per_period: int, weeks_per_year: int) -> None:
    """A school's figures for converting budgets lie within their ranges."""
    (low_minutes, high_minutes), (low_weeks, high_weeks) = (
        MINUTES_PER_PERIOD_RANGE,
        WEEKS_PER_YEAR_RANGE,
    )
    if not (
        low_minutes <= minutes_per_period <= high_minutes
        and low_weeks <= weeks_per_year <= high_weeks
    ):
        raise ValidationError(
            gettext(
                "A teaching period lasts %(low_minutes)s to %(high_minutes)s minutes; a school "
                "year has %(low_weeks)s to %(high_weeks)s weeks."
            )
            % {
                "low_minutes": low_minutes,
                "high_minutes": high_minutes,
                "low_weeks": low_weeks,
                "high_weeks": high_weeks,
            },
            code="conversion",
        )


class SizeMeasure(models.TextChoices):
    """What a school counts to scale the catalogue's hours (workload.calculator.REFERENCE_SIZE)."""

    PUPILS = "pupils", _("pupils")
    DEVICES = "devices", _("devices")


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
    def current(cls, on: date | None = None) -> SchoolYear:
        """The school year today (or the day ``on``) falls in; never creates one.

        School years are created by a migration (the first), by the nightly job
        when a new one starts (:meth:`ensure_current`) and by a manager planning
        the next one (:meth:`plan_next`). Should that year be missing, the latest
        one before it stands in.
        """
        today = cls.start_year_of(on or timezone.localdate())
        year = cls.objects.filter(start_year__lte=today).order_by("-start_year").first()
        year = year or cls.objects.order_by("start_year").first()
        if year is None:
            raise cls.DoesNotExist("No school year on record: run the migrations.")
        return year

    @classmethod
    def ensure_current(cls) -> list[SchoolYear]:
        """Create today's school year if it is missing (the nightly job, on 1 September);
        returns the year created, if any. The next year is opened by :meth:`plan_next`."""
        year, is_new = cls.objects.get_or_create(start_year=cls.start_year_of(timezone.localdate()))
        return [year] if is_new else []

    @classmethod
    def from_param(cls, value: str | None) -> SchoolYear:
        """The year a page asks for (``?year=2026``) if it is on record, otherwise the
        current one. Never creates a year: planning the next one is a POST
        (:meth:`plan_next`), so no page view writes."""
        current = cls.current()
        try:
            start = int(value or "")
        except ValueError:
            return current
        return cls.objects.filter(start_year=start).first() or current

    @classmethod
    def plan_next(cls) -> SchoolYear:
        """The school year after the current one, created if needed, to plan it."""
        year, _created = cls.objects.get_or_create(start_year=cls.current().start_year + 1)
        return year

    @classmethod
    def from_current(cls, on: date | None = None) -> models.QuerySet[SchoolYear]:
        """The current school year (on the day ``on``, today by default) and any later one
        being planned."""
        start = cls.current(on).start_year
        return cls.objects.filter(start_year__gte=start).order_by("start_year")

    def previous(self) -> SchoolYear | None:
        """The school year before this one, if it is on record (never created here)."""
        return SchoolYear.objects.filter(start_year=self.start_year - 1).first()

    def next(self) -> SchoolYear | None:
        """The school year after this one, if it is on record (never created here)."""
        return SchoolYear.objects.filter(start_year=self.start_year + 1).first()


def _entries(text: str) -> list[str]:
    """The entries of a list typed one per line (commas and spaces also separate)."""
    return [entry.strip().lstrip("@").lower() for entry in re.split(r"[\s,;]+", text) if entry]


def validate_domains(text: str) -> None:
    check = DomainNameValidator(accept_idna=True)
    for entry in _entries(text):
        try:
            check(entry)
        except ValidationError as error:
            raise ValidationError(
                _("“%(entry)s” is not a domain such as school.be."), params={"entry": entry}
            ) from error


def validate_tenants(text: str) -> None:
    for entry in _entries(text):
        try:
            uuid.UUID(entry)
        except ValueError:
            try:
                DomainNameValidator(accept_idna=True)(entry)
            except ValidationError as error:
                raise ValidationError(
                    _(
                        "“%(entry)s” is neither a Microsoft tenant id (such as "
                        "72f988bf-86f1-41af-91ab-2d7cd011db47) nor a domain."
                    ),
                    params={"entry": entry},
                ) from error


class SchoolGroup(models.Model):
    """A *scholengroep* or *scholengemeenschap*: schools that pool ICT work."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    # Who of the group's people may log in with Microsoft or Google (teams.staff.social);
    # empty allows any verified address of theirs.
    signin_domains = models.TextField(
        _("e-mail domains for logging in with Microsoft or Google"),
        blank=True,
        validators=[validate_domains],
        help_text=_(
            "One per line, such as school.be. When filled in, the people of this school "
            "group log in with Microsoft or Google only with an address of these domains."
        ),
    )
    signin_tenants = models.TextField(
        _("Microsoft tenants and Google Workspace domains"),
        blank=True,
        validators=[validate_tenants],
        help_text=_(
            "One per line: Microsoft Entra tenant ids (tid) or Google Workspace domains (hd). "
            "When filled in, the people of this school group log in with Microsoft or Google "
            "only with an account of these."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school group")
        verbose_name_plural = _("school groups")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("teams:school_group", args=[self.pk])

    def clean(self) -> None:
        self.signin_domains = "\n".join(_entries(self.signin_domains))
        self.signin_tenants = "\n".join(_entries(self.signin_tenants))

    def accepts_signin(self, *, email: str, hosted_domain: str = "", tenant: str = "") -> bool:
        """Whether a provider login of one of the group's people may go on.

        ``email`` is the verified address of the ID token; ``hosted_domain`` its
        Google ``hd`` claim and ``tenant`` its Microsoft ``tid`` claim (both
        signed by the provider; "" when absent). Domains match exactly.
        """
        domains = _entries(self.signin_domains)
        if domains and email.rpartition("@")[2].lower() not in domains:
            return False
        tenants = _entries(self.signin_tenants)
        said = {value.strip().lower() for value in (hosted_domain, tenant) if value}
        return not tenants or bool(said & set(tenants))


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
    # The workload limits, in percent of the budget: from ``busy_from_percent`` a person
    # counts as busy, above ``overloaded_above_percent`` as overloaded.
    busy_from_percent = models.PositiveSmallIntegerField(
        _("busy from (%)"),
        default=80,
        validators=[MinValueValidator(LIMIT_RANGE[0]), MaxValueValidator(LIMIT_RANGE[1])],
    )
    overloaded_above_percent = models.PositiveSmallIntegerField(
        _("overloaded above (%)"),
        default=100,
        validators=[MinValueValidator(LIMIT_RANGE[0]), MaxValueValidator(LIMIT_RANGE[1])],
    )
    # How the school turns a budget in teaching periods (lestijden) per week into hours:
    # a Flemish lestijd lasts 50 minutes in primary and in secondary education, over the
    # 37 weeks of a school year; a school with other figures sets its own.
    minutes_per_period = models.PositiveSmallIntegerField(
        _("minutes per teaching period"),
        default=50,
        validators=[
            MinValueValidator(MINUTES_PER_PERIOD_RANGE[0]),
            MaxValueValidator(MINUTES_PER_PERIOD_RANGE[1]),
        ],
    )
    weeks_per_year = models.PositiveSmallIntegerField(
        _("weeks in a school year"),
        default=37,
        validators=[
            MinValueValidator(WEEKS_PER_YEAR_RANGE[0]),
            MaxValueValidator(WEEKS_PER_YEAR_RANGE[1]),
        ],
    )
    # How the catalogue's suggested hours fit this school (workload.calculator.hours_factor):
    # a factor set by hand, else one derived from the school's size in pupils or devices.
    size_measure = models.CharField(
        _("size measure"), max_length=10, choices=SizeMeasure.choices, blank=True
    )
    size = models.PositiveIntegerField(
        _("size"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SIZE)],
    )
    hours_factor_by_hand = models.DecimalField(
        _("hours factor"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_hours_factor],
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
                name="school_limits_ordered",
            ),
            models.CheckConstraint(
                condition=Q(
                    minutes_per_period__gte=MINUTES_PER_PERIOD_RANGE[0],
                    minutes_per_period__lte=MINUTES_PER_PERIOD_RANGE[1],
                )
                & Q(
                    weeks_per_year__gte=WEEKS_PER_YEAR_RANGE[0],
                    weeks_per_year__lte=WEEKS_PER_YEAR_RANGE[1],
                ),
                name="school_budget_conversion_in_range",
            ),
            models.CheckConstraint(
                condition=Q(hours_factor_by_hand__isnull=True)
                | Q(
                    hours_factor_by_hand__gte=FACTOR_RANGE[0],
                    hours_factor_by_hand__lte=FACTOR_RANGE[1],
                ),
                name="school_hours_factor_in_range",
                violation_error_message=FACTOR_RANGE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=(Q(size_measure="") & Q(size__isnull=True))
                | (~Q(size_measure="") & Q(size__gte=1, size__lte=MAX_SIZE)),
                name="school_size_with_its_measure",
                violation_error_message=_(
                    "Give the number of pupils or devices together with what it counts."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("teams:board", args=[self.pk])

    @property
    def hours_factor(self) -> Decimal:
        """What the catalogue's hours are multiplied by here (the calculator's rule)."""
        return hours_factor(self.hours_factor_by_hand, self.size_measure, self.size)

    @property
    def limits(self) -> Limits:
        """The school's limits as the calculator reads them."""
        return Limits(self.busy_from_percent, self.overloaded_above_percent)

    @property
    def hours_per_period_year(self) -> Decimal:
        """Hours a year that one teaching period a week gives in this school."""
        return units.hours_per_period_year(self)


# Where each kind of right applies: a school, a school group, or (the department) nowhere
# in particular. Memberships and the invitations that grant them share these conditions.
SCHOOL_SCOPE = (
    Q(kind__in=["director", "coordinator", "staff"])
    & Q(school__isnull=False)
    & Q(school_group__isnull=True)
)
GROUP_SCOPE = Q(kind="group_admin") & Q(school__isnull=True) & Q(school_group__isnull=False)
DEPARTMENT_SCOPE = Q(kind="department") & Q(school__isnull=True) & Q(school_group__isnull=True)


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
                condition=SCHOOL_SCOPE | GROUP_SCOPE | DEPARTMENT_SCOPE,
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
