from django.urls import path

from teams.assignments.views import board, history, person_tasks, task_list
from teams.reminders import views as reminders
from teams.staff.views import onboarding, schools, staff
from teams.workload import views as workload

app_name = "teams"

urlpatterns = [
    path("", schools.school_list, name="schools"),
    path("me/", person_tasks.my_tasks, name="my_tasks"),
    path("new/", onboarding.new_school, name="school_new"),
    path("school-groups/new/", onboarding.new_school_group, name="school_group_new"),
    path("school-groups/<int:group_id>/", schools.school_group, name="school_group"),
    path(
        "school-groups/<int:group_id>/tasks/",
        task_list.school_group_task_list,
        name="school_group_tasks",
    ),
    path(
        "school-groups/<int:group_id>/link-staff/",
        schools.school_group_link,
        name="school_group_link",
    ),
    path("reminders/", reminders.reminder_list, name="reminders"),
    path("reminders/<int:reminder_id>/", reminders.reminder_open, name="reminder_open"),
    path("reminders/settings/", reminders.reminder_settings, name="reminder_settings"),
    path("reminders/settings/new-address/", reminders.reset_feed, name="reset_feed"),
    path("reminders/feed/<str:token>.ics", reminders.feed, name="feed"),
    path("occurrences/<int:occurrence_id>/", reminders.occurrence, name="occurrence"),
    path("<int:school_id>/reminders/", reminders.school_reminders, name="school_reminders"),
    path("<int:school_id>/tasks/<int:task_id>/schedule/", reminders.schedule, name="schedule"),
    path(
        "school-groups/<int:group_id>/new-school/",
        onboarding.new_school_group_school,
        name="school_group_school_new",
    ),
    path("<int:school_id>/", board.board, name="board"),
    path("<int:school_id>/export/", board.export, name="export"),
    path("<int:school_id>/workload/", workload.dashboard, name="workload"),
    path("<int:school_id>/workload/limits/", workload.limits, name="limits"),
    path(
        "<int:school_id>/workload/budget-conversion/",
        workload.budget_conversion,
        name="budget_conversion",
    ),
    path("<int:school_id>/workload/hours-factor/", workload.hours_factor, name="hours_factor"),
    path("<int:school_id>/bulk-assign/", board.bulk_assign, name="bulk_assign"),
    path("<int:school_id>/copy-year/", board.copy_year, name="copy_year"),
    path("<int:school_id>/plan-next-year/", board.plan_next_year, name="plan_next_year"),
    path("<int:school_id>/tasks/<int:task_id>/", board.task_detail, name="task"),
    path(
        "<int:school_id>/tasks/<int:task_id>/assign/", board.assignment_add, name="assignment_add"
    ),
    path(
        "<int:school_id>/assignments/<int:assignment_id>/",
        board.assignment_change,
        name="assignment_change",
    ),
    path(
        "<int:school_id>/assignments/<int:assignment_id>/remove/",
        board.assignment_remove,
        name="assignment_remove",
    ),
    path("<int:school_id>/staff/", staff.staff_list, name="staff"),
    path("<int:school_id>/staff/<int:member_id>/", staff.staff_detail, name="staff_detail"),
    path(
        "<int:school_id>/staff/<int:member_id>/tasks/",
        person_tasks.member_tasks,
        name="member_tasks",
    ),
    path("<int:school_id>/staff/<int:member_id>/edit/", staff.staff_edit, name="staff_edit"),
    path("<int:school_id>/staff/<int:member_id>/remove/", staff.staff_remove, name="staff_remove"),
    path("<int:school_id>/staff/import/", onboarding.staff_import, name="staff_import"),
    path(
        "<int:school_id>/staff/import/<int:import_id>/",
        onboarding.staff_import_preview,
        name="staff_import_preview",
    ),
    path(
        "<int:school_id>/staff/import/<int:import_id>/confirm/",
        onboarding.staff_import_confirm,
        name="staff_import_confirm",
    ),
    path(
        "<int:school_id>/staff/import/<int:import_id>/cancel/",
        onboarding.staff_import_cancel,
        name="staff_import_cancel",
    ),
    path("<int:school_id>/staff/<int:member_id>/invite/", onboarding.invite, name="invite"),
    path("<int:school_id>/staff/<int:member_id>/rights/", onboarding.set_rights, name="rights"),
    path(
        "<int:school_id>/invitations/<int:invitation_id>/resend/",
        onboarding.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<int:school_id>/invitations/<int:invitation_id>/withdraw/",
        onboarding.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("<int:school_id>/roles/", staff.roles, name="roles"),
    path("<int:school_id>/task-list/", task_list.task_list, name="task_list"),
    path("<int:school_id>/task-list/<int:task_id>/", task_list.task_edit, name="task_edit"),
    path("<int:school_id>/task-list/<int:task_id>/hide/", task_list.task_hide, name="task_hide"),
    path("<int:school_id>/history/", history.history, name="history"),
]
