"""Guidelines as versioned data, and each school's progress through them.

A guideline (the provisional guidelines, the final step plan) has versions;
a version has phases, steps and checklist items. Every phase, step and item
carries a key that stays the same from version to version, so a school's
progress is stored by key and survives a new version. A school works through
one version per cycle (a school year).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from teams.models import School, SchoolYear, StaffMember


def in_reader_language(dutch: str, english: str) -> str:
    """A text in the reader's language: Dutch, or English when they read English and it is there."""
    if (get_language() or "nl").startswith("en") and english:
        return english
    return dutch


class Bilingual(models.Model):
    """A title and an explanation in Dutch (required) and English (optional)."""

    title_nl = models.CharField(_("title (Dutch)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    explanation_nl = models.TextField(_("explanation (Dutch)"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_reader_language(self.title_nl, self.title_en)

    @property
    def explanation(self) -> str:
        return in_reader_language(self.explanation_nl, self.explanation_en)


class Guideline(models.Model):
    key = models.SlugField(_("key"), max_length=60, unique=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("guideline")
        verbose_name_plural = _("guidelines")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_reader_language(self.title_nl, self.title_en)


class GuidelineVersionQuerySet(models.QuerySet["GuidelineVersion"]):
    def published(self) -> GuidelineVersionQuerySet:
        return self.filter(published_at__isnull=False)

    def newest_published(self) -> GuidelineVersionQuerySet:
        """Each guideline's newest published version: the one a new cycle starts on (cycles
        under way move on to it as it is published)."""
        newer = GuidelineVersion.objects.published().filter(
            guideline=OuterRef("guideline"), number__gt=OuterRef("number")
        )
        return self.published().exclude(Exists(newer))


class GuidelineVersion(models.Model):
    """One version of a guideline. Once published its structure is fixed: a change is a
    new version, so a school always sees what changed."""

    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    is_draft_text = models.BooleanField(
        _("draft text"),
        default=True,
        help_text=_("The wording is a draft, to be replaced by the official text."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GuidelineVersionQuerySet.as_manager()

    class Meta:
        ordering = ["guideline__key", "-number"]
        verbose_name = _("guideline version")
        verbose_name_plural = _("guideline versions")
        constraints = [
            models.UniqueConstraint(fields=["guideline", "number"], name="version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.guideline} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Phase(Bilingual):
    version = models.ForeignKey(GuidelineVersion, on_delete=models.CASCADE, related_name="phases")
    key = models.SlugField(_("key"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="phase_unique_key")]


class Step(Bilingual):
    """A step of a guideline. ``connection`` says which figures of the school it shows."""

    class Connection(models.TextChoices):
        NONE = "", _("none")
        DIVISION = "division", _("dividing the tasks")
        RESOURCES = "resources", _("resources")
        OUTSOURCING = "outsourcing", _("outsourcing")

    version = models.ForeignKey(GuidelineVersion, on_delete=models.CASCADE, related_name="steps")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(_("key"), max_length=60)
    number = models.PositiveSmallIntegerField(_("number"))
    connection = models.CharField(
        _("connection"), max_length=20, choices=Connection.choices, blank=True
    )
    is_evaluation = models.BooleanField(
        _("evaluation step"), default=False, help_text=_("Reopened at the start of each cycle.")
    )

    class Meta:
        ordering = ["number", "pk"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="step_unique_key"),
        ]

    def clean(self) -> None:
        if self.phase_id and self.version_id and self.phase.version_id != self.version_id:
            raise ValidationError(_("The phase belongs to another version."))


class Item(Bilingual):
    """One checklist item of a step."""

    version = models.ForeignKey(GuidelineVersion, on_delete=models.CASCADE, related_name="items")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(_("key"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="item_unique_key"),
        ]


class Cycle(models.Model):
    """A school's round through one guideline version in a school year.

    ``previous_version`` is set when the cycle moved to a newer version, until the
    school has seen what changed.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="cycles")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="cycles")
    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="cycles")
    previous_version = models.ForeignKey(
        GuidelineVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shares_notes = models.BooleanField(
        _("share our notes with the pilot"),
        default=False,
        help_text=_("The department and the school group may read the notes of this cycle."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-school_year__start_year"]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "guideline"], name="cycle_unique_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year}: {self.version}"

    def clean(self) -> None:
        if self.version_id and self.guideline_id and self.version.guideline_id != self.guideline_id:
            raise ValidationError(_("The version belongs to another guideline."))


class Progress(models.Model):
    """Where a school stands on one checklist item in a cycle, stored by the item's key."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        NOT_APPLICABLE = "not_applicable", _("not applicable")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="progress")
    item_key = models.SlugField(_("item"), max_length=60)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("progress")
        verbose_name_plural = _("progress")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "item_key"], name="progress_unique_item"),
            models.CheckConstraint(
                condition=~Q(state="not_applicable") | ~Q(reason=""),
                name="progress_not_applicable_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.item_key} {self.state}"

    def clean(self) -> None:
        if self.state == self.State.NOT_APPLICABLE and not self.reason.strip():
            raise ValidationError({"reason": _("Say why this item does not apply.")})


class StepPlan(models.Model):
    """Who owns a step in a cycle, and by when it should be done (stored by step key)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="step_plans")
    step_key = models.SlugField(_("step"), max_length=60)
    owner = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guideline_steps",
        verbose_name=_("owner"),
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)

    class Meta:
        verbose_name = _("step owner and date")
        verbose_name_plural = _("step owners and dates")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "step_key"], name="stepplan_unique_step"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.step_key}"

    def is_overdue(self, on: date) -> bool:
        return self.target_date is not None and self.target_date < on


class SelfCheck(models.Model):
    """The school's answers to the self-check at the start or the end of a cycle."""

    class Moment(models.TextChoices):
        START = "start", _("start of the cycle")
        END = "end", _("end of the cycle")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="self_checks")
    moment = models.CharField(_("moment"), max_length=5, choices=Moment.choices)
    answers = models.JSONField(_("answers"), default=dict)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filled_at = models.DateTimeField(_("filled in at"), auto_now=True)

    class Meta:
        verbose_name = _("self-check")
        verbose_name_plural = _("self-checks")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "moment"], name="selfcheck_unique_moment"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.moment}"


class Pilot(models.Model):
    """A pilot: schools trying out a guideline version over a period, followed by the
    department."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="pilots")
    schools = models.ManyToManyField(School, related_name="pilots", verbose_name=_("schools"))

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="pilot_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValidationError({"ends_on": _("The pilot ends before it starts.")})

    @property
    def start_years(self) -> list[int]:
        """The school years the pilot's period falls in."""
        first = SchoolYear.start_year_of(self.starts_on)
        last = SchoolYear.start_year_of(self.ends_on)
        return list(range(first, last + 1))
