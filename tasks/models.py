"""The ICT task catalogue: groups, tasks and the record of every import."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .text import normalise

# No task takes more hours a year than this, well below a full-time post
# (teams.workload.units.HOURS_PER_YEAR_FULL_TIME: 38 hours a week x 37 weeks = 1,406 hours).
MAX_TASK_HOURS = Decimal("1000")


class Frequency(models.TextChoices):
    DAILY = "daily", _("daily")
    WEEKLY = "weekly", _("weekly")
    MONTHLY = "monthly", _("monthly")
    TRIMESTER = "trimester", _("per trimester")
    YEARLY = "yearly", _("yearly")
    ONCE = "once", _("once")
    AD_HOC = "ad_hoc", _("ad hoc / unspecified")


class Level(models.TextChoices):
    SCHOOL = "school", _("school")
    SCHOOL_GROUP = "school_group", _("school group")


class TaskGroupQuerySet(models.QuerySet["TaskGroup"]):
    def by_position(self) -> TaskGroupQuerySet:
        return self.order_by("position", "name")

    def ensure_standard(self) -> None:
        """Create any of the four standard groups that is missing.

        A migration creates them; this restores them where a database was
        emptied without migrating again (a flushed test database, for one).
        """
        for kind, name, _label, position in STANDARD_GROUPS:
            self.get_or_create(kind=kind, defaults={"name": name, "position": position})


# The standard groups: their kind, their stored (Dutch) name, that name as the pages show
# it in their language, and their position.
STANDARD_GROUPS = [
    ("technical", "Technisch", _("Technical"), 1),
    ("pedagogical", "Pedagogisch-didactisch", _("Pedagogical-didactical"), 2),
    ("policy", "Beleid en visie", _("Policy and vision"), 3),
    ("administrative", "Administratief", _("Administrative"), 4),
]
STANDARD_LABELS = {(kind, name): label for kind, name, label, _position in STANDARD_GROUPS}


class TaskGroup(models.Model):
    """One of the groups the catalogue sorts its tasks into.

    The four standard groups carry a ``kind`` so that code can tell technical
    work from pedagogical work whatever a maintainer renames them to; groups
    added later have no kind.
    """

    class Kind(models.TextChoices):
        TECHNICAL = "technical", _("technical")
        PEDAGOGICAL = "pedagogical", _("pedagogical-didactical")
        POLICY = "policy", _("policy and vision")
        ADMINISTRATIVE = "administrative", _("administrative")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = TaskGroupQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=~Q(kind=""), name="taskgroup_unique_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name as the pages show it: a standard group under its standard name in the
        page's language; a renamed or added group under the name it was given."""
        return str(STANDARD_LABELS.get((self.kind, self.name), self.name))


class TaskQuerySet(models.QuerySet["Task"]):
    def active(self) -> TaskQuerySet:
        return self.filter(is_active=True)

    def with_status(self, status: str) -> TaskQuerySet:
        """``active`` (the default), ``retired`` or ``all`` tasks."""
        if status == "all":
            return self
        return self.filter(is_active=status != "retired")

    def filtered(
        self,
        *,
        text: str = "",
        group: TaskGroup | None = None,
        role: str = "",
        frequency: str = "",
        level: str = "",
        status: str = "active",
    ) -> TaskQuerySet:
        """The catalogue list's search and filters; empty values filter nothing."""
        result = self.with_status(status).search(text)
        if group is not None:
            result = result.filter(group=group)
        if role:
            result = result.filter(suggested_role=role)
        if frequency:
            result = result.filter(frequency=frequency)
        if level:
            result = result.filter(level=level)
        return result

    def search(self, text: str) -> TaskQuerySet:
        """Tasks whose code, title or description contain every word of ``text``."""
        result = self
        for word in text.split():
            result = result.filter(
                Q(code__icontains=word)
                | Q(title__icontains=word)
                | Q(title_key__contains=normalise(word))
                | Q(description__icontains=word)
            )
        return result


