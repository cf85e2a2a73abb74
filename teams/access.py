"""Who may see and change what in schools, decided in this one place.

An account's memberships say which schools it works in and how. Every view
fetches schools, tasks and staff through the helpers here, so that anything
outside the account's schools answers 404, and every list is scoped the
same way. There is no second permission system: views and templates ask
:func:`access_for` (``can_manage_school``, ``can_manage_task`` ...) directly.
Who may act on whom goes by :class:`Rank`: nobody ends the appointment of,
or changes the rights of, someone with more rights than themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from teams.models import (
    Appointment,
    Assignment,
    Invitation,
    Membership,
    Occurrence,
    School,
    SchoolGroup,
    SchoolTask,
    SchoolYear,
    StaffImport,
    StaffMember,
)

Kind = Membership.Kind
AnyUser = User | AnonymousUser


class Rank(IntEnum):
    """How many rights an account has in one school. Nobody ends the appointment of, or
    takes rights from, someone of a higher rank."""

    NONE = 0
    STAFF = 1
    COORDINATOR = 2
    DIRECTOR = 3
    GROUP_ADMIN = 4
    PLATFORM_ADMIN = 5

    @classmethod
    def of_rights(cls, kind: str) -> Rank:
        """The rank that rights of ``kind`` give in a school (or its school group)."""
        ranks: dict[str, Rank] = {
            Kind.STAFF: cls.STAFF,
            Kind.COORDINATOR: cls.COORDINATOR,
            Kind.DIRECTOR: cls.DIRECTOR,
            Kind.GROUP_ADMIN: cls.GROUP_ADMIN,
        }
        return ranks.get(kind, cls.PLATFORM_ADMIN)


@dataclass(frozen=True)
class Access:
    """What one account may do, read once per request from its memberships."""

    managed_school_ids: frozenset[int] = frozenset()
    member_school_ids: frozenset[int] = frozenset()
    director_school_ids: frozenset[int] = frozenset()
    coordinator_school_ids: frozenset[int] = frozenset()
    admin_school_group_ids: frozenset[int] = frozenset()
    school_group_school_ids: frozenset[int] = frozenset()
    is_department: bool = False
    # A staff user or superuser of the site: sees and runs every school and school group.
    is_platform_admin: bool = False

    @property
    def visible_school_ids(self) -> frozenset[int]:
        return self.managed_school_ids | self.member_school_ids | self.school_group_school_ids

    def can_view_school(self, school_id: int) -> bool:
        return self.is_platform_admin or school_id in self.visible_school_ids

    def can_manage_school(self, school_id: int) -> bool:
        return self.is_platform_admin or school_id in self.managed_school_ids

    def can_view_group(self, group_id: int) -> bool:
        return self.is_platform_admin or group_id in self.admin_school_group_ids

    def can_manage_group(self, group_id: int) -> bool:
        return self.is_platform_admin or group_id in self.admin_school_group_ids

    def can_manage_task(self, task: SchoolTask) -> bool:
        if task.school_group_id is not None:
            return self.can_manage_group(task.school_group_id)
        return task.school_id is not None and self.can_manage_school(task.school_id)

    def can_see_workload(self, school_id: int) -> bool:
        """Whether the account opens the school's workload dashboard: those who manage the
        school, and the administrators of its school group (who may only look)."""
        return self.can_manage_school(school_id) or school_id in self.school_group_school_ids

    def can_direct(self, school_id: int) -> bool:
        """Whether the account gives and takes managing rights in the school: its directors,
        the administrators of its school group (also to repair a school that lost its
        director), and platform administrators."""
        return (
            self.is_platform_admin
            or school_id in self.school_group_school_ids
            or school_id in self.director_school_ids
        )

    def rank_in(self, school_id: int) -> Rank:
        if self.is_platform_admin:
            return Rank.PLATFORM_ADMIN
        for rank, school_ids in (
            (Rank.GROUP_ADMIN, self.school_group_school_ids),
            (Rank.DIRECTOR, self.director_school_ids),
            (Rank.COORDINATOR, self.managed_school_ids),
            (Rank.STAFF, self.member_school_ids),
        ):
            if school_id in school_ids:
                return rank
        return Rank.NONE


def access_for(user: AnyUser) -> Access:
    """The account's access, cached on the user object for the rest of the request."""
    cached: Access | None = getattr(user, "_ictteam_access", None)
    if cached is not None:
        return cached
    access = read_access(user)
    if user.is_authenticated:
        user._ictteam_access = access  # type: ignore[attr-defined]  # a cache for this request
    return access


