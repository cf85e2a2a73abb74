"""Importing a school's staff list: compare it with the staff, preview it, apply it once.

The browser and the command line take the same steps:

1. :func:`start_import` records an upload and refuses a file that cannot be a
   staff list (``teams.staff.staff_file``); a small file is read at once, a large
   workbook by a job (``job_list.ANALYSE_STAFF_IMPORT``) that reports its progress;
2. :func:`plan_import` compares the people read with the school's staff
   through ``teams.staff.identity``, so the school group's rules hold, and writes
   nothing: the preview is this plan;
3. :func:`confirm_import` (the browser) and :func:`apply_import` write it, all
   or nothing, holding the lock of the scope's row (``identity.lock_scope``).
   The plan is made again inside the lock and, when confirmed from a
   preview, must still be the one previewed (its fingerprint); a second
   confirmation, or a run at the same moment, finds nothing left to do.

How rows meet people: by e-mail address within the school group (or the
stand-alone school); a row without an address by first and last name (any
case) among the people working here without an address, then among those
whose address the file does not hold; otherwise it adds a person without an
address, once. People on the staff but missing from the file stay unless the
director ends their appointments.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ictteam.celery import enqueue_on_commit
from teams import job_list
from teams.models import (
    Appointment,
    Post,
    School,
    SchoolYear,
    StaffImport,
    StaffMember,
    name_sort_key,
)
from teams.staff import identity
from teams.staff.services import end_appointment
from teams.staff.staff_file import (
    ParsedStaff,
    RefusedStaffFile,
    StaffImportError,
    StaffRow,
    check_file,
    name_key,
    post_key,
    read_staff,
    recognise_post,
)
from teams.workload.services import mark_from_now, school_with_sisters

Status = StaffImport.Status
MAX_JOB_RUNS = 3
PREVIEW_KEPT_FOR = timedelta(days=2)
FINISHED_KEPT_FOR = timedelta(days=30)
# A post choice: the person keeps the post they hold here (a new person: teacher).
KEEP = "keep"
FIELD_NAMES = {
    "first_name": gettext_lazy("first name"),
    "last_name": gettext_lazy("last name"),
    "post": gettext_lazy("post"),
}


# --- The plan --------------------------------------------------------------------------------


def post_label(post: str) -> str:
    if post == KEEP:
        return _("keep the current post (new people: teacher)")
    return str(Post(post).label)


@dataclass(frozen=True)
class FieldChange:
    """One field of a person that the import changes: old → new."""

    field: str
    old: str
    new: str

    @property
    def label(self) -> str:
        return str(FIELD_NAMES[self.field])

    @property
    def old_text(self) -> str:
        return post_label(self.old) if self.field == "post" else self.old

    @property
    def new_text(self) -> str:
        return post_label(self.new) if self.field == "post" else self.new


@dataclass
class Planned:
    """What happens to the person of one row."""

    row: StaffRow
    post: str  # the post they will hold here
    member: StaffMember | None = None  # None: a new person
    changes: list[FieldChange] = field(default_factory=list)
    name_kept: bool = False  # the file names them otherwise, but they also work elsewhere
    back: bool = False  # someone who worked here before, taken back

    @property
    def post_label(self) -> str:
        return post_label(self.post)


@dataclass(frozen=True)
class FilePost:
    """One post text of the file, how often it occurs, and the post it becomes."""

    key: str
    text: str
    count: int
    recognised: str | None
    chosen: str  # one of Post, or KEEP

    @property
    def chosen_label(self) -> str:
        return post_label(self.chosen)


@dataclass
class StaffPlan:
    """What an import does, or would do, to a school's staff."""

    new: list[Planned] = field(default_factory=list)
    changed: list[Planned] = field(default_factory=list)
    unchanged: list[Planned] = field(default_factory=list)
    left_out: list[StaffImportError] = field(default_factory=list)  # rows not imported
    missing: list[StaffMember] = field(default_factory=list)
    errors: list[StaffImportError] = field(default_factory=list)
    posts: list[FilePost] = field(default_factory=list)
    has_post_column: bool = True
    ended: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unknown_posts(self) -> list[FilePost]:
        return [post for post in self.posts if post.recognised is None]

    @property
    def names_kept(self) -> list[Planned]:
        return [p for p in [*self.changed, *self.unchanged] if p.name_kept]

    @property
    def post_map(self) -> dict[str, str]:
        return {post.key: post.chosen for post in self.posts}

    @property
    def fingerprint(self) -> str:
        """Changes whenever the plan would do something else (checked before writing)."""

        def person(p: Planned) -> str:
            changes = [(c.field, c.old, c.new) for c in p.changes]
            who = p.member.pk if p.member else ""
            return f"{who}:{p.row.email}:{p.row.first_name}:{p.row.last_name}:{p.post}:{changes}"

        parts = [f"p:{sorted(self.post_map.items())}"]
        parts += [f"n:{person(p)}" for p in self.new]
        parts += [f"c:{person(p)}:{p.name_kept}" for p in self.changed]
        parts += [f"u:{person(p)}:{p.name_kept}" for p in self.unchanged]
        parts += [f"l:{error.row}" for error in self.left_out]
        parts += [f"m:{member.pk}" for member in self.missing]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.new),
            "updated": len(self.changed),
            "unchanged": len(self.unchanged),
            "left_out": len(self.left_out),
            "ended": self.ended,
        }

    def as_json(self, *, dry_run: bool) -> dict[str, Any]:
        ok = self.ok
        return {
            "created": len(self.new) if ok else 0,
            "updated": len(self.changed) if ok else 0,
            "unchanged": len(self.unchanged) if ok else 0,
            "not_in_file": [m.email or m.full_name for m in self.missing] if ok else [],
            "left_out": [error.as_json() for error in self.left_out],
            "unknown_posts": [{"text": p.text, "becomes": p.chosen} for p in self.unknown_posts],
            "errors": [error.as_json() for error in self.errors],
            "dry_run": dry_run,
        }


