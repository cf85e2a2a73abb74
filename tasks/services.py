"""Bringing a task-overview workbook into the catalogue, and recording it.

Every import takes the same path, whether it comes from the browser, the
command line or a job:

1. :func:`start_upload` records the upload and checks the file
   (``workbook_guard``);
2. :func:`analyse` reads it once (``importer``), compares it with the
   catalogue (``upsert.plan_import``) and keeps the tasks read for the preview;
3. :func:`confirm_upload` and :func:`apply_confirmed` write it, all or nothing
   (``upsert.apply_plan``), from the tasks kept in step 2.

Steps 2 and 3 run at once for a small file, or as a job (``tasks.jobs``) for a
large one; the command line runs everything at once, then confirms by itself.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ictteam.celery import enqueue_on_commit

from . import job_list
from .importer import ParsedTask, ParsedWorkbook, read_workbook
from .models import CatalogueImport, Task, TaskGroup
from .problems import Problem, RefusedFile
from .signals import catalogue_changed
from .upsert import Plan, PlanChanged, apply_plan, plan_import
from .workbook_guard import check_upload

Status = CatalogueImport.Status
Source = CatalogueImport.Source
MAX_JOB_RUNS = 3
SHIPPED_CATALOGUE = settings.CONTENT_DIR / "fixtures" / "takenoverzicht-ict-coordinatie.xlsx"
logger = logging.getLogger(__name__)


@dataclass
class ImportOutcome:
    """The result of one import run, for the command line and the tests."""

    record: CatalogueImport
    problems: list[Problem]
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        record = self.record
        return {
            "created": record.created,
            "updated": record.updated,
            "unchanged": record.unchanged,
            "retired": record.retired,
            "errors": [problem.as_json() for problem in self.problems],
            "dry_run": self.dry_run,
        }


# --- The command line ---------------------------------------------------------------------


def import_file(
    *,
    data: bytes,
    file_name: str,
    dry_run: bool,
    allow_retire: bool = False,
    user: User | AnonymousUser | None = None,
) -> ImportOutcome:
    """Import a workbook in one go, as the command line does; record the attempt.

    The browser's steps, all in this process. With ``dry_run`` the catalogue is
    compared but never written. An import that would retire more than a quarter
    of the active catalogue is refused unless ``allow_retire`` is given, in a
    dry run too, so that a dry run tells what the real run will do.
    """
    record = start_upload(
        data=data, file_name=file_name, user=user, source=Source.COMMAND, in_job=False
    )
    if record.status == Status.PREVIEW and record.retires_many and not allow_retire:
        problem = Problem(
            "retires_too_many", params={"retired": record.retired, "active": record.active_before}
        )
        _finish(record, Status.REFUSED, errors=[problem.as_stored()])
    elif record.status == Status.PREVIEW and dry_run:
        _finish(record, Status.CHECKED)
    elif record.status == Status.PREVIEW:
        record = confirm_upload(record=record, in_job=False)
        record.refresh_from_db()
        if record.status == Status.PREVIEW:  # another import wrote the catalogue meanwhile
            _finish(record, Status.FAILED, errors=[Problem("catalogue_changed").as_stored()])
    problems = [Problem.from_stored(stored) for stored in record.errors]
    return ImportOutcome(record, problems, dry_run=dry_run)


def load_shipped_catalogue() -> ImportOutcome | None:
    """Import the task overview shipped in ``fixtures/`` when the catalogue has no task yet.

    Returns None, and writes nothing, when the catalogue has a task (active or retired): a
    catalogue once there is never replaced. The import is the command line's
    (:func:`import_file`) and recorded like any other. Raises ``RuntimeError`` when the
    shipped workbook does not import.
    """
    if Task.objects.exists():
        return None
    outcome = import_file(
        data=SHIPPED_CATALOGUE.read_bytes(), file_name=SHIPPED_CATALOGUE.name, dry_run=False
    )
    if not outcome.ok:
        raise RuntimeError(f"The shipped catalogue does not import: {outcome.problems}")
    return outcome


# --- Steps ---------------------------------------------------------------------------------


def start_upload(
    *,
    data: bytes,
    file_name: str,
    user: User | AnonymousUser | None,
    source: str = Source.WEB,
    in_job: bool | None = None,
) -> CatalogueImport:
    """Record an upload, check it, and read it now or in a job; nothing is imported yet.

    A file is read by a job when the parts a parser reads unpack to more than
    ``CATALOGUE_JOB_THRESHOLD_BYTES`` (``in_job=None``), so a web request never
    parses a large file; ``in_job`` forces the choice. The record ends as
    refused, invalid or waiting in preview, or is left for the job.
    """
    record = CatalogueImport(
        created_by=user if isinstance(user, User) else None,
        source=source,
        file_name=file_name[:255],
        file_size=len(data),
        file_sha256=hashlib.sha256(data).hexdigest(),
    )
    try:
        checked = check_upload(data, file_name, max_bytes=settings.CATALOGUE_UPLOAD_MAX_BYTES)
    except RefusedFile as refused:
        _finish(record, Status.REFUSED, errors=[refused.problem.as_stored()])
        return record
    if in_job is None:
        in_job = checked.parsed_bytes > settings.CATALOGUE_JOB_THRESHOLD_BYTES
    record.content, record.status = data, Status.ANALYSING
    record.save()
    if in_job:
        enqueue_on_commit(job_list.ANALYSE_IMPORT, record.pk)
    else:
        analyse(record)
    return record


def analyse(record: CatalogueImport) -> None:
    """Read a checked upload once and record its preview; safe to run twice.

    Refusals and invalid rows end the record with its problems. Otherwise the
    tasks read are kept on the record for the writing step, the file is
    dropped, and the record waits in preview.
    """
    if record.status != Status.ANALYSING or record.content is None:
        return
    try:
        parsed = read_workbook(
            bytes(record.content), list(TaskGroup.objects.all()), progress=_progress_for(record)
        )
    except RefusedFile as refused:
        _finish(record, Status.REFUSED, errors=[refused.problem.as_stored()])
        return
    if parsed.problems:
        _finish(
            record,
            Status.INVALID,
            errors=[p.as_stored() for p in parsed.problems],
            sheet_name=parsed.sheet[:100],
        )
        return
    _store_preview(record, parsed, plan_import(parsed))
    record.rows = [task.as_stored() for task in parsed.tasks]
    record.content = None
    record.status = Status.PREVIEW
    record.save()


def confirm_upload(*, record: CatalogueImport, in_job: bool | None = None) -> CatalogueImport:
    """Carry out a previewed import, at once or as a job.

    It runs as a job when it writes more than ``CATALOGUE_JOB_THRESHOLD_ROWS``
    tasks (``in_job=None``). Raises ``ValidationError`` when the import is no
    longer waiting for confirmation (confirmed twice or cancelled meanwhile).
    """
    with transaction.atomic():
        locked = CatalogueImport.objects.select_for_update().get(pk=record.pk)
        if locked.status != Status.PREVIEW:
            raise ValidationError(_("This import is no longer waiting for confirmation."))
        locked.status = Status.APPLYING
        locked.progress_done = locked.progress_total = 0
        locked.save(update_fields=["status", "progress_done", "progress_total", "updated_at"])
        if in_job is None:
            in_job = locked.row_count > settings.CATALOGUE_JOB_THRESHOLD_ROWS
        if in_job:
            enqueue_on_commit(job_list.APPLY_IMPORT, locked.pk)
            return locked
    apply_confirmed(locked)
    return locked


def apply_confirmed(record: CatalogueImport) -> None:
    """Write a confirmed import from the tasks kept at its preview; safe to run twice.

    The record is locked and re-checked, so a second run finds it done and does
    nothing. When the catalogue changed since the preview, the import goes back
    to preview with the new changes instead of writing anything the user has
    not seen.
    """
    with transaction.atomic():
        record = CatalogueImport.objects.select_for_update().get(pk=record.pk)
        if record.status != Status.APPLYING:
            return
        if not record.rows:  # never an empty plan: it would retire the whole catalogue
            _finish(record, Status.FAILED, errors=[Problem("no_tasks").as_stored()])
            return
        groups = {group.pk: group for group in TaskGroup.objects.all()}
        try:
            tasks = [ParsedTask.from_stored(row, groups) for row in record.rows]
        except KeyError:
            _finish(record, Status.FAILED, errors=[Problem("groups_changed").as_stored()])
            return
        parsed = ParsedWorkbook(sheet=record.sheet_name, tasks=tasks)
        try:
            plan = apply_plan(parsed, expected_fingerprint=record.fingerprint)
        except PlanChanged:
            _store_preview(record, parsed, plan_import(parsed))
            record.status = Status.PREVIEW
            record.save()
            return
        _store_preview(record, parsed, plan)
        _finish(record, Status.APPLIED)
        if record.change_count:
            catalogue_changed.send(sender=CatalogueImport, catalogue_import=record)


def start_job(record_id: int) -> CatalogueImport | None:
    """Count one more run of a waiting import's job; the record, or None to stop.

    A job killed by its hard time limit or by the system (out of memory) ends
    nothing, so the periodic scan would send it again and again. After
    ``MAX_JOB_RUNS`` runs the import fails with the reason instead.
    """
    counted = CatalogueImport.objects.filter(
        pk=record_id, status__in=CatalogueImport.WAITING
    ).update(job_runs=F("job_runs") + 1, updated_at=timezone.now())
    if not counted:
        return None  # done, cancelled or deleted meanwhile
    record = CatalogueImport.objects.get(pk=record_id)
    if record.job_runs > MAX_JOB_RUNS:
        mark_failed(record_id, Problem("job_gave_up", params={"count": MAX_JOB_RUNS}))
        return None
    return record


def mark_failed(record_id: int, problem: Problem | None = None) -> None:
    """End an import whose job broke, so no scan retries it forever."""
    problem = problem or Problem("unreadable", params={"detail": "internal error"})
    CatalogueImport.objects.filter(pk=record_id, status__in=CatalogueImport.WAITING).update(
        status=Status.FAILED,
        content=None,
        rows=[],
        finished_at=timezone.now(),
        errors=[problem.as_stored()],
    )


def cancel_upload(*, record: CatalogueImport) -> None:
    """Drop a previewed import; raises ``ValidationError`` if it is past that."""
    updated = CatalogueImport.objects.filter(pk=record.pk, status=Status.PREVIEW).update(
        status=Status.CANCELLED, content=None, rows=[], finished_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("This import is no longer waiting for confirmation."))


def stale_waiting_imports() -> list[CatalogueImport]:
    """Imports left waiting by a job that never ran (broker down) or died."""
    stale = timezone.now() - timedelta(minutes=10)
    return list(
        CatalogueImport.objects.filter(
            status__in=CatalogueImport.WAITING, updated_at__lt=stale
        ).defer("content", "rows")
    )


# --- Helpers --------------------------------------------------------------------------------


def _finish(record: CatalogueImport, status: str, **values: Any) -> None:
    """End ``record`` in ``status``; what it kept of the file goes."""
    for name, value in values.items():
        setattr(record, name, value)
    record.status = status
    record.finished_at = timezone.now()
    record.content = None
    record.rows = []
    record.save()


def _store_preview(record: CatalogueImport, parsed: ParsedWorkbook, plan: Plan) -> None:
    """Copy what an import does, or would do, onto its record (not saved)."""
    record.sheet_name = parsed.sheet[:100]
    record.row_count = len(parsed.tasks)
    for kind, count in plan.counts.items():
        setattr(record, kind, count)
    record.changes = plan.stored_changes()
    record.fingerprint = plan.fingerprint
    record.active_before = plan.active_before


def _progress_for(record: CatalogueImport) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        CatalogueImport.objects.filter(pk=record.pk).update(
            progress_done=done, progress_total=total, updated_at=timezone.now()
        )

    return report
