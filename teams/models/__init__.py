"""The teams app's models, one module per area; import them from here."""

from .accounts import INVITATION_VALID_FOR, AccountSettings, Invitation
from .organisation import Membership, School, SchoolGroup, SchoolYear
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
    "INVITATION_VALID_FOR",
    "MAX_BUDGET_HOURS",
    "STAFFING_FIELDS",
    "STANDARD_ROLES",
    "STANDARD_ROLE_NAMES",
    "WEEKS_PER_SCHOOL_YEAR",
    "AccountSettings",
    "Appointment",
    "Assignment",
    "Budget",
    "Invitation",
    "Job",
    "Membership",
    "Role",
    "School",
    "SchoolGroup",
    "SchoolTask",
    "SchoolYear",
    "StaffMember",
    "StaffRole",
    "StaffWorkload",
    "WorkloadRequest",
    "WorkloadSnapshot",
    "load_state",
]
