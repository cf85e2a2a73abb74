"""Object permissions for schools and school groups (read through ``teams.access``)."""

import rules

from .access import access_for


@rules.predicate
def can_view_school(user, school) -> bool:  # type: ignore[no-untyped-def]
    return school is not None and access_for(user).can_view_school(school.pk)


@rules.predicate
def can_manage_school(user, school) -> bool:  # type: ignore[no-untyped-def]
    return school is not None and access_for(user).can_manage_school(school.pk)


@rules.predicate
def can_manage_group(user, group) -> bool:  # type: ignore[no-untyped-def]
    return group is not None and access_for(user).can_manage_group(group.pk)


@rules.predicate
def can_manage_task(user, task) -> bool:  # type: ignore[no-untyped-def]
    return task is not None and access_for(user).can_manage_task(task)


rules.add_perm("teams.see_school", can_view_school)
rules.add_perm("teams.manage_school", can_manage_school)
rules.add_perm("teams.manage_group", can_manage_group)
rules.add_perm("teams.manage_task", can_manage_task)
