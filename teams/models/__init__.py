"""The teams app's models, one module per area; import them from here."""

from teams.models.accounts import INVITATION_VALID_FOR, AccountSettings, Invitation
from teams.models.conflict import Conflict
from teams.models.imports import StaffImport
from teams.models.organisation import (
    MAX_SIZE,
    Membership,
    School,
    SchoolGroup,
    SchoolYear,
    SizeMeasure,
)
from teams.models.reminders import (
    Digest,
    Occurrence,
    Reminder,
    ReminderSettings,
    Rhythm,
    Schedule,
    SchoolReminderPolicy,
)
from teams.models.staff import (
    EMAIL_MAX_LENGTH,
    NAME_COLLATION,
    STANDARD_ROLE_NAMES,
    STANDARD_ROLES,
    Appointment,
    Budget,
    Post,
    Role,
    StaffMember,
    StaffRole,
    by_name,
    compare_names,
    name_sort_key,
)
from teams.models.tasks import Assignment, SchoolTask
from teams.models.workload import (
    SCHOOL_FIGURES,
    SchoolWorkload,
    StaffWorkload,
    WorkloadRequest,
    WorkloadSnapshot,
)
from teams.workload.units import HOURS_PER_YEAR_FULL_TIME, MAX_BUDGET_HOURS, BudgetUnit

__all__ = [
    "EMAIL_MAX_LENGTH",
    "HOURS_PER_YEAR_FULL_TIME",
    "INVITATION_VALID_FOR",
    "MAX_BUDGET_HOURS",
    "MAX_SIZE",
    "NAME_COLLATION",
    "SCHOOL_FIGURES",
    "STANDARD_ROLES",
    "STANDARD_ROLE_NAMES",
    "AccountSettings",
    "Appointment",
    "Assignment",
    "Budget",
    "BudgetUnit",
    "Conflict",
    "Digest",
    "Invitation",
    "Membership",
    "Occurrence",
    "Post",
    "Reminder",
    "ReminderSettings",
    "Rhythm",
    "Role",
    "Schedule",
    "School",
    "SchoolGroup",
    "SchoolReminderPolicy",
    "SchoolTask",
    "SchoolWorkload",
    "SchoolYear",
    "SizeMeasure",
    "StaffImport",
    "StaffMember",
    "StaffRole",
    "StaffWorkload",
    "WorkloadRequest",
    "WorkloadSnapshot",
    "by_name",
    "compare_names",
    "name_sort_key",
]