def read_access(user: AnyUser) -> Access:
    """The account's access as the database holds it now, never cached: for a check made
    again under a lock, when another change may have come in since the request began."""
    if not user.is_authenticated:
        return Access()
    rows = list(
        Membership.objects.filter(user=user).values_list("kind", "school_id", "school_group_id")
    )
    admin_groups = frozenset(group for kind, _, group in rows if kind == Kind.GROUP_ADMIN)
    school_group_schools = (
        frozenset(School.objects.filter(school_group__in=admin_groups).values_list("pk", flat=True))
        if admin_groups
        else frozenset()
    )
    return Access(
        managed_school_ids=frozenset(s for k, s, _ in rows if k in Membership.MANAGING_KINDS),
        member_school_ids=frozenset(s for k, s, _ in rows if k == Kind.STAFF),
        director_school_ids=frozenset(s for k, s, _ in rows if k == Kind.DIRECTOR),
        coordinator_school_ids=frozenset(s for k, s, _ in rows if k == Kind.COORDINATOR),
        admin_school_group_ids=admin_groups,
        school_group_school_ids=school_group_schools,
        is_department=any(kind == Kind.DEPARTMENT for kind, _, _ in rows),
        is_platform_admin=user.is_superuser or user.is_staff,
    )


def visible_schools(user: AnyUser) -> QuerySet[School]:
    access = access_for(user)
    schools = School.objects.select_related("school_group")
    return schools if access.is_platform_admin else schools.filter(pk__in=access.visible_school_ids)


def visible_school_groups(user: AnyUser) -> QuerySet[SchoolGroup]:
    access = access_for(user)
    groups = SchoolGroup.objects.all()
    if access.is_platform_admin:
        return groups
    return groups.filter(pk__in=access.admin_school_group_ids)


def get_school(user: AnyUser, pk: int, *, manage: bool = False) -> School:
    """School ``pk`` if the account works in it (404 otherwise); 403 if it may only look."""
    school = visible_schools(user).filter(pk=pk).first()
    if school is None:
        raise Http404
    if manage and not access_for(user).can_manage_school(school.pk):
        raise PermissionDenied
    return school


def get_school_group(user: AnyUser, pk: int) -> SchoolGroup:
    group = visible_school_groups(user).filter(pk=pk).first()
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
    if rights.is_platform_admin:
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
    person's own tasks where they still work (an assignment that counts); 404 otherwise."""
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
        visible = rights.is_platform_admin or (
            visible_schools(user).filter(school_group_id=task.school_group_id).exists()
        )
    mine = (
        not visible
        and Assignment.objects.counting()
        .filter(school_task=task, staff_member__user_id=user.pk or 0)
        .exists()
    )
    if not (visible or mine):
        raise Http404
    return occurrence


def may_mark_done(user: AnyUser, occurrence: Occurrence) -> bool:
    """Whether the account may mark ``occurrence`` done: it manages the occurrence's task, or
    its person is responsible for, or backs up, the task in the school year the occurrence
    falls in, and still works where the task belongs (an assignment that counts,
    :meth:`AssignmentQuerySet.counting`)."""
    if access_for(user).can_manage_task(occurrence.school_task):
        return True
    return (
        user.is_authenticated
        and Assignment.objects.counting()
        .filter(
            school_task_id=occurrence.school_task_id,
            school_year__start_year=SchoolYear.start_year_of(occurrence.due_on),
            staff_member__user_id=user.pk,
        )
        .exists()
    )


def can_direct_school(user: AnyUser, school: School) -> bool:
    """Whether the account may give and take managing rights in ``school``
    (:meth:`Access.can_direct`)."""
    return access_for(user).can_direct(school.pk)