def file_posts(rows: Iterable[StaffRow], post_map: dict[str, str]) -> list[FilePost]:
    """The file's post texts in order of appearance, each with the post it becomes: the
    director's choice in ``post_map``, else the post recognised, else :data:`KEEP`."""
    found: dict[str, list[Any]] = {}
    for row in rows:
        if row.post_text:
            found.setdefault(post_key(row.post_text), [row.post_text, 0])[1] += 1
    posts = []
    for key, (text, count) in found.items():
        recognised = recognise_post(text)
        chosen = post_map.get(key)
        if chosen not in (*Post.values, KEEP):
            chosen = recognised or KEEP
        posts.append(FilePost(key, text, count, recognised, chosen))
    return posts


def plan_import(
    *, school: School, parsed: ParsedStaff, post_map: dict[str, str] | None = None
) -> StaffPlan:
    """Compare the people of a file with the school's staff; writes nothing.

    Rows whose address belongs to someone this school may not appoint are
    left out (``left_out``) with the staff form's answer; the rest go ahead.
    """
    plan = StaffPlan(errors=list(parsed.errors), has_post_column=parsed.has_post_column)
    plan.posts = file_posts(parsed.rows, post_map or {})
    if not plan.ok:
        return plan
    here = {
        appointment.staff_member_id: appointment
        for appointment in Appointment.objects.current()
        .filter(school=school)
        .select_related("staff_member")
        .order_by("staff_member_id")
    }
    matched = _match(parsed.rows, [a.staff_member for a in here.values()])
    elsewhere = identity.working_elsewhere([m.pk for m in matched.values()], school)
    unknown = [row.email for row in parsed.rows if row.email and row.row not in matched]
    known = identity.people_by_email(school, unknown)
    chosen = plan.post_map
    for row in parsed.rows:
        member = matched.get(row.row)
        if member is not None:
            current = here[member.pk].post
            planned = _planned(row, member, _post(row, chosen, current), current, elsewhere)
            (plan.changed if planned.changes else plan.unchanged).append(planned)
            continue
        post = _post(row, chosen, None)
        person = known.get(row.email)
        if person is None:
            plan.new.append(Planned(row, post))
            continue
        try:
            identity.appointment_to_take_back(person, school)
        except ValidationError as refused:
            if hasattr(refused, "error_dict"):  # identity.email_not_usable: names nobody
                plan.left_out.append(StaffImportError("email_not_usable", {}, row.row))
            else:
                params = {"name": person.full_name}
                plan.left_out.append(StaffImportError("already_here", params, row.row))
            continue
        plan.new.append(_planned(row, person, post, None, set(), back=True))
    seen = {member.pk for member in matched.values()}
    plan.missing = sorted(
        (a.staff_member for pk, a in here.items() if pk not in seen),
        key=lambda m: (name_sort_key(m.last_name), name_sort_key(m.first_name), m.pk),
    )
    return plan


