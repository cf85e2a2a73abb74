"""Jobs are found from the code that sends them.

Every job is declared in its app's ``job_list`` (its name and its arguments); the
function its name gives runs it; services send declarations, never names, so
"go to definition" leads from the sender to the declaration and mypy checks the
arguments. Jobs import services, and only jobs modules import jobs modules.
"""

import ast
import re
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ictteam.celery import Job, app, job_named
from tasks import job_list as catalogue_jobs
from teams import job_list as teams_jobs

ROOT = Path(__file__).resolve().parents[1]
APPS = ("ictteam", "tasks", "teams", "guidelines")
# A job's name as Celery knows it: the dotted path of a function in a jobs module.
JOB_NAME = re.compile(r"^(tasks|teams|guidelines)(\.\w+)*\.jobs\.\w+$")


def declared() -> list[Job]:  # type: ignore[type-arg]
    return [
        value
        for job_list in (catalogue_jobs, teams_jobs)
        for value in vars(job_list).values()
        if isinstance(value, Job)
    ]


def app_modules() -> list[Path]:
    return [
        path
        for app_name in APPS
        for path in (ROOT / app_name).rglob("*.py")
        if "migrations" not in path.parts
    ]


def test_every_declared_job_runs_as_the_function_its_name_gives():
    jobs = declared()
    assert len(jobs) == 13
    for job in jobs:
        module, _, function = job.name.rpartition(".")
        task = job_named(job.name)
        assert task.name == job.name
        assert getattr(import_module(module), function).name == job.name  # it lives there


def test_every_job_of_ours_is_declared():
    app.loader.import_default_modules()
    ours = {name for name in app.tasks if name.split(".")[0] in APPS}
    assert ours == {job.name for job in declared()}


def test_the_periodic_jobs_are_declared_jobs():
    periodic = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert periodic
    assert periodic <= {job.name for job in declared()}


def test_a_function_that_does_not_live_at_the_declared_name_is_refused():
    misplaced = Job[[int]]("teams.jobs.nowhere")

    def somewhere(pk: int) -> None:
        return None

    with pytest.raises(ImproperlyConfigured, match=r"teams\.jobs\.nowhere"):
        misplaced.runs(somewhere)


def test_job_names_are_written_only_in_the_job_lists_and_the_beat_schedule():
    where = set()
    for path in app_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and JOB_NAME.match(node.value)
            ):
                where.add(path.relative_to(ROOT).as_posix())
    assert where == {"tasks/job_list.py", "teams/job_list.py", "ictteam/settings.py"}


def test_only_jobs_modules_import_jobs_modules():
    offenders = []
    for path in app_modules():
        if path.name == "jobs.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                names = [alias.name for alias in node.names]
                if module.split(".")[-1] == "jobs" or "jobs" in names:
                    offenders.append(str(path.relative_to(ROOT)))
            elif isinstance(node, ast.Import) and any(
                alias.name.split(".")[-1] == "jobs" for alias in node.names
            ):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
