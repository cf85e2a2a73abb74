"""Who may see and change step plans and pilots, decided in this one place.

School pages go through ``teams.access``: a school outside the account's
schools answers 404. The director and the ICT coordinators tick and edit;
every staff member and the school group's administrator may read. The
department viewer sees pilot data only, never a school's own pages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from teams.access import AnyUser, access_for, get_school
from teams.models import School

from .models import Cycle, Pilot


def can_edit(user: AnyUser, school: School) -> bool:
    return access_for(user).can_manage_school(school.pk)


def get_plan_school(user: AnyUser, school_id: int, *, edit: bool = False) -> School:
    """The school if the account works in it or runs its group (404 otherwise); 403 when
    ``edit`` and the account may only read."""
    school = get_school(user, school_id)
    if edit and not can_edit(user, school):
        raise PermissionDenied
    return school


def get_cycle(user: AnyUser, school_id: int, cycle_id: int, *, edit: bool = False) -> Cycle:
    """A cycle of a school the account may see (404 otherwise)."""
    school = get_plan_school(user, school_id, edit=edit)
    cycle = (
        Cycle.objects.filter(pk=cycle_id, school=school)
        .select_related("school", "school_year", "version__guideline", "previous_version")
        .first()
    )
    if cycle is None:
        raise Http404
    return cycle


def has_step_plan(user: AnyUser) -> bool:
    """Whether "Step plan" leads to a school's plan: the account sees a school. Without one
    it would only lead to the pilots, which their own menu item opens."""
    rights = access_for(user)
    return rights.is_platform_admin or bool(rights.visible_school_ids)


def can_publish(user: AnyUser) -> bool:
    """Whether the account uploads and publishes guideline versions: platform administrators
    only, since a version is shared by every school."""
    return access_for(user).is_platform_admin


def require_publisher(user: AnyUser) -> None:
    """403 unless the account may upload and publish guideline versions (:func:`can_publish`)."""
    if not can_publish(user):
        raise PermissionDenied


def follows_pilots(user: AnyUser) -> bool:
    rights = access_for(user)
    return rights.is_department or rights.is_platform_admin or bool(rights.admin_school_group_ids)


def visible_pilots(user: AnyUser) -> QuerySet[Pilot]:
    """Every pilot for the department; a group administrator's pilots with their schools."""
    rights = access_for(user)
    pilots = Pilot.objects.select_related("version__guideline")
    if rights.is_department or rights.is_platform_admin:
        return pilots
    return pilots.filter(schools__school_group__in=rights.admin_school_group_ids).distinct()


def get_pilot(user: AnyUser, pilot_id: int) -> Pilot:
    pilot = visible_pilots(user).filter(pk=pilot_id).first()
    if pilot is None:
        raise Http404
    return pilot


def pilot_schools(user: AnyUser, pilot: Pilot) -> QuerySet[School]:
    """The pilot's schools the account may follow."""
    rights = access_for(user)
    schools = pilot.schools.select_related("school_group").order_by("name")
    if rights.is_department or rights.is_platform_admin:
        return schools
    return schools.filter(school_group__in=rights.admin_school_group_ids)