def _match(rows: list[StaffRow], staff: list[StaffMember]) -> dict[int, StaffMember]:
    """The person on the staff each row is (by row number): by address, and a row without
    one by name, first among people without an address, then among those whose address
    the file does not hold; people of the same name pair up in the order they were added."""
    by_email: dict[str, StaffMember] = {}
    for member in staff:
        if member.email:
            by_email.setdefault(identity.normalise_email(member.email), member)
    matched = {row.row: by_email[row.email] for row in rows if row.email in by_email}
    in_file = {row.email for row in rows if row.email}
    for with_address in (False, True):
        by_name: dict[tuple[str, str], list[StaffMember]] = defaultdict(list)
        for member in staff:
            address = identity.normalise_email(member.email)
            if bool(address) == with_address and address not in in_file:
                by_name[name_key(member.first_name, member.last_name)].append(member)
        taken = {member.pk for member in matched.values()}
        for row in rows:
            if row.email or row.row in matched:
                continue
            candidates = [m for m in by_name.get(row.name_key, []) if m.pk not in taken]
            if candidates:
                matched[row.row] = candidates[0]
                taken.add(candidates[0].pk)
    return matched


def _post(row: StaffRow, chosen: dict[str, str], current: str | None) -> str:
    """The post a row gives: without a post text, or with one the director keeps, the
    current post (a new person: teacher)."""
    post = chosen.get(post_key(row.post_text), KEEP) if row.post_text else KEEP
    return (current or Post.TEACHER) if post == KEEP else post


def _planned(
    row: StaffRow,
    member: StaffMember,
    post: str,
    current: str | None,
    elsewhere: set[int],
    back: bool = False,
) -> Planned:
    planned = Planned(row, post, member, back=back)
    names = {"first_name": row.first_name, "last_name": row.last_name}
    differs = {name: value for name, value in names.items() if getattr(member, name) != value}
    if differs and member.pk in elsewhere:
        planned.name_kept = True  # their name is every school's where they work
    else:
        for name, value in differs.items():
            planned.changes.append(FieldChange(name, getattr(member, name), value))
    if current is not None and post != current:
        planned.changes.append(FieldChange("post", current, post))
    return planned


# --- Writing ---------------------------------------------------------------------------------


class PlanChanged(Exception):
    """The staff changed between the preview and the confirmation; nothing was written."""


def apply_import(
    *,
    school: School,
    parsed: ParsedStaff,
    post_map: dict[str, str] | None = None,
    fingerprint: str | None = None,
    end_for: Iterable[int] = (),
    by: User | AnonymousUser | None = None,
) -> StaffPlan:
    """Write an import, all or nothing, and end the appointments the director chose.

    Holds the lock of the scope's row and plans again inside it, so a run
    that comes second finds the first one's people and adds nobody twice.
    With ``fingerprint`` (the preview's), :class:`PlanChanged` is raised and
    nothing is written when the plan would now do something else. ``end_for``
    holds ids of people not in the file whose appointments end here; ``by``, the
    account confirming, must be allowed to end each (``services.end_appointment``
    refuses someone with more rights, and then nothing is written).
    """
    with transaction.atomic():
        identity.lock_scope(school)
        plan = plan_import(school=school, parsed=parsed, post_map=post_map)
        if not plan.ok:
            return plan
        if fingerprint is not None and fingerprint != plan.fingerprint:
            raise PlanChanged
        for planned in plan.new:
            _add(school, planned)
        for planned in plan.changed:
            assert planned.member is not None
            _change(school, planned.member, planned)
        leaving = {member.pk: member for member in plan.missing}
        ending = [leaving[pk] for pk in dict.fromkeys(end_for) if pk in leaving]
        year = SchoolYear.current()
        for member in ending:
            end_appointment(member=member, school=school, school_year=year, by=by)
        plan.ended = len(ending)
        if plan.new:
            mark_from_now(school_with_sisters(school))
    return plan


