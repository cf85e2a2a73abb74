"""Staff imports: one upload of a school's staff list, from preview to confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from teams.models.organisation import School


class StaffImport(models.Model):
    """One staff list on its way into a school, read once.

    The uploaded bytes are kept only until the list has been read (at once,
    or by a job for a large workbook); the people read from it (``rows``) and
    the director's choice of posts (``post_map``) only while the import waits
    for confirmation. Confirming locks this row: an import is applied once.
    """

    class Status(models.TextChoices):
        ANALYSING = "analysing", _("reading the file")
        PREVIEW = "preview", _("waiting for confirmation")
        APPLIED = "applied", _("imported")
        REFUSED = "refused", _("refused")
        CANCELLED = "cancelled", _("cancelled")
        FAILED = "failed", _("failed")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=12, choices=Status.choices)
    rows = models.JSONField(default=list, blank=True, editable=False)
    has_post_column = models.BooleanField(default=False)
    post_map = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)  # counts once applied
    fingerprint = models.CharField(max_length=64, blank=True)  # of the plan applied
    job_runs = models.PositiveSmallIntegerField(default=0, editable=False)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("teams:staff_import_preview", args=[self.school_id, self.pk])

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))
