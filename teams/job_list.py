"""The teams app's jobs as the code that sends them knows them (:class:`ictteam.celery.Job`).

Each name is the function that runs the job (in ``teams/jobs.py``, or for workload
in ``teams/workload/jobs.py``); this module imports nothing of the app, so its
services can send them.
"""

from __future__ import annotations

from ictteam.celery import Job

# Reads a staff workbook too large for the request, for its preview (the import's id).
ANALYSE_STAFF_IMPORT: Job[[int]] = Job("teams.jobs.analyse_staff_import")
# Every 5 minutes: reading jobs that never ran; old previews and imports dropped.
TIDY_STAFF_IMPORTS: Job[[]] = Job("teams.jobs.tidy_staff_imports")
# After a change that moves hours: the marked schools (a batch of ids, or None for all).
RECALCULATE_MARKED: Job[[list[int] | None]] = Job("teams.workload.jobs.recalculate_marked_job")
# Nightly: a new school year when one starts, and the day's copy of the figures.
NIGHTLY: Job[[]] = Job("teams.workload.jobs.nightly_job")
# Nightly: new catalogue tasks on every task list.
ADOPT_CATALOGUE_EVERYWHERE: Job[[]] = Job("teams.jobs.adopt_catalogue_everywhere")
# After a catalogue import: its new tasks everywhere, and new figures for every school.
FOLLOW_CATALOGUE_CHANGE: Job[[]] = Job("teams.jobs.follow_catalogue_change")
# Daily: the reminder scan, then senders for the digests.
SEND_REMINDERS: Job[[]] = Job("teams.jobs.send_reminders_job")
# A schedule saved within its lead time: the scan of that one task at once (its id, the day
# as YYYY-MM-DD), so its reminders need not wait for the daily scan.
SCAN_TASK: Job[[int, str]] = Job("teams.jobs.scan_task_job")
# After the scan, and every quarter of an hour: the digests still waiting.
SEND_PENDING_DIGESTS: Job[[]] = Job("teams.jobs.send_pending_digests_job")
# Nightly: sessions past their idle limit dropped from the database.
CLEAR_EXPIRED_SESSIONS: Job[[]] = Job("teams.jobs.clear_expired_sessions")