def rights_in(member: StaffMember, school: School) -> str:
    """The strongest school rights in ``school`` of a person's account (director,
    coordinator or staff), as the database holds them now; "" without an account or
    rights there."""
    if member.user is None:
        return ""
    held = read_access(member.user)
    for kind, school_ids in (
        (Kind.DIRECTOR, held.director_school_ids),
        (Kind.COORDINATOR, held.coordinator_school_ids),
        (Kind.STAFF, held.member_school_ids),
    ):
        if school.pk in school_ids:
            return kind
    return ""


def rank_of(member: StaffMember, school: School) -> Rank:
    """The rank in ``school`` of a person's account, as the database holds it now; a person
    without an account ranks as staff."""
    if member.user is None:
        return Rank.STAFF
    return max(read_access(member.user).rank_in(school.pk), Rank.STAFF)


def may_act_on(user: AnyUser, member: StaffMember, school: School, *, fresh: bool = False) -> bool:
    """Whether the account may end ``member``'s appointment in ``school`` or change their
    rights there as far as rank goes: never someone with more rights than itself
    (staff < coordinator < director < school group administrator < platform administrator).

    ``fresh`` reads the account's own rights again instead of the request's copy: services
    check once more under the school's lock.
    """
    return _outranks_or_equals(_rights(user, fresh), member, school)


def may_end_appointment(
    user: AnyUser, member: StaffMember, school: School, *, fresh: bool = False
) -> bool:
    """Whether the account may take ``member`` off ``school``'s staff: it manages the school
    and the person has no more rights there than it has (:func:`may_act_on`)."""
    rights = _rights(user, fresh)
    return rights.can_manage_school(school.pk) and _outranks_or_equals(rights, member, school)


def may_change_rights(
    user: AnyUser, member: StaffMember, school: School, *, fresh: bool = False
) -> bool:
    """Whether the account may give or take ``member``'s rights in ``school``: it directs the
    school (:meth:`Access.can_direct`) and the person has no more rights there than it has
    (:func:`may_act_on`)."""
    rights = _rights(user, fresh)
    return rights.can_direct(school.pk) and _outranks_or_equals(rights, member, school)


def may_grant(user: AnyUser, school: School, kind: str, *, fresh: bool = False) -> bool:
    """Whether the account may give rights of ``kind`` in ``school``, by an invitation or
    otherwise: never more than it holds there itself (:class:`Rank`), and nothing once it is
    switched off. An invitation is held to this when it is sent and again when it is
    accepted (``fresh``, under the school's lock)."""
    return user.is_active and Rank.of_rights(kind) <= _rights(user, fresh).rank_in(school.pk)


def _rights(user: AnyUser, fresh: bool) -> Access:
    return read_access(user) if fresh else access_for(user)


def _outranks_or_equals(rights: Access, member: StaffMember, school: School) -> bool:
    return rank_of(member, school) <= rights.rank_in(school.pk)


@dataclass(frozen=True)
class Menu:
    """Which items of the main menu that lead to teams pages lead somewhere for the account
    (the step plan's and the pilots' are decided in ``guidelines.access``)."""

    schools: bool
    my_tasks: bool


def menu_for(user: AnyUser) -> Menu:
    """The account's menu: "Schools" for whoever works in, runs or creates schools, "My
    tasks" for whoever has rights in a school (only there can a person carry tasks). An
    account with neither finds the schools page, which says whom to ask, as its home."""
    rights = access_for(user)
    return Menu(
        schools=rights.is_platform_admin
        or may_create_schools(user)
        or bool(rights.visible_school_ids or rights.admin_school_group_ids),
        my_tasks=bool(rights.managed_school_ids or rights.member_school_ids),
    )


def may_create_schools(user: AnyUser) -> bool:
    """Whether the account creates school groups and stand-alone schools: only platform
    administrators (staff users of the site)."""
    return access_for(user).is_platform_admin


def require_platform_admin(user: AnyUser) -> None:
    """403 unless the account may create school groups and schools (:func:`may_create_schools`)."""
    if not may_create_schools(user):
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