class Task(models.Model):
    """An ICT-coordination task of the shared catalogue.

    Catalogue tasks are never deleted once imported: a task missing from a new
    import is retired (``is_active`` false) so that whatever schools built on it
    keeps pointing somewhere. ``title_key`` is the normalised title that an
    import without codes matches on.
    """

    code = models.CharField(_("code"), max_length=30, blank=True)
    title = models.CharField(_("task"), max_length=300)
    title_key = models.CharField(max_length=300, editable=False)
    description = models.TextField(_("description"), blank=True)
    group = models.ForeignKey(
        TaskGroup, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("group")
    )
    suggested_role = models.CharField(_("suggested role"), max_length=200, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=Frequency.choices, default=Frequency.AD_HOC
    )
    hours_per_year = models.DecimalField(
        _("hours per year"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_TASK_HOURS)],
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.SCHOOL)
    is_active = models.BooleanField(_("active"), default=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["group__position", "code", "title"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="task_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(hours_per_year__isnull=True)
                | Q(hours_per_year__gte=0, hours_per_year__lte=MAX_TASK_HOURS),
                name="task_hours_in_range",
            ),
            models.CheckConstraint(
                condition=Q(is_active=True) | Q(retired_at__isnull=False),
                name="task_retired_has_date",
            ),
        ]
        indexes = [models.Index(fields=["group", "title_key"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.title_key = self.key_for(self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("tasks:detail", args=[self.pk])

    def clean(self) -> None:
        if not self.is_active and self.retired_at is None:
            raise ValidationError({"retired_at": _("A retired task needs a retirement date.")})

    @staticmethod
    def key_for(title: str) -> str:
        """The key an import matches ``title`` on: the one place it is computed.

        Cut to the field's length, as normalising can lengthen text ("ﬃ" is "ffi").
        """
        return normalise(title)[:300]


class CatalogueImport(models.Model):
    """One attempt to bring a task-overview workbook into the catalogue.

    The uploaded bytes are kept only until the workbook has been read (at once,
    or by a job); the tasks read from it (``rows``) only while the import waits
    for confirmation or is being written. ``changes`` holds the preview the
    user confirmed, and ``active_before`` the size of the catalogue it was
    compared with.
    """

    # Retiring more than this share of the active catalogue is called out in the
    # preview and refused on the command line without --allow-retire.
    RETIRE_WARNING_SHARE = 0.25

    class Status(models.TextChoices):
        REFUSED = "refused", _("refused")
        INVALID = "invalid", _("invalid rows")
        ANALYSING = "analysing", _("analysing")
        PREVIEW = "preview", _("waiting for confirmation")
        APPLYING = "applying", _("importing")
        APPLIED = "applied", _("imported")
        CHECKED = "checked", _("checked only (dry run)")
        CANCELLED = "cancelled", _("cancelled")
        FAILED = "failed", _("failed")

    class Source(models.TextChoices):
        WEB = "web", _("browser")
        COMMAND = "command", _("command line")

    WAITING = (Status.ANALYSING, Status.APPLYING)

    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveIntegerField(_("file size"), default=0)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    sheet_name = models.CharField(_("sheet"), max_length=100, blank=True)
    row_count = models.PositiveIntegerField(_("task rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    retired = models.PositiveIntegerField(_("retired"), default=0)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    changes = models.JSONField(default=list, blank=True, editable=False)
    rows = models.JSONField(default=list, blank=True, editable=False)
    active_before = models.PositiveIntegerField(default=0, editable=False)
    job_runs = models.PositiveSmallIntegerField(default=0, editable=False)
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("catalogue import")
        verbose_name_plural = _("catalogue imports")
        permissions = [("import_catalogue", _("Can import the task catalogue"))]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("tasks:import_detail", args=[self.pk])

    @property
    def is_waiting(self) -> bool:
        return self.status in self.WAITING

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def change_count(self) -> int:
        return self.created + self.updated + self.retired

    @property
    def retires_many(self) -> bool:
        """Whether the import retires more than a quarter of the active catalogue."""
        return self.retired > self.active_before * self.RETIRE_WARNING_SHARE
