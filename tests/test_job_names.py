"""Jobs import services; services hand work to jobs by name only, and every name is a job."""

import ast
from pathlib import Path

from ictteam.celery import job_named
from tasks import services as catalogue
from teams.assignments import task_list as services
from teams.staff import staff_import
from teams.workload import figures

ROOT = Path(__file__).resolve().parents[1]


def test_every_name_services_hand_work_to_is_a_registered_job():
    names = [
        figures.RECALCULATE_JOB,
        catalogue.ANALYSE_JOB,
        catalogue.APPLY_JOB,
        services.FOLLOW_CATALOGUE_JOB,
        staff_import.ANALYSE_JOB,
    ]
    for name in names:
        assert job_named(name).name == name


def test_only_jobs_modules_import_jobs_modules():
    offenders = []
    for path in [*ROOT.glob("*/**/*.py")]:
        if ".venv" in path.parts or "tests" in path.parts or path.name == "jobs.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                names = [alias.name for alias in node.names]
                if module.split(".")[-1] == "jobs" or "jobs" in names:
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
