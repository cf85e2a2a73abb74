"""The teams app's models, one module per area; import them from here."""

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
    Job,
    Role,
    StaffMember,
    StaffRole,
)
from .tasks import STAFFING_FIELDS, Assignment, SchoolTask
from .workload import GROUP_KINDS, StaffWorkload, WorkloadRequest, WorkloadSnapshot, load_state

__all__ = [
    "GROUP_KINDS",
    "HOURS_PER_WEEK_FULL_TIME",
    "HOURS_PER_YEAR_FULL_TIME",
    "MAX_BUDGET_HOURS",
    "STAFFING_FIELDS",
    "STANDARD_ROLES",
    "STANDARD_ROLE_NAMES",
    "WEEKS_PER_SCHOOL_YEAR",
    "Appointment",
    "Assignment",
    "Budget",
    "Digest",
    "Job",
    "Membership",
    "Occurrence",
    "Reminder",
    "ReminderSettings",
    "Rhythm",
    "Role",
    "Schedule",
    "School",
    "SchoolGroup",
    "SchoolReminderPolicy",
    "SchoolTask",
    "SchoolYear",
    "StaffMember",
    "StaffRole",
    "StaffWorkload",
    "WorkloadRequest",
    "WorkloadSnapshot",
    "load_state",
]
