"""Who may see and change what in schools, decided in this one place.

An account's memberships say which schools it works in and how. Every view
fetches schools, tasks and staff through the helpers here, so that anything
outside the account's schools answers 404, and every list is scoped the
same way. There is no second permission system: views and templates ask
:func:`access_for` (``can_manage_school``, ``can_manage_task`` ...) directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import (
    Appointment,
    Invitation,
    Membership,
    Occurrence,
    School,
    SchoolGroup,
    SchoolTask,
    StaffImport,
    StaffMember,
)

Kind = Membership.Kind
AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class Access:
    """What one account may do, read once per request from its memberships."""

    managed_school_ids: frozenset[int] = frozenset()
    member_school_ids: frozenset[int] = frozenset()
    admin_group_ids: frozenset[int] = frozenset()
    group_school_ids: frozenset[int] = frozenset()
    is_department: bool = False
    is_superuser: bool = False

    @property
    def visible_school_ids(self) -> frozenset[int]:
        return self.managed_school_ids | self.member_school_ids | self.group_school_ids

    def can_view_school(self, school_id: int) -> bool:
        return self.is_superuser or school_id in self.visible_school_ids

    def can_manage_school(self, school_id: int) -> bool:
        return self.is_superuser or school_id in self.managed_school_ids

    def can_view_group(self, group_id: int) -> bool:
        return self.is_superuser or group_id in self.admin_group_ids

    def can_manage_group(self, group_id: int) -> bool:
        return self.is_superuser or group_id in self.admin_group_ids

    def can_manage_task(self, task: SchoolTask) -> bool:
        if task.school_group_id is not None:
            return self.can_manage_group(task.school_group_id)
        return task.school_id is not None and self.can_manage_school(task.school_id)


def access_for(user: AnyUser) -> Access:
    """The account's access, cached on the user object for the rest of the request."""
    cached = getattr(user, "_ictteam_access", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        return Access()
    rows = list(
        Membership.objects.filter(user=user).values_list("kind", "school_id", "school_group_id")
    )
    admin_groups = frozenset(group for kind, _, group in rows if kind == Kind.GROUP_ADMIN)
    group_schools = (
        frozenset(School.objects.filter(school_group__in=admin_groups).values_list("pk", flat=True))
        if admin_groups
        else frozenset()
    )
    access = Access(
        managed_school_ids=frozenset(s for k, s, _ in rows if k in Membership.MANAGING_KINDS),
        member_school_ids=frozenset(s for k, s, _ in rows if k == Kind.STAFF),
        admin_group_ids=admin_groups,
        group_school_ids=group_schools,
        is_department=any(kind == Kind.DEPARTMENT for kind, _, _ in rows),
        is_superuser=user.is_superuser,
    )
    user._ictteam_access = access  # type: ignore[union-attr,attr-defined]
    return access


def visible_schools(user: AnyUser) -> QuerySet[School]:
    access = access_for(user)
    schools = School.objects.select_related("school_group")
    return schools if access.is_superuser else schools.filter(pk__in=access.visible_school_ids)


def visible_groups(user: AnyUser) -> QuerySet[SchoolGroup]:
    access = access_for(user)
    groups = SchoolGroup.objects.all()
    return groups if access.is_superuser else groups.filter(pk__in=access.admin_group_ids)


def get_school(user: AnyUser, pk: int, *, manage: bool = False) -> School:
    """School ``pk`` if the account works in it (404 otherwise); 403 if it may only look."""
    school = visible_schools(user).filter(pk=pk).first()
    if school is None:
        raise Http404
    if manage and not access_for(user).can_manage_school(school.pk):
        raise PermissionDenied
    return school


def get_group(user: AnyUser, pk: int) -> SchoolGroup:
    group = visible_groups(user).filter(pk=pk).first()
    if group is None:
        raise Http404
    return group


def get_school_task(user: AnyUser, school: School, pk: int, *, manage: bool = False) -> SchoolTask:
    """A task on ``school``'s board (its own list or its group's), else 404."""
    task = SchoolTask.objects.for_school(school).with_catalogue().filter(pk=pk).first()
    if task is None:
        raise Http404
    if manage and not access_for(user).can_manage_task(task):
        raise PermissionDenied
    return task


def staff_of(school: School) -> QuerySet[StaffMember]:
    """The people who work in the school now."""
    return StaffMember.objects.working_in(school)


def staff_for_task(task: SchoolTask) -> QuerySet[StaffMember]:
    """Who may take a task: the school's staff, or for a group-level task anyone in the group."""
    return StaffMember.objects.working_where(
        school_id=task.school_id, school_group_id=task.school_group_id
    )


def can_edit_person(user: AnyUser, member: StaffMember) -> bool:
    """Whether the account may change what every school sees of a person: their name and
    e-mail. Only when it manages every school the person works in."""
    rights = access_for(user)
    if rights.is_superuser:
        return True
    schools = set(
        Appointment.objects.current()
        .filter(staff_member=member)
        .values_list("school_id", flat=True)
    )
    return schools <= rights.managed_school_ids


def get_staff_member(user: AnyUser, school: School, pk: int) -> StaffMember:
    member = staff_of(school).filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def get_occurrence(user: AnyUser, pk: int) -> Occurrence:
    """An occurrence of a task on the board of one of the account's schools, or one of the
    person's own tasks; 404 otherwise."""
    occurrence = (
        Occurrence.objects.select_related("school_task__catalogue_task", "school_task__school")
        .filter(pk=pk)
        .first()
    )
    if occurrence is None:
        raise Http404
    task = occurrence.school_task
    rights = access_for(user)
    if task.school_id is not None:
        visible = rights.can_view_school(task.school_id)
    else:
        visible = rights.is_superuser or (
            visible_schools(user).filter(school_group_id=task.school_group_id).exists()
        )
    mine = task.assignments.filter(staff_member__user_id=user.pk or 0).exists()
    if not (visible or mine):
        raise Http404
    return occurrence


def can_direct_school(user: AnyUser, school: School) -> bool:
    """Whether the account may give and take managing rights in ``school``: its directors,
    the administrators of its school group, and platform administrators."""
    rights = access_for(user)
    if rights.is_superuser or school.pk in rights.group_school_ids:
        return True
    return Membership.objects.filter(
        user_id=user.pk or 0, school=school, kind=Kind.DIRECTOR
    ).exists()


def require_platform_admin(user: AnyUser) -> None:
    """Only platform administrators (staff users of the site) create school groups and
    stand-alone schools."""
    if not user.is_staff:
        raise PermissionDenied


def get_invitation(school: School, pk: int) -> Invitation:
    """An invitation into ``school`` (which the caller fetched through the helpers), else 404."""
    invitation = Invitation.objects.filter(school=school, pk=pk).select_related("staff_member")
    found = invitation.first()
    if found is None:
        raise Http404
    return found


def get_staff_import(school: School, pk: int) -> StaffImport:
    """A staff import into ``school`` (which the caller fetched through the helpers), else 404."""
    found = StaffImport.objects.filter(school=school, pk=pk).select_related("school").first()
    if found is None:
        raise Http404
    return found