def _add(school: School, planned: Planned) -> None:
    """Add the person of a row, or take back someone who worked here before."""
    row = planned.row
    appointed = identity.appoint(
        school=school,
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        post=planned.post,
    )
    names = [change for change in planned.changes if change.field != "post"]
    if not appointed.created and names:
        _change(school, appointed.member, planned)


def _change(school: School, member: StaffMember, planned: Planned) -> None:
    fields = {change.field: change.new for change in planned.changes}
    names = [name for name in ("first_name", "last_name") if name in fields]
    if names:
        for name in names:
            setattr(member, name, fields[name])
        member.save(update_fields=names)
    if "post" in fields:
        Appointment.objects.filter(staff_member=member, school=school).update(post=fields["post"])


# --- Imports on record: the browser's preview and confirmation --------------------------------


def start_import(
    *, school: School, data: bytes, file_name: str, user: User | AnonymousUser | None
) -> StaffImport:
    """Record an upload, refuse it or read it (now, or by a job for a large workbook).

    The record ends refused (with its problems) or waiting in preview, or is
    left reading for the job; nothing of the staff changes.
    """
    record = StaffImport(
        school=school,
        created_by=user if isinstance(user, User) else None,
        file_name=file_name[:255],
        status=Status.ANALYSING,
    )
    try:
        in_job = check_file(data, file_name)
    except RefusedStaffFile as refused:
        _finish(record, Status.REFUSED, errors=[refused.error.as_stored()])
        return record
    record.content = data
    record.save()
    if in_job:
        enqueue_on_commit(job_list.ANALYSE_STAFF_IMPORT, record.pk)
    else:
        analyse(record)
    return record


def analyse(record: StaffImport) -> None:
    """Read a recorded upload once and keep the people read; safe to run twice."""
    if record.status != Status.ANALYSING or record.content is None:
        return
    try:
        parsed = read_staff(bytes(record.content), record.file_name, _progress_for(record))
    except RefusedStaffFile as refused:
        _finish(record, Status.REFUSED, errors=[refused.error.as_stored()])
        return
    if parsed.errors:
        _finish(record, Status.REFUSED, errors=[error.as_stored() for error in parsed.errors])
        return
    record.rows = [row.as_stored() for row in parsed.rows]
    record.has_post_column = parsed.has_post_column
    record.content = None
    record.status = Status.PREVIEW
    # The progress fields are the job's to write: leave what it reported.
    record.save(update_fields=["rows", "has_post_column", "content", "status", "updated_at"])


def parsed_rows(record: StaffImport) -> ParsedStaff:
    """The people an import read, as kept on its record (never read from the file again)."""
    return ParsedStaff(
        rows=[StaffRow.from_stored(row) for row in record.rows],
        has_post_column=record.has_post_column,
    )


def preview(record: StaffImport) -> StaffPlan:
    """What confirming an import would do now."""
    return plan_import(school=record.school, parsed=parsed_rows(record), post_map=record.post_map)


def choose_posts(*, record: StaffImport, choices: dict[str, str]) -> bool:
    """Keep the director's post for each post text of the file; returns whether that
    changes the preview (then it must be looked at again before confirming)."""
    posts = file_posts(parsed_rows(record).rows, record.post_map)
    wanted = {post.key: choices.get(post.key, post.chosen) for post in posts}
    if any(choice not in (*Post.values, KEEP) for choice in wanted.values()):
        raise ValidationError(_("Choose one of the posts."))
    if wanted == {post.key: post.chosen for post in posts}:
        return False
    StaffImport.objects.filter(pk=record.pk, status=Status.PREVIEW).update(
        post_map=wanted, updated_at=timezone.now()
    )
    record.post_map = wanted
    return True


