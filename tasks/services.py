"""Bringing a task-overview workbook into the catalogue, and recording it.

Every import goes through the same steps, whether it comes from the browser,
the command line or a job: check the file (``workbook_guard``), read it
(``importer``), compare it with the catalogue (``upsert.plan_import``), and
only then, all or nothing, write it (``upsert.apply_plan``).
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ictteam.celery import enqueue_on_commit

from .importer import ParsedWorkbook, read_workbook
from .models import CatalogueImport, TaskGroup
from .problems import Problem, RefusedFile
from .signals import catalogue_changed
from .upsert import Plan, PlanChanged, apply_plan, plan_import
from .workbook_guard import check_upload, count_rows

Status = CatalogueImport.Status
logger = logging.getLogger(__name__)


@dataclass
class ImportOutcome:
    """The result of one import run, for the command line and the tests."""

    record: CatalogueImport
    problems: list[Problem]

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
            "dry_run": record.status == Status.CHECKED,
        }


def _new_record(
    data: bytes, file_name: str, user: User | AnonymousUser | None, source: str
) -> CatalogueImport:
    return CatalogueImport(
        created_by=user if isinstance(user, User) else None,
        source=source,
        file_name=file_name[:255],
        file_size=len(data),
        file_sha256=hashlib.sha256(data).hexdigest(),
    )


def _finish(record: CatalogueImport, status: str, **values: Any) -> None:
    for name, value in values.items():
        setattr(record, name, value)
    record.status = status
    record.finished_at = timezone.now()
    if status not in (Status.PREVIEW, *CatalogueImport.WAITING):
        record.content = None
    record.save()


def _store_plan(record: CatalogueImport, parsed: ParsedWorkbook, plan: Plan) -> None:
    record.sheet_name = parsed.sheet[:100]
    record.row_count = len(parsed.tasks)
    for kind, count in plan.counts.items():
        setattr(record, kind, count)


def _read(record: CatalogueImport, data: bytes, check: bool = True) -> ParsedWorkbook:
    """Check and read ``data``; refusals and invalid rows end the record."""
    if check:
        check_upload(data, record.file_name, max_bytes=settings.CATALOGUE_UPLOAD_MAX_BYTES)
    groups = list(TaskGroup.objects.all())
    return read_workbook(data, groups, progress=_progress_for(record))


def _progress_for(record: CatalogueImport) -> Callable[[int, int], None] | None:
    if record.pk is None:
        return None

    def report(done: int, total: int) -> None:
        CatalogueImport.objects.filter(pk=record.pk).update(
            progress_done=done, progress_total=total, updated_at=timezone.now()
        )

    return report


def import_file(
    *, data: bytes, file_name: str, dry_run: bool, user: User | AnonymousUser | None = None
) -> ImportOutcome:
    """Import a workbook in one go, as the command line does; record the attempt.

    With ``dry_run`` the catalogue is compared but never written.
    """
    record = _new_record(data, file_name, user, CatalogueImport.Source.COMMAND)
    try:
        parsed = _read(record, data)
    except RefusedFile as refused:
        _finish(record, Status.REFUSED, errors=[refused.problem.as_stored()])
        return ImportOutcome(record, [refused.problem])
    if parsed.problems:
        _finish(
            record,
            Status.INVALID,
            errors=[p.as_stored() for p in parsed.problems],
            sheet_name=parsed.sheet[:100],
        )
        return ImportOutcome(record, parsed.problems)
    plan = apply_plan(parsed) if not dry_run else plan_import(parsed)
    _store_plan(record, parsed, plan)
    _finish(record, Status.CHECKED if dry_run else Status.APPLIED)
    if not dry_run and record.change_count:
        catalogue_changed.send(sender=CatalogueImport, catalogue_import=record)
    return ImportOutcome(record, [])


def start_upload(*, data: bytes, file_name: str, user: User | AnonymousUser) -> CatalogueImport:
    """Record a browser upload and prepare its preview; nothing is imported yet.

    Small files are read at once. Large ones are stored and read by a job,
    whose progress the browser follows on the import's page.
    """
    record = _new_record(data, file_name, user, CatalogueImport.Source.WEB)
    try:
        check_upload(data, file_name, max_bytes=settings.CATALOGUE_UPLOAD_MAX_BYTES)
    except RefusedFile as refused:
        _finish(record, Status.REFUSED, errors=[refused.problem.as_stored()])
        return record
    try:
        rows = count_rows(data)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        logger.info("Damaged sheet in %s", file_name, exc_info=exc)
        _finish(record, Status.REFUSED, errors=[Problem("damaged").as_stored()])
        return record
    if rows > settings.CATALOGUE_JOB_THRESHOLD_ROWS:
        record.content, record.status = data, Status.ANALYSING
        record.save()
        from .jobs import analyse_import

        enqueue_on_commit(analyse_import, record.pk)
        return record
    record.content = data
    _analyse(record, data, check=False)
    return record


def analyse(record: CatalogueImport) -> None:
    """Read a stored upload and record its preview (the job behind large uploads)."""
    if record.status != Status.ANALYSING or record.content is None:
        return
    _analyse(record, bytes(record.content), check=False)


def _analyse(record: CatalogueImport, data: bytes, *, check: bool) -> None:
    if record.pk is None:
        record.status = Status.ANALYSING
        record.save()
    try:
        parsed = _read(record, data, check=check)
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
    plan = plan_import(parsed)
    _store_plan(record, parsed, plan)
    record.changes = plan.stored_changes()
    record.fingerprint = plan.fingerprint
    record.status = Status.PREVIEW
    record.save()


def confirm_upload(*, record: CatalogueImport) -> CatalogueImport:
    """Carry out a previewed import, at once or as a job for large files.

    Raises ``ValidationError`` when the import is no longer waiting for
    confirmation (confirmed twice or cancelled meanwhile).
    """
    with transaction.atomic():
        locked = CatalogueImport.objects.select_for_update().get(pk=record.pk)
        if locked.status != Status.PREVIEW or locked.content is None:
            raise ValidationError(_("This import is no longer waiting for confirmation."))
        locked.status = Status.APPLYING
        locked.progress_done = locked.progress_total = 0
        locked.save(update_fields=["status", "progress_done", "progress_total"])
        if locked.row_count > settings.CATALOGUE_JOB_THRESHOLD_ROWS:
            from .jobs import apply_import

            enqueue_on_commit(apply_import, locked.pk)
            return locked
    apply_confirmed(locked)
    return locked


def apply_confirmed(record: CatalogueImport) -> None:
    """Write a confirmed import (the job behind large uploads); safe to run twice.

    The file is read before taking any lock; the record is then locked and
    re-checked, so a second run finds it done and does nothing. When the
    catalogue changed since the preview, the import goes back to preview with
    the new changes instead of writing anything the user has not seen.
    """
    if record.status != Status.APPLYING or record.content is None:
        return
    data = bytes(record.content)
    try:
        parsed = _read(record, data, check=False)
    except RefusedFile as refused:
        parsed = ParsedWorkbook(problems=[refused.problem])
    with transaction.atomic():
        record = CatalogueImport.objects.select_for_update().get(pk=record.pk)
        if record.status != Status.APPLYING:
            return
        if parsed.problems:  # the catalogue's groups changed under the file
            _finish(record, Status.FAILED, errors=[p.as_stored() for p in parsed.problems])
            return
        try:
            plan = apply_plan(parsed, expected_fingerprint=record.fingerprint)
        except PlanChanged:
            plan = plan_import(parsed)
            _store_plan(record, parsed, plan)
            record.changes = plan.stored_changes()
            record.fingerprint = plan.fingerprint
            record.status = Status.PREVIEW
            record.save()
            return
        _store_plan(record, parsed, plan)
        _finish(record, Status.APPLIED)
        if record.change_count:
            catalogue_changed.send(sender=CatalogueImport, catalogue_import=record)


def mark_failed(record_id: int) -> None:
    """End an import whose job broke on something unforeseen, so no scan retries it forever."""
    CatalogueImport.objects.filter(pk=record_id, status__in=CatalogueImport.WAITING).update(
        status=Status.FAILED,
        content=None,
        finished_at=timezone.now(),
        errors=[Problem("unreadable", params={"detail": "internal error"}).as_stored()],
    )


def cancel_upload(*, record: CatalogueImport) -> None:
    """Drop a previewed import; raises ``ValidationError`` if it is past that."""
    updated = CatalogueImport.objects.filter(pk=record.pk, status=Status.PREVIEW).update(
        status=Status.CANCELLED, content=None, finished_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("This import is no longer waiting for confirmation."))


def stale_waiting_imports() -> list[CatalogueImport]:
    """Imports left waiting by a job that never ran (broker down) or died."""
    stale = timezone.now() - timedelta(minutes=10)
    return list(
        CatalogueImport.objects.filter(
            status__in=CatalogueImport.WAITING, updated_at__lt=stale
        ).defer("content")
    )
