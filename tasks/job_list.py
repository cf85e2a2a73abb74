"""The catalogue's jobs as the code that sends them knows them (:class:`ictteam.celery.Job`).

Each name is the function in ``tasks/jobs.py`` that runs the job; this module imports
nothing of the app, so its services can send them.
"""

from __future__ import annotations

from ictteam.celery import Job

# Reads an upload too large for the request, for its preview (the import's id).
ANALYSE_IMPORT: Job[[int]] = Job("tasks.jobs.analyse_import")
# Writes a confirmed import with too many tasks for the request (the import's id).
APPLY_IMPORT: Job[[int]] = Job("tasks.jobs.apply_import")
# Every 5 minutes: sends again the imports whose job never ran.
RESUME_PENDING_IMPORTS: Job[[]] = Job("tasks.jobs.resume_pending_imports")