def confirm_import(
    *,
    record: StaffImport,
    fingerprint: str,
    end_for: Iterable[int] = (),
    by: User | AnonymousUser | None = None,
) -> StaffPlan:
    """Apply a previewed import, once.

    Raises ``ValidationError`` when it was applied (or cancelled) already, and
    :class:`PlanChanged` when the staff changed since the preview; either way
    nothing is written.
    """
    with transaction.atomic():
        identity.lock_scope(record.school)  # before the record: one order of locks
        locked = StaffImport.objects.select_for_update().get(pk=record.pk)
        if locked.status == Status.APPLIED:
            raise ValidationError(
                _("This staff list was imported already; nothing more was changed."),
                code="applied",
            )
        if locked.status != Status.PREVIEW:
            raise ValidationError(_("This import is no longer waiting for confirmation."))
        plan = apply_import(
            school=record.school,
            parsed=parsed_rows(locked),
            post_map=locked.post_map,
            fingerprint=fingerprint,
            end_for=end_for,
            by=by,
        )
        _finish(locked, Status.APPLIED, result=plan.counts(), fingerprint=plan.fingerprint)
    return plan


def cancel_import(*, record: StaffImport) -> None:
    """Drop a previewed import and the people read from it."""
    StaffImport.objects.filter(pk=record.pk, status=Status.PREVIEW).update(
        status=Status.CANCELLED, rows=[], post_map={}, finished_at=timezone.now()
    )


# --- The command line -------------------------------------------------------------------------


def import_file(
    *,
    school: School,
    data: bytes,
    file_name: str,
    dry_run: bool,
    post_map: dict[str, str] | None = None,
) -> StaffPlan:
    """Read a file and apply it in this process, as the command line does.

    No preview to hold to: the plan made inside the lock is the one applied,
    so a run at the same moment as another finds the other's people.
    """
    try:
        parsed = read_staff(data, file_name)
    except RefusedStaffFile as refused:
        return StaffPlan(errors=[refused.error])
    if dry_run:
        return plan_import(school=school, parsed=parsed, post_map=post_map)
    return apply_import(school=school, parsed=parsed, post_map=post_map)


# --- Jobs ------------------------------------------------------------------------------------


def start_job(record_id: int) -> StaffImport | None:
    """Count one more run of a reading job; the record, or None when there is nothing to do
    (read already, or given up after :data:`MAX_JOB_RUNS` runs)."""
    counted = StaffImport.objects.filter(pk=record_id, status=Status.ANALYSING).update(
        job_runs=F("job_runs") + 1, updated_at=timezone.now()
    )
    if not counted:
        return None
    record = StaffImport.objects.select_related("school").get(pk=record_id)
    if record.job_runs > MAX_JOB_RUNS:
        mark_failed(record_id)
        return None
    return record


def mark_failed(record_id: int) -> None:
    """End an import whose reading job broke or ran out of time."""
    StaffImport.objects.filter(pk=record_id, status=Status.ANALYSING).update(
        status=Status.FAILED, content=None, finished_at=timezone.now()
    )


def tidy_imports() -> list[int]:
    """Drop previews nobody confirmed within :data:`PREVIEW_KEPT_FOR` and imports finished
    for :data:`FINISHED_KEPT_FOR` (their rows and problems name people); returns the
    imports whose reading job never ran, to send again."""
    now = timezone.now()
    StaffImport.objects.filter(
        status__in=[Status.APPLIED, Status.REFUSED, Status.CANCELLED, Status.FAILED],
        updated_at__lt=now - FINISHED_KEPT_FOR,
    ).delete()
    StaffImport.objects.filter(status=Status.PREVIEW, updated_at__lt=now - PREVIEW_KEPT_FOR).update(
        status=Status.CANCELLED, rows=[], post_map={}, finished_at=now
    )
    stale = StaffImport.objects.filter(
        status=Status.ANALYSING, updated_at__lt=now - timedelta(minutes=10)
    )
    return list(stale.values_list("pk", flat=True))


def _finish(record: StaffImport, status: str, **values: Any) -> None:
    """End ``record`` in ``status``; what it kept of the file goes."""
    for name, value in values.items():
        setattr(record, name, value)
    record.status = status
    record.finished_at = timezone.now()
    record.content = None
    record.rows = []
    record.save()


def _progress_for(record: StaffImport) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        StaffImport.objects.filter(pk=record.pk).update(
            progress_done=done, progress_total=total, updated_at=timezone.now()
        )

    return report
