"""The teams app's models, one module per area; import them from here."""

from .accounts import INVITATION_VALID_FOR, AccountSettings, Invitation
from .organisation import Membership, School, SchoolGroup, SchoolYear
from .reminders import (
    Digest,
    Occurrence,
    Reminder,
    ReminderSettings,
    Rhythm,
    Schedule,
    SchoolReminderPolicy,
)
from .staff import (
    HOURS_PER_WEEK_FULL_TIME,
    HOURS_PER_YEAR_FULL_TIME,
    MAX_BUDGET_HOURS,
    STANDARD_ROLE_NAMES,
    STANDARD_ROLES,
    WEEKS_PER_SCHOOL_YEAR,
    Appointment,
    Budget,
    Post,
    Role,
    StaffMember,
    StaffRole,
)
from .tasks import Assignment, SchoolTask
from .workload import (
    GROUP_KINDS,
    SCHOOL_FIGURES,
    SchoolWorkload,
    StaffWorkload,
    WorkloadRequest,
    WorkloadSnapshot,
)

__all__ = [
    "GROUP_KINDS",
    "HOURS_PER_WEEK_FULL_TIME",
    "HOURS_PER_YEAR_FULL_TIME",
    "INVITATION_VALID_FOR",
    "MAX_BUDGET_HOURS",
    "SCHOOL_FIGURES",
    "STANDARD_ROLES",
    "STANDARD_ROLE_NAMES",
    "WEEKS_PER_SCHOOL_YEAR",
    "AccountSettings",
    "Appointment",
    "Assignment",
    "Budget",
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
    "StaffMember",
    "StaffRole",
    "StaffWorkload",
    "WorkloadRequest",
    "WorkloadSnapshot",
]
